/**
 * A JSON Schema checked and narrowed before XGrammar sees it.
 *
 * **Checked**, because XGrammar aborts on what it cannot compile (see `xgrammar-module.ts`), and
 * silently ignores keywords it cannot enforce (`not`, `if`/`then`, `uniqueItems`, ...): output
 * that ignores part of the schema would not validate, so those are refused up front with an
 * `invalid-schema` message that names the keyword and where it is (`/properties/tags: uniqueItems
 * is not supported`).
 *
 * **Narrowed**, so that everything the grammar allows also validates (never the other way
 * round): the rewritten schema accepts a subset of what the author's accepts.
 * - Every `number` and `integer` becomes a placeholder for our own grammar
 *   (`number-range.ts`): XGrammar's bounded numbers accept values outside their bounds, and its
 *   unbounded ones let a model write digits until the token budget runs out.
 * - `format: "date"`, `"time"` and `"date-time"` become patterns that only allow real calendar
 *   days (no 31 February; 29 February never) and seconds 00–59; `"email"` and `"uri"` become
 *   bounded patterns that HTML form controls and common validators all accept (an address with
 *   a dotted domain; an `http(s)` URL).
 * - `\s` in a pattern becomes a space: a tab or line break cannot stand unescaped in a JSON string.
 * - `type: [..., "number", ...]` becomes an `anyOf` of one type each, so the number can be ours.
 */
import { SlmError } from '../../shared/errors.js';
import { DATE, TIME } from '../../shared/formats.js';
import { numberRangeGrammar, integerRangeGrammar, type NumberBounds } from './number-range.js';

/** A schema ready for XGrammar, and the grammar of each number placeholder in it. */
export interface PreparedSchema {
  /** The narrowed schema, as JSON text. */
  text: string;
  /** Placeholder string → EBNF expression that replaces its literal in XGrammar's grammar. */
  numbers: Map<string, string>;
}

type Schema = Record<string, unknown>;

/** Keywords XGrammar 0.1.27 ignores or cannot enforce: output could then fail validation. */
const UNSUPPORTED = [
  'not',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
  'contains',
  'minContains',
  'maxContains',
  'unevaluatedProperties',
  'unevaluatedItems',
  '$dynamicRef',
  '$recursiveRef',
] as const;

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);

/** Keywords whose value is a schema, an array of schemas, or a map of schemas. */
const SCHEMA_KEYWORDS = ['additionalProperties', 'items', 'propertyNames', 'additionalItems'] as const;
const SCHEMA_LIST_KEYWORDS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'definitions'] as const;

/** Bounded, validator-friendly patterns that replace some formats (see the module comment). */
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?';
const DOMAIN = `(?:${LABEL}\\.){1,2}[A-Za-z]{2,8}`;
const FORMAT_PATTERNS: Record<string, { pattern: string; lengths: [number, number] }> = {
  date: { pattern: `^${DATE}$`, lengths: [10, 10] },
  time: { pattern: `^${TIME}$`, lengths: [9, 18] },
  'date-time': { pattern: `^${DATE}T${TIME}$`, lengths: [20, 29] },
  email: { pattern: `^[A-Za-z0-9_%+-]{1,24}(?:\\.[A-Za-z0-9_%+-]{1,24})?@${DOMAIN}$`, lengths: [6, 104] },
  uri: { pattern: `^https?://${DOMAIN}(?:/[A-Za-z0-9._~%-]{1,16}){0,3}$`, lengths: [11, 111] },
};
/** Formats XGrammar enforces itself (others are annotations a validator ignores too). */
const XGRAMMAR_FORMATS = new Set(['duration', 'ipv4', 'ipv6', 'hostname', 'uuid']);

/** Thrown inside the walk; becomes the `invalid-schema` error. */
class SchemaProblem extends Error {}

/** `#/a/b` → the value at that JSON pointer in `root`, or `undefined`. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

/**
 * Checks a pattern (ECMAScript syntax, as JSON Schema specifies) for what XGrammar's regex
 * converter refuses or what a JSON string cannot hold unescaped; returns it narrowed (`\s` → space).
 */
