/**
 * Loading a model in the worker: transformers.js imported on first need, the device ladder
 * walked, the dtype chosen, the storage checked, progress aggregated over files, and a failure
 * turned into a `LoadFailure` that tells the page whether a new worker may do better. Also the
 * questions about a model's files that need no load (`queryModel`).
 *
 * transformers.js (and ONNX Runtime with it) is imported dynamically on the first load or query,
 * so merely starting the worker costs nothing heavy.
 */
import { contextLengthOf } from './context-window.js';
import { LoadFailure, SlmError, errorText, type SlmErrorCode, type SlmWarningData } from '../shared/errors.js';
import { classifyLoadError, isParseFailure } from './failure-classification.js';
import {
  bytesToDownload,
  cacheStatus,
  checkDeviceFits,
  checkStorageRoom,
  clearModelCache,
  configureEnvironment,
  deviceLadder,
  hasCachedFiles,
  loadWasmBinary,
  modelDownloads,
  provideWasmBinary,
  probeDevice,
  resolveDtype,
  storageNeeded,
  takeCacheWriteFailure,
} from './model-files.js';
import type { ModelQuery, ModelQueryAnswers, WorkerLoadConfig } from '../shared/protocol.js';
import type { DeviceCapabilities, LoadProgress, ReadyInfo, ResolvedDevice, ResolvedDtype } from '../shared/types.js';

export type Transformers = typeof import('@huggingface/transformers');
export type Tokenizer = Awaited<ReturnType<Transformers['AutoTokenizer']['from_pretrained']>>;
export type CausalLM = Awaited<ReturnType<Transformers['AutoModelForCausalLM']['from_pretrained']>>;
type ModelConfig = Awaited<ReturnType<Transformers['AutoConfig']['from_pretrained']>>;

/** What a load reports back to the page (the worker adds the model id). */
export type LoadReport = Omit<ReadyInfo, 'loadMs' | 'model'>;

/** A loaded model with everything a generation needs. */
export interface LoadedModel {
  lib: Transformers;
  tokenizer: Tokenizer;
  model: CausalLM;
  /** The model's context length (`max_position_embeddings`; `Infinity` when unknown): the default context window. */
  contextLength: number;
  report: LoadReport;
}

/** Load failures on WebGPU after which WebAssembly is worth a try (the others fail there too). */
const FALLBACK_CODES: ReadonlySet<SlmErrorCode> = new Set([
  'load-failed',
  'model-invalid',
  'out-of-memory',
  'device-lost',
  // Known before downloading: the GPU's buffers are too small; WebAssembly is checked in turn.
  'model-too-large',
]);

/** A progress callback as transformers.js calls it. */
type ProgressCallback = (info: { status: string; file?: string; loaded?: number; total?: number }) => void;

let transformersModule: Promise<Transformers> | undefined;

/** Loads transformers.js once per worker, on first need. */
function loadTransformers(): Promise<Transformers> {
  transformersModule ??= import('@huggingface/transformers');
  return transformersModule;
}

/**
 * One `LoadProgress` summed over all files, from two sources: the download layer (bytes held of
 * each file, across resumes) and transformers.js' progress callback (which also reports reading
 * a file from Cache Storage). A file's bytes never go back, whichever reports; a report that
 * changes nothing is not sent again. (Whether the download is paused is the page's to say.)
 */
class LoadProgressTracker {
  private readonly files = new Map<string, { loaded: number; total: number }>();
  private last = '';
  private lastFile: string | undefined;

  constructor(private readonly report: (progress: LoadProgress) => void) {}

  /** transformers.js' `progress_callback`. */
  readonly transformers: ProgressCallback = (info) => {
    if (info.status === 'progress' && info.file) this.update(info.file, info.loaded ?? 0, info.total);
  };

  /** A file's bytes (never decreasing) and its size when known. */
  update(file: string, loaded: number, total: number | undefined): void {
    const known = this.files.get(file);
    this.files.set(file, { loaded: Math.max(known?.loaded ?? 0, loaded), total: total || known?.total || 0 });
    this.lastFile = file;
    this.emit();
  }

  private emit(): void {
    let loaded = 0;
    let total = 0;
    for (const f of this.files.values()) {
      loaded += f.loaded;
      total += Math.max(f.total, f.loaded);
    }
    const progress: LoadProgress = { loaded, total, progress: total > 0 ? Math.min(1, loaded / total) : 0 };
    if (this.lastFile !== undefined) progress.file = this.lastFile;
    const key = `${loaded}/${total}`;
    if (key === this.last) return;
    this.last = key;
    this.report(progress);
  }
}

/**
 * Loads model and tokenizer on the first device of the ladder (see `deviceLadder`); with
 * `config.repair`, after deleting the model's cached files.
 *
 * A failed load rejects with a `LoadFailure` that says whether another attempt, in a NEW worker,
 * may succeed: `repair` when a file did not parse and the model had files in Cache Storage (a
 * damaged copy), `fallback` when WebGPU failed and WebAssembly is next. A new worker, because
 * ONNX Runtime's WebAssembly instance does not recover from a failed session creation: every
 * later session in the same worker fails too (seen with onnxruntime-web 1.31.0-dev /
 * transformers.js 4.3.1: a truncated cached model.onnx, repaired in the same worker, still failed
 * "protobuf parsing failed"; a new worker loaded the same bytes).
 */
