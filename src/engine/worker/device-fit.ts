/**
 * Whether this device can plainly not run a model, known before a byte of its weights is fetched
 * (issue #16, "check before downloading"): better a clear message and the precision that would fit
 * than a long download that ends in "out of memory".
 *
 * Two limits are checked, from what the model's listing and `config.json` say:
 * - **WebAssembly memory.** ONNX Runtime's WebAssembly build has a 32-bit memory of at most 4 GiB,
 *   and the weights are loaded into it: weights larger than that cannot load there.
 * - **The GPU's largest buffer.** WebGPU keeps each tensor in one buffer, and an adapter states
 *   the largest it allows (`maxBufferSize`, `maxStorageBufferBindingSize`; 128–256 MiB on some
 *   phones). A model's largest tensor is usually its token embedding, `vocab_size × hidden_size`
 *   numbers; the estimate takes the fewest bytes a number can have in that dtype (half a byte for
 *   the 4-bit ones, whose embeddings are often kept at higher precision), so only a model that
 *   plainly cannot fit is refused.
 *
 * Pure functions, table-tested in `test/download-rules.test.ts`.
 */
import { DTYPE_FILE_SUFFIX } from './dtype-choice.js';
import type { ResolvedDevice, ResolvedDtype } from '../shared/types.js';

/** The largest WebAssembly memory ONNX Runtime can use (wasm32: 4 GiB). */
export const WASM_MEMORY_LIMIT = 4 * 2 ** 30;

/** The fewest bytes one weight takes in each dtype (see the module comment). */
const MIN_BYTES_PER_WEIGHT: Record<ResolvedDtype, number> = { fp32: 4, fp16: 2, q8: 1, q4: 0.5, q4f16: 0.5 };

/** What a device offers. */
export interface DeviceLimits {
  /** The adapter's largest buffer (the smaller of `maxBufferSize` and `maxStorageBufferBindingSize`); WebGPU only. */
  gpuMaxBuffer?: number | undefined;
}

/** Bytes of a decoder's weights in `dtype`: `onnx/model<suffix>.onnx` and its `_data` files, from the listing's sizes. */
export function weightsBytes(files: ReadonlyMap<string, { size?: number }>, dtype: ResolvedDtype): number | undefined {
  const base = `onnx/model${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
  let total: number | undefined;
  for (const [path, { size }] of files) {
    if (path !== base && !path.startsWith(`${base}_data`)) continue;
    if (size === undefined) return undefined;
    total = (total ?? 0) + size;
  }
  return total;
}

/** The least bytes the largest tensor (the token embedding) can take in `dtype`, from `config.json`. */
export function largestTensorBytes(config: unknown, dtype: ResolvedDtype): number | undefined {
  const c = (config ?? {}) as { vocab_size?: unknown; hidden_size?: unknown; text_config?: unknown };
  const source = typeof c.vocab_size === 'number' ? c : ((c.text_config ?? {}) as typeof c);
  const { vocab_size: vocab, hidden_size: hidden } = source;
  if (typeof vocab !== 'number' || typeof hidden !== 'number') return undefined;
  return vocab * hidden * MIN_BYTES_PER_WEIGHT[dtype];
}

/** Why `dtype` cannot run on `device`, or `undefined` when nothing says it cannot. */
export function fitProblem(
  device: ResolvedDevice,
  dtype: ResolvedDtype,
  known: { weights: number | undefined; tensor: number | undefined },
  limits: DeviceLimits,
): string | undefined {
  const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;
  if (device === 'wasm' && known.weights !== undefined && known.weights > WASM_MEMORY_LIMIT) {
    return `its ${dtype} weights (${gb(known.weights)}) do not fit in WebAssembly's 4 GiB of memory`;
  }
  if (device === 'webgpu' && known.tensor !== undefined && limits.gpuMaxBuffer !== undefined && known.tensor > limits.gpuMaxBuffer) {
    return `its largest ${dtype} tensor (at least ${gb(known.tensor)}) is larger than this GPU's largest buffer (${gb(limits.gpuMaxBuffer)})`;
  }
  return undefined;
}

/** Every dtype, smallest weights first (for suggestions). */
const BY_SIZE: readonly ResolvedDtype[] = ['q4f16', 'q4', 'q8', 'fp16', 'fp32'];

/**
 * The dtypes the model has (per its listing) that fit `device`, largest first: the suggestion for a
 * dtype that does not. Dtypes whose weights the listing does not show are left out.
 */
export function dtypesThatFit(
  device: ResolvedDevice,
  files: ReadonlyMap<string, { size?: number }>,
  config: unknown,
  limits: DeviceLimits,
): ResolvedDtype[] {
  return [...BY_SIZE].reverse().filter((dtype) => {
    const weights = weightsBytes(files, dtype);
    if (weights === undefined) return false;
    return !fitProblem(device, dtype, { weights, tensor: largestTensorBytes(config, dtype) }, limits);
  });
}
