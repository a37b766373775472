/**
 * Where a model's files come from, on which device it runs, and what Cache Storage holds: the
 * worker-side decisions made before and around a load.
 *
 * - Environment: transformers.js pointed at the configured host and ONNX Runtime files, with a
 *   cache wrapper that notices failed writes (transformers.js only logs them).
 * - Device ladder: the devices to try, best first, from a WebGPU probe.
 * - dtype: the best precision whose files are already cached, else the best the host has.
 * - Storage: the bytes a download needs against `navigator.storage.estimate()`.
 * - Repair: deleting every cached file of a model.
 *
 * Runs only in the worker (it reads `navigator.gpu` and Cache Storage of the worker's origin,
 * which is the page's).
 */
import { dtypesThatFit, fitProblem, largestTensorBytes, weightsBytes, type DeviceLimits } from './device-fit.js';
import { chooseDtype, dtypePreferences, weightsFile } from './dtype-choice.js';
import { ModelDownloads, partStore } from './download/model-downloads.js';
import { declaredDtype } from './download/file-listing.js';
import { SlmError } from '../shared/errors.js';
import { isNetworkError } from './failure-classification.js';
import type { WorkerLoadConfig } from '../shared/protocol.js';
import type { DeviceCapabilities, DtypeOption, ResolvedDevice, ResolvedDtype } from '../shared/types.js';

type Transformers = typeof import('@huggingface/transformers');
type ModelConfig = Awaited<ReturnType<Transformers['AutoConfig']['from_pretrained']>>;

/** The Cache Storage bucket transformers.js uses (its `env.cacheKey` default). */
export const CACHE_NAME = 'transformers-cache';

/** Failed writes to Cache Storage since the last `takeCacheWriteFailure()`. */
let cacheWriteFailure: unknown;

/** The downloads of the model this worker was configured for (see `configureEnvironment`). */
let downloads: ModelDownloads | undefined;

/** The downloads of the configured model: its listing, progress, resumable transfers. */
export function modelDownloads(): ModelDownloads {
  if (!downloads) throw new Error('configureEnvironment() has not run');
  return downloads;
}

/** The first cache write that failed since the last call (a `QuotaExceededError`, usually), then forgets it. */
export function takeCacheWriteFailure(): unknown {
  const failure = cacheWriteFailure;
  cacheWriteFailure = undefined;
  return failure;
}

/**
 * The cache transformers.js reads and writes through (`env.customCache`): Cache Storage itself,
 * except that a failed `put` is recorded instead of only logged, so the engine can tell the page
 * that the model will not be there next visit (transformers.js hub.js `storeCachedResource`
 * catches and logs `QuotaExceededError`).
 */
const reportingCache = {
  open: () => caches.open(CACHE_NAME),
  async match(request: RequestInfo | URL) {
    return (await this.open()).match(request);
  },
  async put(request: RequestInfo | URL, response: Response) {
    try {
      await (await this.open()).put(request, response);
    } catch (error) {
      cacheWriteFailure ??= error;
    }
    // Whole now (or refused for good): the parts of its download are not needed any more.
    await downloads?.finished(typeof request === 'string' ? request : request instanceof URL ? request.href : request.url);
  },
  async delete(request: RequestInfo | URL) {
    return (await this.open()).delete(request);
  },
};

