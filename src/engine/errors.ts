/**
 * Error codes and the one error class the engine raises.
 *
 * Every failure that reaches a user is an `SlmError` with a stable `code` (documented in the
 * README's error table) and a sentence a person can act on. Raw library errors are mapped here,
 * in one place, so elements never have to parse exception text.
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
  /** The model host could not be reached (offline, DNS, CORS, a dropped connection) and the files are not cached. */
  | 'network-error'
  /**
   * A model file exists but cannot be read: malformed `config.json` or tokenizer, an ONNX file
   * ONNX Runtime cannot parse. (A damaged copy in Cache Storage is repaired once before this.)
   */
  | 'model-invalid'
  /** The browser's storage cannot hold the model's files (checked with `navigator.storage.estimate()` before downloading). */
  | 'quota-exceeded'
  /** The device ran out of memory loading or running the model (too large for this device). */
  | 'out-of-memory'
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
  | 'worker-failed';

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
  | 'device-lost';

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

/**
 * Whether an error means the network failed (as opposed to the server answering). `fetch`
 * rejects with a `TypeError` whose text differs per browser: "Failed to fetch" (Chromium),
 * "NetworkError when attempting to fetch resource." (Firefox), "Load failed" (Safari).
 */
export function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError && /failed to fetch|networkerror|load failed|network connection/i.test(error.message)
  );
}

/**
 * Whether a file could not be parsed: `JSON.parse` on a damaged `config.json` or tokenizer, or
 * ONNX Runtime failing to read a model ("protobuf parsing failed", "Failed to load model").
 */
export function isParseFailure(error: unknown): boolean {
  if (error instanceof SyntaxError) return true;
  return /protobuf parsing failed|failed to load model|invalid model|unexpected (token|end of json)|is not valid json|json\.parse|model_path must not be empty|invalid_protobuf|ERROR_CODE: 7/i.test(
    errorText(error),
  );
}

/**
 * Whether an error means memory ran out: ONNX Runtime's allocator, a WebAssembly memory that
 * cannot grow past 4 GiB, `ArrayBuffer` allocation, or a WebGPU buffer too large for the device.
 */
export function isOutOfMemory(error: unknown): boolean {
  if (error instanceof RangeError && /allocation|memory/i.test(error.message)) return true;
  return /out of memory|\bOOM\b|bad_alloc|failed to allocate|allocation failed|cannot enlarge memory|maximum memory size|memory\.grow|exceeds the max(imum)? (buffer|binding) size|maxBufferSize|maxStorageBufferBindingSize/i.test(
    errorText(error),
  );
}

/** Whether an error means the GPU device was lost (driver reset, GPU process crash, `device.destroy()`). */
export function isDeviceLost(error: unknown): boolean {
  return /device (was |is |has been )?lost|GPUDevice.*(lost|destroyed)|lost the device|DXGI_ERROR_DEVICE_REMOVED|context lost/i.test(
    errorText(error),
  );
}

/**
 * Maps whatever transformers.js or ONNX Runtime threw while loading `model` to an `SlmError`.
 *
 * transformers.js reports missing files with messages such as
 * `Could not locate file: "…/config.json"` (hub.js `handleError`) or
 * `local_files_only=true or env.allowRemoteModels=false and file was not found locally at "…"`;
 * the file name tells whether the whole model or only one of its files is missing.
 */
export function classifyLoadError(error: unknown, model: string): SlmError {
  if (error instanceof SlmError) return error;
  const text = errorText(error);
  if (isNetworkError(error)) {
    return new SlmError(
      'network-error',
      `Model "${model}" could not be downloaded and is not in this browser's cache (${text}). Check the network, that a model host on another origin sends Access-Control-Allow-Origin, and that a Content-Security-Policy allows it in connect-src.`,
    );
  }
  const missing =
    /could not locate file|file was not found|not found locally|status(?: code)?:? 404|\b404\b|401|ModelFileNotFound/i.test(
      text,
    ) || (error instanceof Error && error.name === 'ModelFileNotFoundError');
  if (missing) {
    const file = /["']([^"']+)["']/.exec(text)?.[1] ?? '';
    if (file === '' || /config\.json$/.test(file)) {
      return new SlmError('model-not-found', `Model "${model}" was not found: ${text}`);
    }
    return new SlmError('model-file-missing', `Model "${model}" is missing a file: ${text}`);
  }
  if (isOutOfMemory(error)) {
    return new SlmError(
      'out-of-memory',
      `Model "${model}" does not fit in this device's memory: ${text}. Try a smaller model or a smaller dtype.`,
    );
  }
  if (isDeviceLost(error)) return new SlmError('device-lost', `The GPU was lost while loading "${model}": ${text}`);
  if (isParseFailure(error)) {
    return new SlmError('model-invalid', `A file of model "${model}" is damaged or not in the expected format: ${text}`);
  }
  return new SlmError('load-failed', `Model "${model}" could not be loaded: ${text}`);
}

/** Maps whatever a generation threw to an `SlmError`: device lost, out of memory, or another failure. */
export function classifyRunError(error: unknown): SlmError {
  if (error instanceof SlmError) return error;
  const text = errorText(error);
  if (isDeviceLost(error)) return new SlmError('device-lost', `The GPU was lost during the generation: ${text}`);
  if (isOutOfMemory(error)) {
    return new SlmError(
      'out-of-memory',
      `The device ran out of memory during the generation: ${text}. A shorter conversation or a smaller model may fit.`,
    );
  }
  return new SlmError('generation-failed', `Generation failed: ${text}`);
}
