/**
 * Turns whatever transformers.js, ONNX Runtime, `fetch` or the GPU threw into an `SlmError` with
 * a stable code (`classifyLoadError`, `classifyRunError`). Only the worker side needs this; the
 * page's first script carries just `SlmError` itself (`errors.ts`).
 */
import { SlmError, errorText } from '../shared/errors.js';

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
    if (file === '' || file.endsWith('config.json')) {
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