/** Points transformers.js at the configured model files and ONNX Runtime binaries. */
export function configureEnvironment(lib: Transformers, config: WorkerLoadConfig): void {
  const { env } = lib;
  // Self-hosting: with a base URL, files come from `<base><model>/<file>` and never from the Hub.
  // The base is used as the *remote host* rather than `localModelPath`: in transformers.js 4.3.1
  // `get_file_metadata` skips local paths that are full URLs (it tests `isValidUrl(localPath)`),
  // so `AutoTokenizer` found no tokenizer files and failed on `tokenizer_class` of undefined.
  // As a remote host the same URLs work, are cached in Cache Storage under their own address,
  // and any origin can host them.
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  if (config.modelBaseUrl) {
    env.remoteHost = config.modelBaseUrl;
    env.remotePathTemplate = '{model}/';
  }
  // Every file of the model is fetched through the download layer: listing first, probes
  // answered from it, transfers resumed and verified (download/model-downloads.ts).
  const folderUrl = modelFolderUrl(lib, config.model);
  downloads = new ModelDownloads(
    folderUrl,
    config.modelBaseUrl ? { kind: 'folder', folderUrl } : { kind: 'hub', hubHost: env.remoteHost, model: config.model },
    {
      onStorageRefused: (error) => (cacheWriteFailure ??= error),
      cachedCopy: async (url) => (typeof caches === 'undefined' ? undefined : (await caches.open(CACHE_NAME)).match(url)),
    },
  );
  env.fetch = downloads.fetch;
  env.cacheKey = CACHE_NAME;
  if (typeof caches === 'undefined') {
    env.useBrowserCache = false;
  } else {
    env.useCustomCache = true;
    env.customCache = reportingCache;
  }
  // Never the public CDN default of transformers.js: our own copy, or the page's choice.
  const onnxEnv = env.backends.onnx as { wasm?: { wasmPaths?: unknown } };
  if (onnxEnv.wasm) onnxEnv.wasm.wasmPaths = { ...config.wasmPaths };
  // transformers.js' own WebAssembly cache (`useWasmCache`, on by default) hands ONNX Runtime its
  // JavaScript loader as a blob: URL (backends/utils/cacheWasm.js `loadWasmFactory`), which a
  // Content-Security-Policy refuses unless script-src allows blob:. Off, ONNX Runtime imports the
  // loader from its own URL like any other script of the library, and `loadWasmBinary` keeps the
  // large binary in Cache Storage instead (docs/csp.md).
  env.useWasmCache = false;
}

let wasmBinary: Promise<ArrayBuffer> | undefined;

/**
 * ONNX Runtime's WebAssembly binary: from Cache Storage when it is there (a warm visit needs no
 * network for it, not even offline), else fetched and stored. Fetched once per worker.
 */
export function loadWasmBinary(url: string): Promise<ArrayBuffer> {
  wasmBinary ??= (async () => {
    const cache = typeof caches === 'undefined' ? undefined : await caches.open(CACHE_NAME).catch(() => undefined);
    const cached = await cache?.match(url);
    if (cached) return cached.arrayBuffer();
    const response = await fetch(url);
    if (!response.ok) {
      throw new SlmError('load-failed', `ONNX Runtime's WebAssembly file could not be loaded: ${url} answered ${response.status}.`);
    }
    const bytes = await response.arrayBuffer();
    try {
      await cache?.put(url, new Response(bytes.slice(0), { headers: response.headers }));
    } catch (error) {
      cacheWriteFailure ??= error;
    }
    return bytes;
  })();
  wasmBinary.catch(() => (wasmBinary = undefined));
  return wasmBinary;
}

/** Hands ONNX Runtime its binary (see `loadWasmBinary`) so it never fetches it itself. */
export function provideWasmBinary(lib: Transformers, bytes: ArrayBuffer): void {
  const onnxEnv = lib.env.backends.onnx as { wasm?: { wasmBinary?: unknown } };
  if (onnxEnv.wasm) onnxEnv.wasm.wasmBinary = bytes;
}

/** The URL every file of the model starts with, as transformers.js builds it (hub.js `buildResourcePaths`). */
export function modelFolderUrl(lib: Transformers, model: string): string {
  const { env } = lib;
  const host = env.remoteHost.endsWith('/') ? env.remoteHost : `${env.remoteHost}/`;
  const path = env.remotePathTemplate.replaceAll('{model}', model).replaceAll('{revision}', 'main');
  return host + (path.endsWith('/') ? path : `${path}/`);
}

/**
 * Deletes every cached file of the model (all dtypes, tokenizer, config). Works even when
 * `config.json` itself is damaged, unlike transformers.js' `clear_cache`, which must parse it to
 * list the files. Returns how many entries were deleted.
 */
