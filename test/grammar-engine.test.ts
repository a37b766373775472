import { expect, fixture, html } from '@open-wc/testing';
import '../dist/define.js';
import type { GenerationResult, SlmEngine, SlmProviderElement } from '../dist/index.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, referenceGeneration } from './helpers.js';

/** Ajv with formats, bundled by the test server (`test/server/test-bundles.mjs`). */
type Validate = ((value: unknown) => boolean) & { errors?: unknown };
const { validator } = (await import(/* @vite-ignore */ '/__validator.js' as string)) as { validator: (schema: object) => Validate };

/**
 * Schemas that exercise every keyword the issue lists, bounded so that a random model can finish
 * them within the token budget (a random model is the hardest case for a constraint: it never
 * "wants" to write JSON).
 */
export const SCHEMAS: Record<string, object> = {
  person: {
    type: 'object',
    properties: { name: { type: 'string', maxLength: 12 }, age: { type: 'integer', minimum: 0, maximum: 120 } },
    required: ['name', 'age'],
    additionalProperties: false,
  },
  enumeration: { enum: ['red', 'green', 'blue'] },
  constant: { type: 'object', properties: { kind: { const: 'point' }, note: { type: 'string', maxLength: 4 } }, required: ['kind'] },
  integers: { type: 'array', items: { type: 'integer', minimum: -5, maximum: 5 }, minItems: 1, maxItems: 4 },
  nested: {
    type: 'object',
    properties: {
      user: {
        type: 'object',
        properties: {
          id: { type: 'integer', minimum: 1, maximum: 9999 },
          tags: { type: 'array', items: { enum: ['a', 'b', 'c'] }, maxItems: 3 },
        },
        required: ['id', 'tags'],
      },
      active: { type: 'boolean' },
    },
    required: ['user', 'active'],
  },
  bounds: {
    type: 'object',
    properties: {
      unit: { type: 'number', minimum: 0, maximum: 1 },
      open: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      below: { type: 'number', maximum: -2 },
      above: { type: 'number', minimum: 2.5, maximum: 3 },
    },
    required: ['unit', 'open', 'below', 'above'],
  },
  lengths: { type: 'string', minLength: 3, maxLength: 5 },
  pattern: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{3}$' },
  formats: {
    type: 'object',
    properties: {
      email: { type: 'string', format: 'email' },
      date: { type: 'string', format: 'date' },
      time: { type: 'string', format: 'time' },
      when: { type: 'string', format: 'date-time' },
      site: { type: 'string', format: 'uri' },
      id: { type: 'string', format: 'uuid' },
      ip: { type: 'string', format: 'ipv4' },
    },
    required: ['email', 'date', 'time', 'when', 'site', 'id', 'ip'],
  },
  references: {
    $defs: { point: { type: 'object', properties: { x: { type: 'integer', minimum: 0, maximum: 9 }, y: { type: 'integer', minimum: 0, maximum: 9 } }, required: ['x', 'y'] } },
    type: 'object',
    properties: { from: { $ref: '#/$defs/point' }, to: { $ref: '#/$defs/point' } },
    required: ['from', 'to'],
  },
  choices: { anyOf: [{ type: 'integer', minimum: 0, maximum: 9 }, { type: 'string', maxLength: 3 }] },
  nullable: { type: ['string', 'null'], maxLength: 6 },
  flag: { type: 'boolean' },
  items: {
    type: 'object',
    properties: { list: { type: 'array', items: { type: 'string', maxLength: 4 }, minItems: 2, maxItems: 2 } },
    required: ['list'],
  },
};

const PROMPTS = ['Describe it as JSON:', 'x', '{"'];

