/**
 * Every setting of the engine and of a generation request, declared once: its attribute, its
 * default, how a raw value is validated, and (for engine settings) whether a change means another
 * engine. Parsing, validation, equality, the page-wide engine key and the worker's load
 * configuration are all derived from these two tables, so adding a setting is one entry here.
 *
 * Setters never throw (an exception in an attribute callback is invisible to most pages);
 * instead a parser returns either a value or an `SlmError` (`invalid-option`) that the element
 * reports through `slm-error` and shows in its UI. Messages name the setting the way the caller
 * wrote it: the attribute for elements (`device="gpu"`), the property for the engine API
 * (`contextWindow=0.5`).
 */
import { SlmError } from './errors.js';

/** Result of parsing: a value, or the error explaining why the input was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: SlmError };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, error: new SlmError('invalid-option', message) });

/** A raw value as elements hold it: attribute strings, property values, `null`/`undefined` when unset. */
type Raw = unknown;
const unset = (raw: Raw): raw is null | undefined | '' => raw === undefined || raw === null || raw === '';
/** A raw value as a message quotes it. */
const show = (raw: Raw): string => (typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? 'undefined'));

/** How one setting is read. `label` names it in messages; `base` resolves relative URLs. */
interface Setting<T> {
  /** The HTML attribute (kebab-case) of the camelCase property. */
  readonly attribute: string;
  /** Validates a raw value; an unset one gives the default. */
  parse(raw: Raw, label: string, base: string): Parsed<T>;
}

/** An engine setting: also says whether changing it means another engine (another model or files). */
interface EngineSetting<T> extends Setting<T> {
  /** Part of the engine's identity: engines are shared, compared and keyed by these settings. */
  readonly identity: boolean;
}

/** One of a fixed list of words (case-insensitive), or `fallback` when unset. */
function oneOf<T extends string>(allowed: readonly T[], fallback: T) {
  return (raw: Raw, label: string): Parsed<T> => {
    if (unset(raw) || (typeof raw === 'string' && raw.trim() === '')) return ok(fallback);
    const value = show(raw).trim().toLowerCase();
    return (allowed as readonly string[]).includes(value)
      ? ok(value as T)
      : fail(`${label}="${show(raw)}" is not supported: use one of ${allowed.map((a) => `"${a}"`).join(', ')}.`);
  };
}

/** A whole number of at least `min`, or `fallback` when unset. */
function wholeNumber<F extends number | undefined>(min: number, fallback: F, unit = '') {
  return (raw: Raw, label: string): Parsed<number | F> => {
    if (unset(raw)) return ok(fallback);
    const value = Number(raw);
    return Number.isInteger(value) && value >= min
      ? ok(value)
      : fail(`${label}="${show(raw)}" must be a whole number${unit} of at least ${min}.`);
  };
}

/**
 * Resolves a possibly relative URL against the document, so the worker (whose base URL is its own
 * script) fetches from the place the page author meant. A trailing slash is added for folders.
 */
export function toFolderUrl(value: string, base: string): string {
  const url = new URL(value, base).href;
  return url.endsWith('/') ? url : `${url}/`;
}

/** A folder URL, resolved against the document; unset stays `undefined`. */
function folderUrl(raw: Raw, label: string, base: string): Parsed<string | undefined> {
  if (unset(raw)) return ok(undefined);
  try {
    return ok(toFolderUrl(show(raw), base));
  } catch {
    return fail(`${label}="${show(raw)}" is not a valid URL.`);
  }
}

/** Replaces the escapes `\n`, `\r`, `\t` and `\\` of an attribute value by the characters they name. */
function unescapeStop(value: string): string {
  return value.replace(/\\([nrt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : '\\'));
}

/**
 * Validates `stop-sequences`: an array of strings, or an attribute value that is either a JSON
 * array of strings (`["\n\n", "END"]`) or one stop sequence (`\n`), where the escapes `\n`, `\r`,
 * `\t` and `\\` stand for a newline, carriage return, tab and backslash (an HTML attribute
 * cannot hold a newline conveniently). Empty strings are ignored; `[]` means none.
 */
export function parseStopSequences(raw: Raw, label = 'stop-sequences'): Parsed<string[]> {
  if (unset(raw)) return ok([]);
  let list: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trimStart().startsWith('[')) {
      try {
        list = JSON.parse(raw);
      } catch {
        return fail(`${label}='${raw}' is not valid JSON: use a JSON array of strings, or a single stop sequence.`);
      }
    } else {
      list = [unescapeStop(raw)];
    }
  }
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    return fail(`${label} must be a JSON array of strings, or a single stop sequence.`);
  }
  return ok([...new Set(list)].filter((stop) => stop !== ''));
}

