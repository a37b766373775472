import { expect, html, oneEvent } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmChatElement, SlmCompleteElement, SlmErrorEvent, SlmResponseEvent } from '../dist/index.js';
import { boxesInSharedProvider, failOnLitDevWarnings, typeAndSend } from './helpers.js';

type Validate = ((value: unknown) => boolean) & { errors?: unknown };
const { validator } = (await import(/* @vite-ignore */ '/__validator.js' as string)) as { validator: (schema: object) => Validate };

const PERSON = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 10 },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    email: { type: 'string', format: 'email' },
    tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 2 },
  },
  required: ['name', 'age', 'email'],
};

describe('schema on <slm-complete> and <slm-chat> (tiny model, wasm)', () => {
  failOnLitDevWarnings();

  // One provider for the file: these tests are about requests and what comes back, not loading,
  // and a new worker's first ONNX Runtime session (and its grammar engine) costs more than they do.
  // Each test renders its elements into a box of its own inside it.
  const provider = boxesInSharedProvider();

  it('<slm-complete schema="…">: complete() resolves to valid JSON; slm-response carries it parsed', async () => {
    const root = await provider(html`<slm-complete prompt="A person:" max-new-tokens="400" schema=${JSON.stringify(PERSON)}></slm-complete>`);
    const complete = root.querySelector('slm-complete')!;
    const response = oneEvent(complete, 'slm-response') as Promise<SlmResponseEvent>;
    const text = await complete.complete();
    const { detail } = await response;
    const value = JSON.parse(text) as unknown;
    expect(validator(PERSON)(value)).to.equal(true);
    expect(detail.json).to.deep.equal(value);
    expect(detail.text).to.equal(text);
    expect(detail.constraint!.maskMs).to.be.greaterThan(0);
    await complete.updateComplete;
    expect(complete.shadowRoot!.querySelector('[part="completion"]')!.textContent).to.equal(text);
    await expect(complete).to.be.accessible();
  });

  it('takes the schema as an object property too, and with mode="chat"', async () => {
    const root = await provider(html`<slm-complete mode="chat" prompt="Colour?" max-new-tokens="40"></slm-complete>`);
    const complete = root.querySelector<SlmCompleteElement>('slm-complete')!;
    complete.schema = { enum: ['red', 'green', 'blue'] };
    expect(['"red"', '"green"', '"blue"']).to.include(await complete.complete());
  });

  it('reports length, and resolves "" instead of cut-off JSON', async () => {
    const root = await provider(html`<slm-complete prompt="x" max-new-tokens="5" schema='{"type": "string"}'></slm-complete>`);
    const complete = root.querySelector('slm-complete')!;
    const error = oneEvent(complete, 'slm-error') as Promise<SlmErrorEvent>;
    const response = oneEvent(complete, 'slm-response') as Promise<SlmResponseEvent>;
    expect(await complete.complete()).to.equal('');
    expect((await error).detail.code).to.equal('length');
    const { detail } = await response;
    expect(detail.reason).to.equal('error');
    expect(detail.json).to.equal(undefined);
  });

  for (const [label, schema, pattern] of [
    ['text that is not JSON', '{"type": "object"', /schema is not valid JSON/],
    ['JSON that is not a schema', '[1, 2]', /must be a JSON Schema/],
    ['a keyword the grammar cannot enforce', '{"type": "string", "not": {"const": "x"}}', /not is not supported/],
  ] as const) {
    it(`reports ${label} as invalid-schema`, async () => {
      const root = await provider(html`<slm-complete prompt="x" max-new-tokens="8" schema=${schema}></slm-complete>`);
      const complete = root.querySelector('slm-complete')!;
      const error = oneEvent(complete, 'slm-error') as Promise<SlmErrorEvent>;
      await complete.complete();
      const { detail } = await error;
      expect(detail.code).to.equal('invalid-schema');
      expect(detail.message).to.match(pattern);
    });
  }

  it('<slm-chat schema="…">: replies are valid JSON, shown as a code block, kept raw in messages', async () => {
    const root = await provider(html`<slm-chat max-new-tokens="400" schema=${JSON.stringify(PERSON)}></slm-chat>`);
    const chat = root.querySelector<SlmChatElement>('slm-chat')!;
    const response = oneEvent(chat, 'slm-response') as Promise<SlmResponseEvent>;
    await typeAndSend(chat, 'Who are you?');
    const { detail } = await response;
    const reply = chat.messages.at(-1)!;
    expect(reply.role).to.equal('assistant');
    const value = JSON.parse(reply.content) as unknown;
    expect(validator(PERSON)(value)).to.equal(true);
    expect(detail.json).to.deep.equal(value);
    await chat.updateComplete;
    const code = chat.shadowRoot!.querySelector('[part~="assistant-message"] [part~="code-block"] code')!;
    expect(code.textContent).to.equal(JSON.stringify(value, null, 2));
    // Text, never markup: the model's characters are shown as they are.
    expect(code.children.length).to.equal(0);
    await expect(chat).to.be.accessible();

    // A follow-up turn is constrained too, and continues the conversation's cache.
    const second = oneEvent(chat, 'slm-response') as Promise<SlmResponseEvent>;
    await typeAndSend(chat, 'And now?');
    const next = await second;
    expect(validator(PERSON)(next.detail.json)).to.equal(true);
    expect(next.detail.cachedTokens).to.be.greaterThan(0);
  });
});