describe('constrained decoding in the engine (tiny random model, wasm)', () => {
  failOnLitDevWarnings();
  let engine: SlmEngine;

  before(async () => {
    const provider = await fixture<SlmProviderElement>(html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`);
    await provider.load();
    engine = provider.engine;
  });

  /** Generates greedily (or sampling at `temperature`) with `schema`; returns the result and the streamed text. */
  async function constrained(prompt: string, schema: object, { maxNewTokens = 400, temperature = 0 } = {}) {
    let streamed = '';
    try {
      const result = await engine.generate(
        { kind: 'text', prompt },
        { maxNewTokens, temperature, schema: JSON.stringify(schema) },
        { onToken: (update) => (streamed += update.token) },
      );
      return { result, streamed };
    } catch (error) {
      throw new Error(`${(error as Error).message} (schema ${JSON.stringify(schema)}, prompt ${JSON.stringify(prompt)}, streamed ${JSON.stringify(streamed)})`, { cause: error });
    }
  }

  function expectValid(schema: object, result: GenerationResult, label: string) {
    const value = JSON.parse(result.text) as unknown;
    expect(result.json, `${label}: json`).to.deep.equal(value);
    const validate = validator(schema);
    expect(validate(value), `${label}: ${result.text} → ${JSON.stringify(validate.errors)}`).to.equal(true);
    expect(result.reason, label).to.equal('eos');
  }

  it('produces JSON that parses and validates for every schema and prompt (greedy)', async () => {
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      for (const prompt of PROMPTS) {
        // Seven formatted strings take a random model a few hundred tokens.
        const { result, streamed } = await constrained(prompt, schema, { maxNewTokens: name === 'formats' ? 800 : 400 });
        expectValid(schema, result, `${name} / ${prompt}`);
        // What streamed is what came back.
        expect(streamed).to.equal(result.text);
      }
    }
  });

  it('stays valid when sampling (temperature 1.5)', async () => {
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const { result } = await constrained('Sample:', schema, { temperature: 1.5, maxNewTokens: name === 'formats' ? 800 : 400 });
      expectValid(schema, result, `${name} / sampled`);
    }
  });

  it('writes JSON on one line, without padding whitespace', async () => {
    const { result } = await constrained('{\n\n   ', SCHEMAS.nested!);
    expect(result.text).not.to.match(/[\n\t]|\s{2}|^\s|\s$/);
  });

  it('compiles a schema once, then takes it from the cache', async () => {
    const schema = { type: 'object', properties: { only: { enum: ['once'] } }, required: ['only'] };
    const first = (await constrained('a', schema)).result;
    const second = (await constrained('b', schema)).result;
    expect(first.constraint!.cached).to.equal(false);
    expect(second.constraint!.cached).to.equal(true);
    expect(second.constraint!.compileMs).to.be.below(first.constraint!.compileMs + 1);
    expect(first.constraint!.maskMs).to.be.greaterThan(0);
  });

  it('ends with the coded error "length" when the budget cuts the JSON, never with invalid JSON', async () => {
    let error: { code?: string; message?: string } | undefined;
    let streamed = '';
    try {
      await engine.generate(
        { kind: 'text', prompt: 'Long:' },
        { maxNewTokens: 6, temperature: 0, schema: JSON.stringify({ type: 'string' }) },
        { onToken: (update) => (streamed += update.token) },
      );
    } catch (thrown) {
      error = thrown as typeof error;
    }
    expect(error?.code).to.equal('length');
    expect(error?.message).to.match(/max-new-tokens/);
    expect(() => JSON.parse(streamed)).to.throw();
  });

  it('accepts JSON that was complete when the budget ran out', async () => {
    // `true` is four tokens on the byte-level vocabulary: complete before the end-of-sequence token.
    const result = await engine.generate({ kind: 'text', prompt: 'b' }, { maxNewTokens: 4, temperature: 0, schema: '{"const": true}' });
    expect(result.json).to.equal(true);
    expect(result.reason).to.equal('length');
  });

  for (const [label, schema, pattern] of [
    ['not JSON', '{"type": "object",', /not valid JSON/],
    ['an unknown type', '{"type": "strin"}', /"strin" is not a JSON Schema type/],
    ['a missing reference', '{"$ref": "#/$defs/nothing"}', /\$ref "#\/\$defs\/nothing"/],
    ['an unenforceable keyword', '{"type": "array", "uniqueItems": true}', /uniqueItems is not supported/],
    ['contradictory lengths', '{"type": "string", "minLength": 5, "maxLength": 2}', /minLength 5 is greater than maxLength 2/],
    ['an unsupported pattern', '{"type": "string", "pattern": "(?=a)b"}', /lookahead/],
    ['false', 'false', /no value can satisfy it/],
  ] as const) {
    it(`rejects ${label} with invalid-schema, naming the problem`, async () => {
      let error: { code?: string; message?: string } | undefined;
      try {
        await engine.generate({ kind: 'text', prompt: 'x' }, { maxNewTokens: 8, temperature: 0, schema });
      } catch (thrown) {
        error = thrown as typeof error;
      }
      expect(error?.code).to.equal('invalid-schema');
      expect(error?.message).to.match(pattern);
    });
  }

  it('reports what XGrammar itself refuses, and keeps working afterwards', async () => {
    // Passes our checks, refused by XGrammar's compiler (minProperties it cannot satisfy).
    let error: { code?: string; message?: string } | undefined;
    try {
      await engine.generate({ kind: 'text', prompt: 'x' }, { maxNewTokens: 8, temperature: 0, schema: '{"type": "object", "minProperties": 1}' });
    } catch (thrown) {
      error = thrown as typeof error;
    }
    expect(error?.code).to.equal('invalid-schema');
    expect(error?.message).to.match(/minProperties/);
    const { result } = await constrained('x', SCHEMAS.person!);
    expectValid(SCHEMAS.person!, result, 'after a refusal');
  });

  it('keeps a constrained and a free request on one model apart (no mask leaks either way)', async () => {
    const free = (prompt: string) => engine.generate({ kind: 'text', prompt }, { maxNewTokens: 40, temperature: 0 });
    const expected = await referenceGeneration('Free text', 40);
    const [a, b, c, d] = await Promise.all([
      free('Free text'),
      constrained('Free text', SCHEMAS.nested!),
      free('Free text'),
      constrained('x', SCHEMAS.integers!),
    ]);
    expect(a.text).to.equal(expected.text);
    expect(c.text).to.equal(expected.text);
    expectValid(SCHEMAS.nested!, b.result, 'concurrent nested');
    expectValid(SCHEMAS.integers!, d.result, 'concurrent integers');
    // Free text of this model is not JSON: had a mask leaked, it would be.
    expect(() => JSON.parse(a.text)).to.throw();
  });
});