/**
 * Validates `schema`: a JSON Schema given as an object (property) or as JSON text (attribute).
 * Gives the schema as JSON text (what crosses to the worker and keys its grammar cache), or
 * `undefined` when unset. Text that is not JSON, or JSON that is not an object or a boolean, is
 * refused with `invalid-schema`; whether the grammar engine can enforce the schema is decided in
 * the worker (also `invalid-schema`).
 */
export function parseSchema(raw: Raw, label = 'schema'): Parsed<string | undefined> {
  if (unset(raw)) return ok(undefined);
  const refuse = (why: string): Parsed<string | undefined> => ({ ok: false, error: new SlmError('invalid-schema', `${label} ${why}`) });
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      return refuse(`is not valid JSON: ${(error as Error).message}.`);
    }
  }
  if (typeof value !== 'boolean' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    return refuse('must be a JSON Schema: an object (or true).');
  }
  try {
    return ok(JSON.stringify(value));
  } catch (error) {
    return refuse(`cannot be written as JSON: ${(error as Error).message}.`);
  }
}

/** Allowed `tool-choice` values of `<slm-chat>`. */
export const TOOL_CHOICES = ['auto', 'required', 'none'] as const;
/** Allowed `tool-format` values of `<slm-chat>`. */
export const TOOL_FORMATS = ['auto', 'hermes', 'llama3'] as const;