export async function loadModel(
  config: WorkerLoadConfig,
  onProgress: (progress: LoadProgress) => void,
  onWarning: (warning: SlmWarningData) => void,
): Promise<LoadedModel> {
  const tracker = new LoadProgressTracker(onProgress);
  const progress_callback = tracker.transformers;
  let ladder: ResolvedDevice[] = ['wasm'];
  let cachedBefore = false;
  let lib: Transformers | undefined;
  try {
    lib = await loadTransformers();
    configureEnvironment(lib, config);
    modelDownloads().onProgress = (file, loaded, total) => tracker.update(file, loaded, total);
    takeCacheWriteFailure();
    // Fetched (or read from Cache Storage) while config and tokenizer load; needed by the session.
    const runtime = loadWasmBinary(config.wasmPaths.wasm);
    runtime.catch(() => {});
    const capabilities = await probeDevice();
    ladder = deviceLadder(config, capabilities);
    if (config.repair) await clearModelCache(lib, config.model);
    cachedBefore = await hasCachedFiles(lib, config.model);
    const device = ladder[0];
    const loaded = await loadOn(lib, config, device, capabilities, progress_callback, runtime);
    const writeFailure = takeCacheWriteFailure();
    if (writeFailure) {
      onWarning({
        code: 'quota-exceeded',
        message: `The model runs, but this browser refused to store its files (${errorText(writeFailure)}): the next visit downloads them again.`,
      });
    }
    return loaded;
  } catch (error) {
    const failure = classifyLoadError(error, config.model);
    let recover: LoadFailure['recover'];
    if (lib && isParseFailure(error)) {
      // A file that does not parse is never kept: a later load (or dtype="auto", which prefers
      // cached files) would trip over it again.
      await clearModelCache(lib, config.model).catch(() => 0);
      if (cachedBefore) recover = 'repair';
    }
    if (!recover && ladder[0] === 'webgpu' && ladder.length > 1 && FALLBACK_CODES.has(failure.code)) {
      recover = 'fallback';
    }
    throw new LoadFailure(failure, recover);
  }
}

/** Loads on one device. */
async function loadOn(
  lib: Transformers,
  config: WorkerLoadConfig,
  device: ResolvedDevice,
  capabilities: DeviceCapabilities,
  progress_callback: ProgressCallback,
  runtime: Promise<ArrayBuffer>,
): Promise<LoadedModel> {
  const modelConfig = await readConfig(lib, config.model, progress_callback);
  const dtype: ResolvedDtype = await resolveDtype(lib, config.model, modelConfig, config.dtype, device, capabilities.shaderF16);
  if (!(await cacheStatus(lib, config.model, modelConfig, device, dtype)).allCached) {
    // Before the first byte: can this device run it at all, and does it fit in storage?
    await checkDeviceFits(config.model, modelConfig, device, dtype);
    await checkStorageRoom(await storageNeeded(lib, config.model, modelConfig, device, dtype), config.model);
  }
  const tokenizer = await lib.AutoTokenizer.from_pretrained(config.model, { progress_callback });
  provideWasmBinary(lib, await runtime);
  const model = await lib.AutoModelForCausalLM.from_pretrained(config.model, {
    config: modelConfig,
    device,
    dtype,
    progress_callback,
  });
  return {
    lib,
    tokenizer,
    model,
    contextLength: contextLengthOf(model.config as unknown as Record<string, unknown>),
    report: { device, dtype, capabilities, ...(config.forceWasm ? { fallbackReason: config.forceWasm } : {}) },
  };
}

/**
 * The model's `config.json` (its absence means "no such model", which deserves its own
 * message), after checking the tokenizer is there: without tokenizer_config.json,
 * transformers.js 4.3.1 fails with "reading 'tokenizer_class'".
 */
async function readConfig(lib: Transformers, model: string, progress_callback?: ProgressCallback): Promise<ModelConfig> {
  const modelConfig = await lib.AutoConfig.from_pretrained(model, progress_callback ? { progress_callback } : {});
  if (!(await lib.ModelRegistry.get_file_metadata(model, 'tokenizer_config.json')).exists) {
    throw new SlmError('model-file-missing', `Model "${model}" has no tokenizer_config.json.`);
  }
  return modelConfig;
}

/**
 * Answers a question about the model's files without loading it (whether all are in Cache
 * Storage, or how many bytes are still to download, for the device and dtype a load would pick
 * first), or deletes them all from Cache Storage. Rejects with the same error classification as
 * `loadModel`.
 */
export async function queryModel<Q extends ModelQuery>(config: WorkerLoadConfig, query: Q): Promise<ModelQueryAnswers[Q]> {
  const lib = await loadTransformers();
  configureEnvironment(lib, config);
  try {
    if (query === 'clear-cache') return (await clearModelCache(lib, config.model)) as ModelQueryAnswers[Q];
    const capabilities = await probeDevice();
    const device = deviceLadder(config, capabilities)[0];
    const modelConfig = await readConfig(lib, config.model);
    const dtype = await resolveDtype(lib, config.model, modelConfig, config.dtype, device, capabilities.shaderF16);
    if (query === 'is-cached' && (await cacheStatus(lib, config.model, modelConfig, device, dtype)).allCached) {
      return true as ModelQueryAnswers[Q];
    }
    // Also for `is-cached`: absent weights fail with `model-file-missing`, as a load would.
    const bytes = await bytesToDownload(lib, config.model, modelConfig, device, dtype);
    return (query === 'is-cached' ? false : bytes) as ModelQueryAnswers[Q];
  } catch (error) {
    throw classifyLoadError(error, config.model);
  }
}