export async function clearModelCache(lib: Transformers, model: string): Promise<number> {
  const { cache, requests } = await cachedModelRequests(lib, model);
  let deleted = 0;
  for (const request of requests) if (await cache!.delete(request)) deleted++;
  // Unfinished downloads too: a cleared model starts from nothing.
  return deleted + (await partStore.discardFolder(modelFolderUrl(lib, model)));
}

/** The Cache Storage entries of every file of the model (none, and no cache, where Cache Storage is missing). */
async function cachedModelRequests(lib: Transformers, model: string): Promise<{ cache?: Cache; requests: Request[] }> {
  if (typeof caches === 'undefined') return { requests: [] };
  const prefix = modelFolderUrl(lib, model);
  const cache = await caches.open(CACHE_NAME);
  return { cache, requests: (await cache.keys()).filter((request) => request.url.startsWith(prefix)) };
}

/** Whether Cache Storage holds any file of the model (whatever its dtype). */
export async function hasCachedFiles(lib: Transformers, model: string): Promise<boolean> {
  return (await cachedModelRequests(lib, model)).requests.length > 0;
}

/** The last probed adapter's buffer limit (see `device-fit.ts`); empty without WebGPU. */
let adapterLimits: DeviceLimits = {};

/**
 * Probes WebGPU from inside the worker (WorkerNavigator exposes `gpu` in Chromium). Also notes the
 * adapter's largest buffer for `checkDeviceFits` (not part of the public capabilities).
 */
export async function probeDevice(): Promise<DeviceCapabilities> {
  const none: DeviceCapabilities = { webgpu: false, fallbackAdapter: false, shaderF16: false };
  adapterLimits = {};
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return none;
  try {
    // requestAdapter() resolves to null when no adapter fits; it can also reject.
    const adapter = (await gpu.requestAdapter()) as {
      features?: Set<string>;
      isFallbackAdapter?: boolean;
      info?: { isFallbackAdapter?: boolean };
      limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number };
    } | null;
    if (!adapter) return none;
    const { maxBufferSize, maxStorageBufferBindingSize } = adapter.limits ?? {};
    if (maxBufferSize !== undefined && maxStorageBufferBindingSize !== undefined) {
      adapterLimits = { gpuMaxBuffer: Math.min(maxBufferSize, maxStorageBufferBindingSize) };
    }
    return {
      webgpu: true,
      // `info.isFallbackAdapter` is the current spelling; `isFallbackAdapter` the older one.
      fallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
      shaderF16: adapter.features?.has('shader-f16') ?? false,
    };
  } catch {
    return none;
  }
}

/**
 * The devices to try, best first. `auto`: a hardware WebGPU adapter, then WebAssembly (a fallback
 * adapter emulates the GPU on the CPU, slower than WebAssembly). `webgpu`: any adapter, then
 * WebAssembly should the model fail to load or run there. `forceWasm` (after a failed first run):
 * WebAssembly only.
 */
export function deviceLadder(config: WorkerLoadConfig, capabilities: DeviceCapabilities): ResolvedDevice[] {
  if (config.device === 'wasm' || config.forceWasm) return ['wasm'];
  if (config.device === 'webgpu') {
    if (!capabilities.webgpu) {
      throw new SlmError(
        'webgpu-unavailable',
        'device="webgpu" was requested but this browser exposes no WebGPU adapter. Use device="auto" to fall back to WebAssembly.',
      );
    }
    return ['webgpu', 'wasm'];
  }
  return capabilities.webgpu && !capabilities.fallbackAdapter ? ['webgpu', 'wasm'] : ['wasm'];
}

/** Options for `ModelRegistry` lookups: text models have no image processor to look for. */
function registryOptions(modelConfig: ModelConfig, device: ResolvedDevice, dtype: ResolvedDtype) {
  return { config: modelConfig, device, dtype, include_processor: false } as const;
}