/** Allowed `device` values, in the order the README lists them. */
export const DEVICE_OPTIONS = ['auto', 'webgpu', 'wasm'] as const;
/** Allowed `dtype` values, in the order the README lists them. */
export const DTYPE_OPTIONS = ['auto', 'fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const;
/** Allowed `load` values of `<slm-provider>`. */
export const LOAD_MODES = ['lazy', 'eager', 'manual'] as const;
/** Allowed `share` values. */
export const SHARE_OPTIONS = ['page', 'origin'] as const;

/** Where the model runs. `auto` picks WebGPU when a hardware adapter exists, otherwise WebAssembly. */
export type DeviceOption = (typeof DEVICE_OPTIONS)[number];
/**
 * Weight precision. `auto` picks the best file the model ships for the chosen device
 * (see `engine/worker/dtype-choice.ts`); the others select `onnx/model_<suffix>.onnx`.
 */
export type DtypeOption = (typeof DTYPE_OPTIONS)[number];
/**
 * How a model comes to be loaded: `lazy` (the first request loads it), `eager` (at once), or
 * `manual` (only an explicit `load()`; until then requests fail with `not-loaded`).
 */
export type LoadMode = (typeof LOAD_MODES)[number];
/**
 * Who shares one loaded model: the elements of this page (`page`), or every tab and frame of the
 * origin that asks for the same configuration (`origin`: one engine in a shared worker).
 */
export type ShareOption = (typeof SHARE_OPTIONS)[number];

/** The engine's settings: what `<slm-provider>` (or an element without one) configures. */
export const ENGINE_SETTINGS = {
  /** Model id, e.g. `HuggingFaceTB/SmolLM2-360M-Instruct`, or a folder name under `modelBaseUrl`. */
  model: {
    attribute: 'model',
    identity: true,
    parse: (raw: Raw) => ok(unset(raw) ? '' : show(raw).trim()),
  },
  device: { attribute: 'device', identity: true, parse: oneOf(DEVICE_OPTIONS, 'auto') },
  dtype: { attribute: 'dtype', identity: true, parse: oneOf(DTYPE_OPTIONS, 'auto') },
  /**
   * Absolute URL of a folder holding `<model>/config.json`, tokenizer files and `<model>/onnx/*.onnx`.
   * When set, nothing is fetched from the Hugging Face Hub.
   */
  modelBaseUrl: { attribute: 'model-base-url', identity: true, parse: folderUrl },
  /** Absolute URL of a folder holding ONNX Runtime's `ort-wasm-simd-threaded.*` files. */
  wasmBaseUrl: { attribute: 'wasm-base-url', identity: true, parse: folderUrl },
  /** One engine for this page, or for every tab of the origin with the same configuration. */
  share: { attribute: 'share', identity: true, parse: oneOf(SHARE_OPTIONS, 'page') },
  /** When the model loads (changing it never reloads one). */
  loadMode: { attribute: 'load', identity: false, parse: oneOf(LOAD_MODES, 'lazy') },
} as const satisfies Record<string, EngineSetting<unknown>>;

/** The settings of one generation request. */
export const REQUEST_SETTINGS = {
  /** Upper bound on generated tokens. */
  maxNewTokens: { attribute: 'max-new-tokens', parse: wholeNumber(1, 256) },
  /** `0` means greedy decoding (deterministic); above zero samples with that temperature. */
  temperature: {
    attribute: 'temperature',
    parse: (raw: Raw, label: string): Parsed<number> => {
      const value = unset(raw) ? 0 : Number(raw);
      return Number.isFinite(value) && value >= 0
        ? ok(value)
        : fail(`${label}="${show(raw)}" must be a number of 0 or more (0 means greedy decoding).`);
    },
  },
  /** End the generation at the first of these strings (see `parseStopSequences`). */
  stopSequences: { attribute: 'stop-sequences', parse: parseStopSequences },
  /**
   * Token budget for prompt + reply (default: the model's context length). 16 at least: below
   * that not even a chat template's scaffolding fits.
   */
  contextWindow: { attribute: 'context-window', parse: wholeNumber(16, undefined, ' of tokens') },
  /** A JSON Schema the reply must validate against (see `parseSchema`). */
  schema: { attribute: 'schema', parse: parseSchema },
  /** Chats with tools: whether the model may (`auto`), must (`required`, first step) or may not (`none`) call one. */
  toolChoice: { attribute: 'tool-choice', parse: oneOf(TOOL_CHOICES, 'auto') },
  /** Chats with tools: how the model writes calls (`auto` reads its chat template). */
  toolFormat: { attribute: 'tool-format', parse: oneOf(TOOL_FORMATS, 'auto') },
  /** Chats with tools: rounds of calls answered before the model must reply in words. */
  maxToolRounds: { attribute: 'max-tool-rounds', parse: wholeNumber(1, 4) },
  /** Chats with tools: milliseconds a call may wait for its answer before the turn fails with `tool-timeout`. */
  toolTimeout: { attribute: 'tool-timeout', parse: wholeNumber(1, 30_000, ' of milliseconds') },
} as const satisfies Record<string, Setting<unknown>>;

type ValueOf<S> = S extends { parse(...args: never[]): Parsed<infer T> } ? T : never;
type IdentityKey = { [K in keyof typeof ENGINE_SETTINGS]: (typeof ENGINE_SETTINGS)[K]['identity'] extends true ? K : never }[keyof typeof ENGINE_SETTINGS];

/**
 * What to load and from where: the engine settings that make up its identity (two elements with
 * equal configurations share one engine). Validated by `parseEngineConfig` before it reaches the
 * worker.
 */
export type EngineConfig = UndefinedOptional<{ [K in IdentityKey]: ValueOf<(typeof ENGINE_SETTINGS)[K]> }>;

/** `T` with the properties that may be `undefined` made optional (`modelBaseUrl?`). */
type UndefinedOptional<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: T[K];
};

/** Raw engine settings as elements hold them (attribute strings or property values; unset ones `null`/`undefined`). */
export type RawEngineConfig = Partial<Record<IdentityKey, unknown>>;

/** The identity settings, in table order (the order of the page-wide engine key). */
const IDENTITY_KEYS = (Object.keys(ENGINE_SETTINGS) as (keyof typeof ENGINE_SETTINGS)[]).filter(
  (key): key is IdentityKey => ENGINE_SETTINGS[key].identity,
);

/** Names a setting in a message: its attribute for elements, its property for the engine API. */
export type LabelStyle = 'attribute' | 'property';
const labelOf = (key: string, setting: Setting<unknown>, style: LabelStyle) => (style === 'attribute' ? setting.attribute : key);

/**
 * Validates everything needed to load a model. `base` is the URL relative paths are resolved
 * against (the document's base URL in elements).
 */
export function parseEngineConfig(raw: RawEngineConfig, base: string, style: LabelStyle = 'attribute'): Parsed<EngineConfig> {
  const config: Record<string, unknown> = {};
  for (const key of IDENTITY_KEYS) {
    const setting: Setting<unknown> = ENGINE_SETTINGS[key];
    const parsed = setting.parse(raw[key], labelOf(key, setting, style), base);
    if (!parsed.ok) return parsed;
    config[key] = parsed.value;
  }
  return ok(config as EngineConfig);
}