function preparePattern(pattern: string, where: string): string {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    throw new SchemaProblem(`${where}: pattern is not a valid regular expression (${(error as Error).message})`);
  }
  const refused: [RegExp, string][] = [
    [/\(\?<?[=!]/, 'lookahead and lookbehind'],
    [/\\[1-9]|\\k</, 'backreferences'],
    [/\\[bB]/, 'word boundaries (\\b)'],
    [/\\[pP]\{/, 'Unicode property classes (\\p{…})'],
    [/\(\?[a-z]/i, 'inline flags'],
    [/\\[nrtfv0]|\\x[01][0-9a-fA-F]|\\u00[01][0-9a-fA-F]/, 'control characters (a JSON string must escape them)'],
  ];
  for (const [test, what] of refused) {
    if (test.test(pattern)) throw new SchemaProblem(`${where}: pattern uses ${what}, which cannot be enforced`);
  }
  // A quote or backslash outside a character class would have to be escaped in JSON.
  const outsideClasses = pattern.replace(/\\./g, (m) => (m === '\\\\' || m === '\\"' ? '"' : '')).replace(/\[(?:\\.|[^\]])*\]/g, '');
  const onlyEscapes = /\[\^?(?:"|\\\\|\\")+\]/.test(pattern);
  if (outsideClasses.includes('"') || onlyEscapes) {
    throw new SchemaProblem(`${where}: pattern requires a quote or backslash, which a JSON string must escape`);
  }
  return pattern.replace(/\\s/g, ' ');
}

/** Walks and narrows one schema (see the module comment). */
class Preflight {
  readonly numbers = new Map<string, string>();

  constructor(private readonly root: unknown) {}

  schema(node: unknown, where: string): unknown {
    if (typeof node === 'boolean') return node;
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      throw new SchemaProblem(`${where || '/'}: a schema must be an object or a boolean`);
    }
    const schema: Schema = { ...(node as Schema) };
    for (const keyword of UNSUPPORTED) {
      if (keyword in schema) throw new SchemaProblem(`${where || '/'}: ${keyword} is not supported`);
    }
    if (schema.uniqueItems === true) throw new SchemaProblem(`${where || '/'}: uniqueItems is not supported`);
    if (Array.isArray(schema.allOf) && schema.allOf.length > 1) {
      throw new SchemaProblem(`${where || '/'}: allOf with more than one schema is not supported`);
    }
    this.checkCounts(schema, where);
    if (typeof schema.$ref === 'string') {
      if (resolvePointer(this.root, schema.$ref) === undefined) {
        throw new SchemaProblem(`${where || '/'}: $ref "${schema.$ref}" does not point into this schema (only local references such as "#/$defs/name" are supported)`);
      }
    } else if (schema.$ref !== undefined) {
      throw new SchemaProblem(`${where || '/'}: $ref must be a string`);
    }

    // Subschemas first, so this node's rewrite sees them done.
    for (const keyword of SCHEMA_KEYWORDS) {
      const value = schema[keyword];
      if (Array.isArray(value)) schema[keyword] = value.map((item, i) => this.schema(item, `${where}/${keyword}/${i}`));
      else if (value !== undefined) schema[keyword] = this.schema(value, `${where}/${keyword}`);
    }
    for (const keyword of SCHEMA_LIST_KEYWORDS) {
      const value = schema[keyword];
      if (value === undefined) continue;
      if (!Array.isArray(value) || value.length === 0) throw new SchemaProblem(`${where}/${keyword}: must be a non-empty array of schemas`);
      schema[keyword] = value.map((item, i) => this.schema(item, `${where}/${keyword}/${i}`));
    }
    for (const keyword of SCHEMA_MAP_KEYWORDS) {
      const value = schema[keyword];
      if (value === undefined) continue;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SchemaProblem(`${where}/${keyword}: must be an object`);
      schema[keyword] = Object.fromEntries(
        Object.entries(value as Schema).map(([key, item]) => [key, this.schema(item, `${where}/${keyword}/${key}`)]),
      );
    }
    if (Array.isArray(schema.required) && !schema.required.every((name) => typeof name === 'string')) {
      throw new SchemaProblem(`${where}/required: must be an array of property names`);
    }
    if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0)) {
      throw new SchemaProblem(`${where}/enum: must be a non-empty array`);
    }
    return this.narrow(schema, where);
  }

  private checkCounts(schema: Schema, where: string): void {
    for (const keyword of ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']) {
      if (schema[keyword] !== undefined && !isCount(schema[keyword])) {
        throw new SchemaProblem(`${where}/${keyword}: must be a whole number of 0 or more`);
      }
    }
    for (const [min, max] of [['minLength', 'maxLength'], ['minItems', 'maxItems'], ['minProperties', 'maxProperties']] as const) {
      if ((schema[min] as number) > (schema[max] as number)) {
        throw new SchemaProblem(`${where || '/'}: ${min} ${String(schema[min])} is greater than ${max} ${String(schema[max])}`);
      }
    }
    for (const keyword of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']) {
      if (schema[keyword] !== undefined && typeof schema[keyword] !== 'number') {
        throw new SchemaProblem(`${where}/${keyword}: must be a number`);
      }
    }
    if (schema.pattern !== undefined && typeof schema.pattern !== 'string') throw new SchemaProblem(`${where}/pattern: must be a string`);
    if (schema.format !== undefined && typeof schema.format !== 'string') throw new SchemaProblem(`${where}/format: must be a string`);
  }

  /** This node's own rewrite: types, numbers, formats, patterns. */
  private narrow(schema: Schema, where: string): Schema {
    // `const` and `enum` decide alone in XGrammar; its output is one of the listed values.
    if ('const' in schema || 'enum' in schema || '$ref' in schema) return schema;
    const type = schema.type;
    if (type !== undefined) {
      const types = Array.isArray(type) ? type : [type];
      for (const t of types) {
        if (typeof t !== 'string' || !TYPES.has(t)) throw new SchemaProblem(`${where}/type: "${String(t)}" is not a JSON Schema type`);
      }
      if (types.length === 0) throw new SchemaProblem(`${where}/type: must name at least one type`);
      if (types.length > 1) {
        if (schema.anyOf || schema.oneOf) throw new SchemaProblem(`${where}/type: a list of types together with anyOf/oneOf is not supported`);
        const { type: _drop, ...rest } = schema;
        return { anyOf: types.map((t, i) => this.narrow({ ...rest, type: t }, `${where}/type/${i}`)) };
      }
    }
    if (type === 'number' || type === 'integer') return this.numberPlaceholder(schema, type, where);
    if (type === 'string' || (type === undefined && (schema.pattern !== undefined || schema.format !== undefined))) {
      return this.narrowString(schema, where);
    }
    return schema;
  }

  private numberPlaceholder(schema: Schema, type: 'number' | 'integer', where: string): Schema {
    if (schema.multipleOf !== undefined) {
      // XGrammar enforces an integer multipleOf on integers (with its own, correct, integer ranges).
      if (type === 'integer' && Number.isInteger(schema.multipleOf) && (schema.multipleOf as number) > 0) return schema;
      throw new SchemaProblem(`${where}/multipleOf: only a whole multipleOf on integers is supported`);
    }
    const bounds = schema as NumberBounds;
    const grammar = type === 'integer' ? integerRangeGrammar(bounds) : numberRangeGrammar(bounds);
    if (!grammar) throw new SchemaProblem(`${where || '/'}: no ${type} satisfies minimum/maximum`);
    const placeholder = `__slm_number_${this.numbers.size}__`;
    this.numbers.set(placeholder, grammar);
    return { const: placeholder };
  }

  private narrowString(schema: Schema, where: string): Schema {
    const narrowed = { ...schema };
    const format = typeof schema.format === 'string' ? schema.format : undefined;
    const minLength = (schema.minLength as number | undefined) ?? 0;
    const maxLength = (schema.maxLength as number | undefined) ?? Infinity;
    const lengths = schema.minLength !== undefined || schema.maxLength !== undefined;
    const replacement = format === undefined ? undefined : FORMAT_PATTERNS[format];
    if (replacement && schema.pattern === undefined) {
      // Ours are bounded: lengths that admit every string of the pattern change nothing.
      const [shortest, longest] = replacement.lengths;
      if (minLength > shortest || maxLength < longest) {
        throw new SchemaProblem(`${where || '/'}: format "${format}" together with minLength/maxLength is not supported`);
      }
      delete narrowed.format;
      delete narrowed.minLength;
      delete narrowed.maxLength;
      narrowed.pattern = replacement.pattern;
      return narrowed;
    }
    if (format !== undefined && !XGRAMMAR_FORMATS.has(format)) {
      // An unknown format is an annotation: validators ignore it, and so does the grammar.
      delete narrowed.format;
    } else if (format !== undefined && (lengths || schema.pattern !== undefined)) {
      // XGrammar applies one of pattern, format and lengths, and ignores the others.
      throw new SchemaProblem(`${where || '/'}: format "${format}" together with pattern or minLength/maxLength is not supported`);
    }
    if (typeof narrowed.pattern === 'string') {
      if (lengths) {
        throw new SchemaProblem(
          `${where || '/'}: pattern together with minLength/maxLength is not supported (put the length in the pattern, e.g. {1,20})`,
        );
      }
      narrowed.pattern = preparePattern(narrowed.pattern, `${where}/pattern`);
    }
    return narrowed;
  }
}

/**
 * Checks and narrows a schema given as JSON text (see the module comment). Throws an `SlmError`
 * with code `invalid-schema` that names the problem and where it is.
 */
export function prepareSchema(text: string): PreparedSchema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SlmError('invalid-schema', `The schema is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === false) throw new SlmError('invalid-schema', 'The schema is false: no value can satisfy it.');
  const preflight = new Preflight(parsed);
  try {
    const narrowed = preflight.schema(parsed, '');
    // References point into the original schema: the definitions they name are narrowed where
    // they stand, so the rewritten tree keeps them under the same pointers.
    return { text: JSON.stringify(narrowed), numbers: preflight.numbers };
  } catch (error) {
    if (error instanceof SchemaProblem) throw new SlmError('invalid-schema', `The schema cannot be enforced: ${error.message}.`);
    throw error;
  }
}
