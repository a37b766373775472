/**
 * Error codes and the one error class the engine raises.
 *
 * Every failure that reaches a user is an `SlmError` with a stable `code` (documented in the
 * error table of docs/reference.md) and a sentence a person can act on. Raw library errors are
 * mapped here, in one place, so elements never have to parse exception text.
 */

/** Stable machine-readable error codes. */
export type SlmErrorCode =
  /** An attribute or option has a value outside its allowed set. */
  | 'invalid-option'
  /** A generation was requested but no `model` is configured. */
  | 'no-model'
  /** An element needs a model but has no `<slm-provider>` ancestor. */
  | 'no-provider'
  /** The model's `config.json` (or the model itself) was not found. */
  | 'model-not-found'
  /** The model exists but a file it needs (tokenizer, ONNX weights for the dtype) is missing. */
  | 'model-file-missing'
  /** WebGPU was requested explicitly but this browser has no usable adapter. */
  | 'webgpu-unavailable'
  /**
   * The model host could not be reached (offline, DNS, CORS, a dropped connection) and the files
   * are not cached; or a module of this library (an element's interface, the engine) could not be fetched.
   */
  | 'network-error'
  /**
   * A model file exists but cannot be read: malformed `config.json` or tokenizer, an ONNX file
   * ONNX Runtime cannot parse. (A damaged copy in Cache Storage is repaired once before this.)
   */
  | 'model-invalid'
  /** The browser's storage cannot hold the model's files (checked with `navigator.storage.estimate()` before downloading). */
  | 'quota-exceeded'
  /**
   * A downloaded file did not match the SHA-256 (or size) its host states (the Hugging Face Hub's
   * listing or `X-Linked-ETag`, a folder's `manifest.json`) twice in a row: it was discarded,
   * downloaded again once, and never used or cached.
   */
  | 'integrity'
  /** The device ran out of memory loading or running the model (too large for this device). */
  | 'out-of-memory'
  /**
   * Known before downloading: this device plainly cannot run the model with this dtype (weights
   * larger than WebAssembly's 4 GiB of memory where there is no usable WebGPU, or a tensor larger
   * than the GPU's largest buffer). The message names the dtypes of the model that would fit.
   */
  | 'model-too-large'
  /** The GPU device was lost (driver reset, GPU process crash) and rebuilding the engine did not help. */
  | 'device-lost'
  /** Loading failed for another reason (unsupported architecture, ...). */
  | 'load-failed'
  /** The model loaded but a generation failed. */
  | 'generation-failed'
  /**
   * The prompt does not fit the context window even with every droppable message left out
   * (system prompt plus last user message too long, or no room left for a reply).
   */
  | 'context-overflow'
  /** `load="manual"`: a request came before the page called `load()`. */
  | 'not-loaded'
  /** The model was unloaded (`unload()`, the provider left the page, its `model` changed) before the request finished. */
  | 'aborted'
  /** The worker could not start or crashed. */
  | 'worker-failed'
  /**
   * A JSON Schema (`schema`, a tool's `parameters`, a form `<slm-fill>` describes) is not valid
   * JSON, or uses something the grammar engine cannot enforce; the message names it.
   */
  | 'invalid-schema'
  /**
   * A constrained reply (a `schema`, a tool call) reached `max-new-tokens` before it was
   * complete: what was generated is not valid, so it is not handed back as a result.
   */
  | 'length'
  /** A tool call got no answer (`respondWith`, or the tool's `run`) within `tool-timeout`. */
  | 'tool-timeout';

/** Stable codes of `slm-warning`: something went wrong, but the model works. */
export type SlmWarningCode =
  /** WebGPU could not load or run the model; it now runs on WebAssembly. */
  | 'device-fallback'
  /** A damaged file in Cache Storage was deleted and downloaded again. */
  | 'cache-repaired'
  /** The model works, but the browser refused to store its files: the next visit downloads them again. */
  | 'quota-exceeded'
  /** `persist-storage` was set, but the browser did not grant persistent storage. */
  | 'storage-not-persisted'
  /** The GPU device was lost; the engine was rebuilt and the request ran again. */
  | 'device-lost'
  /**
   * `share="origin"` was asked for, but this page cannot share a worker with other tabs (no
   * `SharedWorker`, a Content-Security-Policy that refuses it, or the library served from another
   * origin): the model runs in this page alone.
   */
  | 'share-unavailable';

/** Plain-data form of a warning, as it crosses `postMessage` and travels in event details. */
export interface SlmWarningData {
  code: SlmWarningCode;
  message: string;
}

/** Plain-data form of an `SlmError`, as it crosses `postMessage` and travels in event details. */
export interface SlmErrorData {
  code: SlmErrorCode;
  message: string;
}

/** An error with a stable `code` and a readable message. */
export class SlmError extends Error implements SlmErrorData {
  override readonly name = 'SlmError';

  constructor(
    readonly code: SlmErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** Rebuilds an error that crossed the worker boundary as plain data. */
  static from(data: SlmErrorData): SlmError {
    return new SlmError(data.code, data.message);
  }

  /** The plain-data form, safe for `postMessage` and event details. */
  toJSON(): SlmErrorData {
    return { code: this.code, message: this.message };
  }
}

/** What a request to an engine without a configured model rejects with. */
export function noModelError(): SlmError {
  return new SlmError('no-model', 'No model is configured: set the "model" attribute of <slm-provider>.');
}

/** What a request still pending when the model is unloaded (`unload()`, a new configuration) rejects with. */
export function unloadedError(): SlmError {
  return new SlmError('aborted', 'The model was unloaded before the request finished.');
}

/** What a request rejects with under `load="manual"` before the page has called `load()`. */
export function notLoadedError(): SlmError {
  return new SlmError(
    'not-loaded',
    'The model has not been loaded: this page loads it with load() (load="manual"), for example after asking you.',
  );
}

/** How a failed load may still succeed in a new worker: delete the cached files first, or skip WebGPU. */
export type LoadRecovery = 'repair' | 'fallback';

/** A failed load, and whether another attempt in a new worker may succeed (see `ModelHost.load`). Engine-internal. */
export class LoadFailure extends SlmError {
  constructor(
    error: SlmErrorData,
    readonly recover: LoadRecovery | undefined,
  ) {
    super(error.code, error.message);
  }
}

/** The text of anything thrown. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
