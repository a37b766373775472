/**
 * The tensor side of a conversation's KV cache (a transformers.js `DynamicCache`): how much memory
 * it holds, whether and how it can be cut back to a shorter prefix of tokens, and freeing it.
 *
 * `conversation-cache.ts` beside this decides *which* cache serves which prompt; this module
 * touches the tensors. It imports transformers.js' types only: the worker passes the library in.
 */
import { disposeQuietly } from './conversation-cache.js';

type Transformers = typeof import('@huggingface/transformers');
/** A transformers.js KV cache: `past_key_values.{layer}.key|value` tensors by name. */
export type KvCache = InstanceType<Transformers['DynamicCache']>;
type Tensor = InstanceType<Transformers['Tensor']>;

export { disposeQuietly };

/** Bytes per element of each ONNX tensor type a KV cache may hold. */
const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
  int4: 0.5,
  uint4: 0.5,
};

/** A cache's tensors by name (`past_key_values.{layer}.key|value`). */
function tensorsOf(cache: KvCache): [string, Tensor][] {
  return Object.entries(cache as unknown as Record<string, Tensor>);
}

/** Memory held by a cache's tensors (on the GPU or in JavaScript), in bytes. */
export function cacheBytes(cache: KvCache): number {
  let total = 0;
  for (const tensor of tensorsOf(cache).map(([, t]) => t)) total += tensor.size * (BYTES_PER_ELEMENT[tensor.type] ?? 4);
  return total;
}

/**
 * Whether a cache can be cut to a shorter prefix here: only attention keys/values (a recurrent or
 * convolution state, as in hybrid models, summarises all tokens and cannot be cut), all in
 * JavaScript memory (wasm). WebGPU caches live in GPU buffers; cutting one would mean reading it
 * back, so those are rebuilt instead.
 */
export function canCrop(cache: KvCache, length: number): boolean {
  const entries = tensorsOf(cache);
  return (
    entries.length > 0 &&
    entries.every(
      ([name, tensor]) =>
        name.startsWith('past_key_values.') &&
        tensor.location === 'cpu' &&
        tensor.dims.length >= 3 &&
        tensor.dims.at(-2) === length,
    )
  );
}

/** A new cache holding the first `keep` positions of `cache` (CPU tensors; see `canCrop`). */
export function cropCache(lib: Transformers, cache: KvCache, keep: number): KvCache {
  const entries: Record<string, Tensor> = {};
  for (const [name, tensor] of tensorsOf(cache)) {
    const cropped = cropSequenceAxis(tensor.data as TensorData, tensor.dims, keep);
    entries[name] = new lib.Tensor(tensor.type, cropped.data as never, cropped.dims);
  }
  return new lib.DynamicCache(entries);
}

/**
 * Makes every KV cache free a CPU tensor's memory as soon as a forward pass replaces it (from now
 * on, in this worker). transformers.js' `DynamicCache.update` frees replaced GPU tensors and
 * leaves CPU ones to the garbage collector, so on WebAssembly each generated token left the
 * previous step's whole cache behind (it grows with the reply: ~0.9 MB per token at 220
 * positions of `slm-fast`) while ONNX Runtime allocated the next one afresh, and the worker's
 * thread spent ~0.9 ms per token in the kernel on ~220 page faults (memory never yet touched,
 * handed out and zeroed page by page). Freed at once (`ArrayBuffer.prototype.transfer(0)`), the
 * same memory serves the next step's outputs, which are a few bytes larger.
 *
 * Safe because a cache owns its tensors: a step's inputs are copied into ONNX Runtime's memory
 * before it runs, the generate loop then keeps only the new ones, and the conversation store
 * keeps the cache object (updated in place), never single tensors. A tensor whose data is a view
 * of a larger buffer is left alone.
 */
export function freeReplacedTensors(lib: Transformers): void {
  const prototype = lib.DynamicCache.prototype as unknown as CacheUpdate;
  if (prototype[FREES]) return;
  const { update } = prototype;
  prototype.update = function (this: Record<string, Tensor>, entries: Record<string, Tensor>) {
    for (const key in entries) {
      const previous = this[key];
      if (previous && previous !== entries[key] && previous.location === 'cpu') freeTensorData(previous);
    }
    update.call(this, entries);
  };
  prototype[FREES] = true;
}

const FREES = Symbol('slm-frees-replaced-tensors');
/** `DynamicCache.prototype` as patched here. */
interface CacheUpdate {
  update: (this: Record<string, Tensor>, entries: Record<string, Tensor>) => void;
  [FREES]?: true;
}

/**
 * Gives a CPU tensor's memory back now (its data becomes empty). Not for a view of a larger
 * buffer, nor twice (an empty buffer is already free; transferring it again would throw).
 */
function freeTensorData(tensor: Tensor): void {
  const data = tensor.data as TensorData;
  const buffer = data.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (typeof buffer.transfer !== 'function' || buffer.byteLength === 0) return;
  if (data.byteOffset !== 0 || data.byteLength !== buffer.byteLength) return;
  buffer.transfer(0);
}

/** The typed arrays a CPU tensor may hold (everything but plain arrays). */
export type TensorData = Exclude<ArrayBufferView, DataView>;

/**
 * Keeps the first `keep` positions of a tensor's second-to-last axis, the sequence axis of a KV
 * cache tensor `[batch, kv_heads, sequence, head_dim]` (transformers.js reads the cached length
 * from `dims.at(-2)` too). Copies one contiguous run per (batch, head): far faster than
 * `Tensor.slice`, which copies element by element when the slice is not contiguous.
 */
export function cropSequenceAxis<T extends TensorData>(data: T, dims: readonly number[], keep: number): { data: T; dims: number[] } {
  if (dims.length < 2) throw new RangeError('A KV cache tensor has at least two dimensions.');
  const length = dims.at(-2)!;
  if (!Number.isInteger(keep) || keep < 0 || keep > length) {
    throw new RangeError(`Cannot keep ${keep} of ${length} cached positions.`);
  }
  const inner = dims.at(-1)!;
  const outer = dims.slice(0, -2).reduce((a, b) => a * b, 1);
  const Constructor = data.constructor as new (length: number) => T;
  const out = new Constructor(outer * keep * inner);
  const source = data as unknown as { subarray(begin: number, end: number): ArrayLike<number> & ArrayLike<bigint> };
  const target = out as unknown as { set(array: ArrayLike<number> | ArrayLike<bigint>, offset: number): void };
  for (let i = 0; i < outer; i++) {
    const from = i * length * inner;
    target.set(source.subarray(from, from + keep * inner), i * keep * inner);
  }
  return { data: out, dims: [...dims.slice(0, -2), keep, inner] };
}