/** Per-file cache status of everything a load on `device` with `dtype` reads. */
export async function cacheStatus(
  lib: Transformers,
  model: string,
  modelConfig: ModelConfig,
  device: ResolvedDevice,
  dtype: ResolvedDtype,
): Promise<{ allCached: boolean; files: { file: string; cached: boolean }[] }> {
  return lib.ModelRegistry.is_cached_files(model, registryOptions(modelConfig, device, dtype));
}

/**
 * The dtype a load on `device` uses: the configured one, or for `dtype="auto"` a preferred dtype
 * whose files are all in Cache Storage, without a single request (so a warm visit works offline
 * and probes nothing); otherwise the best one the model has. Which weights it has comes from its
 * listing (the Hub's, or the folder's manifest: no request per file); without one, from the
 * dtype its `config.json` declares (`transformers.js_config.dtype`) when the device can use it;
 * only then is the host asked, best first. A probe the network fails is treated as "unknown" and
 * the next one is tried; if no probe could reach the host, the network error is thrown.
 */
export async function resolveDtype(
  lib: Transformers,
  model: string,
  modelConfig: ModelConfig,
  option: DtypeOption,
  device: ResolvedDevice,
  shaderF16: boolean,
): Promise<ResolvedDtype> {
  if (option !== 'auto') return option;
  const preferences = dtypePreferences(device, shaderF16);
  for (const dtype of preferences) {
    if ((await cacheStatus(lib, model, modelConfig, device, dtype)).allCached) return dtype;
  }
  if (!(await modelDownloads().listing())) {
    const declared = declaredDtype(modelConfig);
    const usable = preferences.find((dtype) => dtype === declared);
    if (usable) return usable;
  }
  // With a listing, these probes are answered from it without a request (download/model-downloads.ts),
  // and a precision the device plainly cannot run is passed over (`checkDeviceFits` says why).
  const files = (await modelDownloads().listing())?.files;
  let networkFailure: unknown;
  let reached = false;
  const dtype = await chooseDtype(device, shaderF16, async (candidate) => {
    if (files && fitProblem(device, candidate, fitFigures(files, modelConfig, candidate), adapterLimits)) return false;
    try {
      const { exists } = await lib.ModelRegistry.get_file_metadata(model, weightsFile(candidate));
      reached = true;
      return exists;
    } catch (error) {
      if (!isNetworkError(error)) throw error;
      networkFailure ??= error;
      return false;
    }
  });
  if (!reached && networkFailure) throw networkFailure as Error;
  return dtype;
}

/**
 * Bytes still to download for a load on `device` with `dtype` (`null` when the host does not tell
 * a size). Rejects with `model-file-missing` when a weights file does not exist.
 */
export async function bytesToDownload(
  lib: Transformers,
  model: string,
  modelConfig: ModelConfig,
  device: ResolvedDevice,
  dtype: ResolvedDtype,
): Promise<number | null> {
  const { remaining, unknown } = await downloadPlan(lib, model, modelConfig, device, dtype);
  return unknown ? null : remaining;
}

/**
 * What a load still has to download: the bytes (less those an interrupted download already holds)
 * and the largest file among them. Rejects with `model-file-missing` when a weights file does not
 * exist.
 */
async function downloadPlan(
  lib: Transformers,
  model: string,
  modelConfig: ModelConfig,
  device: ResolvedDevice,
  dtype: ResolvedDtype,
): Promise<{ remaining: number; largest: number; unknown: boolean }> {
  const status = await cacheStatus(lib, model, modelConfig, device, dtype);
  const folder = modelFolderUrl(lib, model);
  const held = status.allCached ? new Map<string, number>() : await partStore.heldBytes(folder);
  let remaining = 0;
  let largest = 0;
  let unknown = false;
  for (const { file, cached } of status.files) {
    if (cached) continue;
    const metadata = await lib.ModelRegistry.get_file_metadata(model, file);
    if (!metadata.exists) {
      // Weights are required; other files in the list (generation_config.json) are optional.
      if (/\.onnx(_data(_\d+)?)?$/.test(file)) {
        throw new SlmError('model-file-missing', `Model "${model}" is missing a file: "${file}".`);
      }
      continue;
    }
    if (metadata.size === undefined) {
      unknown = true;
      continue;
    }
    remaining += Math.max(0, metadata.size - (held.get(folder + file) ?? 0));
    largest = Math.max(largest, metadata.size);
  }
  return { remaining, largest, unknown };
}