/** Validates the `load` setting. */
export function parseLoadMode(raw: unknown, style: LabelStyle = 'attribute'): Parsed<LoadMode> {
  return ENGINE_SETTINGS.loadMode.parse(raw, labelOf('loadMode', ENGINE_SETTINGS.loadMode, style));
}

/** Whether two configurations load the same thing (every identity setting compared). */
export function sameEngineConfig(a: EngineConfig | undefined, b: EngineConfig | undefined): boolean {
  return IDENTITY_KEYS.every((key) => a?.[key] === b?.[key]);
}

/** A string that is equal for equal configurations (the page-wide engine registry's key). */
export function engineConfigKey(config: EngineConfig): string {
  return JSON.stringify(IDENTITY_KEYS.map((key) => config[key] ?? ''));
}

/** The request settings that belong to a chat's tools (parsed by `parseToolSettings`). */
type ToolSettingKey = 'toolChoice' | 'toolFormat' | 'maxToolRounds' | 'toolTimeout';

/** Sampling settings of one generation, validated (see `GenerationSettings`). */
export type RawGenerationSettings = Partial<Record<Exclude<keyof typeof REQUEST_SETTINGS, 'contextWindow' | ToolSettingKey>, unknown>>;

/**
 * Validates `maxNewTokens` (a positive integer), `temperature` (a finite number ≥ 0),
 * `stopSequences` (see `parseStopSequences`; present in the result only when there are some) and
 * `schema` (see `parseSchema`; present only when set).
 */
export function parseGenerationSettings(
  raw: RawGenerationSettings,
  style: LabelStyle = 'attribute',
): Parsed<{ maxNewTokens: number; temperature: number; stopSequences?: string[]; schema?: string }> {
  const label = (key: keyof typeof REQUEST_SETTINGS) => labelOf(key, REQUEST_SETTINGS[key], style);
  const maxNewTokens = REQUEST_SETTINGS.maxNewTokens.parse(raw.maxNewTokens, label('maxNewTokens'));
  if (!maxNewTokens.ok) return maxNewTokens;
  const temperature = REQUEST_SETTINGS.temperature.parse(raw.temperature, label('temperature'));
  if (!temperature.ok) return temperature;
  const stops = REQUEST_SETTINGS.stopSequences.parse(raw.stopSequences, label('stopSequences'));
  if (!stops.ok) return stops;
  const schema = REQUEST_SETTINGS.schema.parse(raw.schema, label('schema'));
  if (!schema.ok) return schema;
  return ok({
    maxNewTokens: maxNewTokens.value,
    temperature: temperature.value,
    ...(stops.value.length > 0 ? { stopSequences: stops.value } : {}),
    ...(schema.value !== undefined ? { schema: schema.value } : {}),
  });
}

/** A chat's tool settings, validated (see `REQUEST_SETTINGS`). */
export interface ToolSettings {
  toolChoice: (typeof TOOL_CHOICES)[number];
  toolFormat: (typeof TOOL_FORMATS)[number];
  maxToolRounds: number;
  toolTimeout: number;
}

/** Validates `tool-choice`, `tool-format`, `max-tool-rounds` and `tool-timeout`. */
export function parseToolSettings(raw: Partial<Record<ToolSettingKey, unknown>>, style: LabelStyle = 'attribute'): Parsed<ToolSettings> {
  const parsed: Record<string, unknown> = {};
  for (const key of ['toolChoice', 'toolFormat', 'maxToolRounds', 'toolTimeout'] as const) {
    const setting: Setting<unknown> = REQUEST_SETTINGS[key];
    const value = setting.parse(raw[key], labelOf(key, setting, style), '');
    if (!value.ok) return value;
    parsed[key] = value.value;
  }
  return ok(parsed as unknown as ToolSettings);
}

/** Validates `contextWindow`: unset, or a whole number of at least 16 tokens. */
export function parseContextWindow(raw: unknown, style: LabelStyle = 'attribute'): Parsed<number | undefined> {
  return REQUEST_SETTINGS.contextWindow.parse(raw, labelOf('contextWindow', REQUEST_SETTINGS.contextWindow, style));
}

/**
 * Validates a whole-number element setting with a lower bound (`debounce`, `context-chars`):
 * unset gives `fallback`, anything else must be a whole number of at least `min`.
 */
export function parseWholeNumber(name: string, raw: unknown, fallback: number, min = 0): Parsed<number> {
  return wholeNumber(min, fallback)(raw, name);
}
