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
  /** Loading failed for another reason (corrupt file, unsupported architecture, ...). */
  | 'load-failed'
  /** The model loaded but a generation failed. */
  | 'generation-failed'
  /**
   * The prompt does not fit the context window even with every droppable message left out
   * (system prompt plus last user message too long, or no room left for a reply).
   */
  | 'context-overflow'
  /** The worker could not start or crashed. */
  | 'worker-failed';

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
  const text = error instanceof Error ? error.message : String(error);
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
  return new SlmError('load-failed', `Model "${model}" could not be loaded: ${text}`);
}