/**
 * Bytes of storage a load needs before its first byte is fetched: what is still to download, plus
 * room for one more copy of its largest file, which exists twice for a moment when the finished
 * file moves from its download parts into the model cache (`null` when a size is unknown).
 */
export async function storageNeeded(
  lib: Transformers,
  model: string,
  modelConfig: ModelConfig,
  device: ResolvedDevice,
  dtype: ResolvedDtype,
): Promise<number | null> {
  const { remaining, largest, unknown } = await downloadPlan(lib, model, modelConfig, device, dtype);
  return unknown ? null : remaining + (remaining > 0 ? largest : 0);
}

/** What `fitProblem` weighs for `dtype`: its weights' bytes (from the listing) and its largest tensor (from the config). */
function fitFigures(files: ReadonlyMap<string, { size?: number }>, modelConfig: unknown, dtype: ResolvedDtype) {
  return { weights: weightsBytes(files, dtype), tensor: largestTensorBytes(modelConfig, dtype) };
}

/**
 * Refuses, before anything is downloaded, a model this device plainly cannot run on `device` with
 * `dtype` (`model-too-large`): weights larger than WebAssembly's memory, or a tensor larger than the
 * GPU's largest buffer (`device-fit.ts`). The message names the dtypes of the model that would fit.
 * Needs the model's listing for weight sizes; without one only the GPU check can apply.
 */
export async function checkDeviceFits(model: string, modelConfig: unknown, device: ResolvedDevice, dtype: ResolvedDtype): Promise<void> {
  const files = (await modelDownloads().listing())?.files ?? new Map<string, { size?: number }>();
  const problem = fitProblem(device, dtype, fitFigures(files, modelConfig, dtype), adapterLimits);
  if (!problem) return;
  const fits = dtypesThatFit(device, files, modelConfig, adapterLimits);
  const gb = (dtype: ResolvedDtype) => `${((weightsBytes(files, dtype) ?? 0) / 1e9).toFixed(1)} GB`;
  const suggestion = fits.length
    ? `dtype="${fits[0]}" (${gb(fits[0])} of weights) would fit${fits.length > 1 ? `, as would ${fits.slice(1).map((d) => `"${d}"`).join(', ')}` : ''}; or choose a smaller model.`
    : 'Choose a smaller model.';
  throw new SlmError(
    'model-too-large',
    `Model "${model}" cannot run on ${device === 'wasm' ? 'WebAssembly' : 'this GPU'} with dtype="${dtype}": ${problem}. ${suggestion}`,
  );
}

/**
 * Refuses a download that cannot fit in this origin's storage quota, before a single byte of it
 * is fetched (a browser that fills its quota halfway evicts the partial files and the user waited
 * for nothing). Skipped where `navigator.storage.estimate` is missing or sizes are unknown.
 */
export async function checkStorageRoom(needed: number | null, model: string): Promise<void> {
  if (!needed) return;
  const storage = (navigator as Navigator & { storage?: StorageManager }).storage;
  if (!storage?.estimate) return;
  const { quota, usage } = await storage.estimate();
  if (quota === undefined) return;
  const free = quota - (usage ?? 0);
  if (needed > free) {
    const mb = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString('en')} MB`;
    throw new SlmError(
      'quota-exceeded',
      `Model "${model}" needs ${mb(needed)} of storage, but this browser allows this site only ${mb(Math.max(0, free))} more. Free up disk space or clear this site's data, then try again.`,
    );
  }
}
