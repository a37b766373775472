/**
 * Validation of user-supplied options (attribute values arrive here as strings or numbers).
 *
 * Setters never throw (an exception in an attribute callback is invisible to most pages); instead
 * each parser returns either a value or an `SlmError` that the element reports through `slm-error`
 * and shows in its UI.
 */
import { SlmError } from './errors.js';
import type {
  DeviceOption,
  DtypeOption,
  EngineConfig,
  LoadMode,
  GenerationSettings,
} from './types.js';

/** Allowed `device` values, in the order docs/reference.md lists them. */
export const DEVICE_OPTIONS: readonly DeviceOption[] = ['auto', 'webgpu', 'wasm'];

/** Allowed `dtype` values, in the order docs/reference.md lists them. */
export const DTYPE_OPTIONS: readonly DtypeOption[] = ['auto', 'fp32', 'fp16', 'q8', 'q4', 'q4f16'];

/** Allowed `load` values of `<slm-provider>`. */
export const LOAD_MODES: readonly LoadMode[] = ['lazy', 'eager', 'manual'];

/** Validates the `load` attribute. */
export function parseLoadMode(value: string | null | undefined): Parsed<LoadMode> {
  if (value === null || value === undefined || value.trim() === '') return ok('lazy');
  return oneOf('load', value, LOAD_MODES);
}

/** Default number of generated tokens when `max-new-tokens` is not set. */
export const DEFAULT_MAX_NEW_TOKENS = 256;

/** Result of parsing: a value, or the error explaining why the input was refused. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: SlmError };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({
  ok: false,
  error: new SlmError('invalid-option', message),
});

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): Parsed<T> {
  const normalised = value.trim().toLowerCase();
  return (allowed as readonly string[]).includes(normalised)
    ? ok(normalised as T)
    : fail(`${name}="${value}" is not supported: use one of ${allowed.map((a) => `"${a}"`).join(', ')}.`);
}

/**
 * Resolves a possibly relative URL against the document, so the worker (whose base URL is its own
 * script) fetches from the place the page author meant. A trailing slash is added for folders.
 */
export function toFolderUrl(value: string, base: string): string {
  const url = new URL(value, base).href;
  return url.endsWith('/') ? url : `${url}/`;
}

/** Raw option values as elements hold them (attributes are strings, unset ones `undefined`). */
export interface RawEngineConfig {
  model?: string | null | undefined;
  device?: string | null | undefined;
  dtype?: string | null | undefined;
  modelBaseUrl?: string | null | undefined;
  wasmBaseUrl?: string | null | undefined;
}

/**
 * Validates everything needed to load a model. `base` is the URL relative paths are resolved
 * against (the document's base URL in elements).
 */
export function parseEngineConfig(raw: RawEngineConfig, base: string): Parsed<EngineConfig> {
  const model = (raw.model ?? '').trim();
  const device = oneOf('device', raw.device ?? 'auto', DEVICE_OPTIONS);
  if (!device.ok) return device;
  const dtype = oneOf('dtype', raw.dtype ?? 'auto', DTYPE_OPTIONS);
  if (!dtype.ok) return dtype;
  let modelBaseUrl: string | undefined;
  let wasmBaseUrl: string | undefined;
  try {
    if (raw.modelBaseUrl) modelBaseUrl = toFolderUrl(raw.modelBaseUrl, base);
  } catch {
    return fail(`model-base-url="${raw.modelBaseUrl}" is not a valid URL.`);
  }
  try {
    if (raw.wasmBaseUrl) wasmBaseUrl = toFolderUrl(raw.wasmBaseUrl, base);
  } catch {
    return fail(`wasm-base-url="${raw.wasmBaseUrl}" is not a valid URL.`);
  }
  return ok({ model, device: device.value, dtype: dtype.value, modelBaseUrl, wasmBaseUrl });
}

/** Whether two configurations load the same thing (every field compared). */
export function sameEngineConfig(a: EngineConfig | undefined, b: EngineConfig | undefined): boolean {
  return (
    a?.model === b?.model &&
    a?.device === b?.device &&
    a?.dtype === b?.dtype &&
    a?.modelBaseUrl === b?.modelBaseUrl &&
    a?.wasmBaseUrl === b?.wasmBaseUrl
  );
}

/** Raw generation settings as elements hold them. */
export interface RawGenerationSettings {
  maxNewTokens?: number | string | null | undefined;
  temperature?: number | string | null | undefined;
  /** A `stop-sequences` attribute value or an array of strings (see `parseStopSequences`). */
  stopSequences?: string | readonly string[] | null | undefined;
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
export function parseStopSequences(raw: string | readonly string[] | null | undefined): Parsed<string[]> {
  if (raw === undefined || raw === null || raw === '') return ok([]);
  let list: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.trimStart().startsWith('[')) {
      try {
        list = JSON.parse(raw);
      } catch {
        return fail(`stop-sequences='${raw}' is not valid JSON: use a JSON array of strings, or a single stop sequence.`);
      }
    } else {
      list = [unescapeStop(raw)];
    }
  }
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    return fail(`stop-sequences must be a JSON array of strings, or a single stop sequence.`);
  }
  return ok([...new Set(list as string[])].filter((stop) => stop !== ''));
}

/**
 * Validates `max-new-tokens` (a positive integer), `temperature` (a finite number ≥ 0) and
 * `stop-sequences` (see `parseStopSequences`; present in the result only when there are some).
 */
export function parseGenerationSettings(raw: RawGenerationSettings): Parsed<GenerationSettings> {
  const maxNewTokens =
    raw.maxNewTokens === undefined || raw.maxNewTokens === null || raw.maxNewTokens === ''
      ? DEFAULT_MAX_NEW_TOKENS
      : Number(raw.maxNewTokens);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
    return fail(`max-new-tokens="${raw.maxNewTokens}" must be a whole number of at least 1.`);
  }
  const temperature =
    raw.temperature === undefined || raw.temperature === null || raw.temperature === ''
      ? 0
      : Number(raw.temperature);
  if (!Number.isFinite(temperature) || temperature < 0) {
    return fail(`temperature="${raw.temperature}" must be a number of 0 or more (0 means greedy decoding).`);
  }
  const stops = parseStopSequences(raw.stopSequences);
  if (!stops.ok) return stops;
  return ok({ maxNewTokens, temperature, ...(stops.value.length > 0 ? { stopSequences: stops.value } : {}) });
}

/**
 * Validates a whole-number attribute with a lower bound (`debounce`, `context-chars`): unset gives
 * `fallback`, anything else must be a whole number of at least `min`.
 */
export function parseWholeNumber(
  name: string,
  raw: number | string | null | undefined,
  fallback: number,
  min = 0,
): Parsed<number> {
  if (raw === undefined || raw === null || raw === '') return ok(fallback);
  const value = Number(raw);
  return Number.isInteger(value) && value >= min
    ? ok(value)
    : fail(`${name}="${raw}" must be a whole number of at least ${min}.`);
}

/** Validates `context-window`: unset, or a whole number of at least 16 tokens. */
export function parseContextWindow(raw: number | string | null | undefined): Parsed<number | undefined> {
  if (raw === undefined || raw === null || raw === '') return ok(undefined);
  const value = Number(raw);
  return Number.isInteger(value) && value >= 16
    ? ok(value)
    : fail(`context-window="${raw}" must be a whole number of tokens (at least 16).`);
}
