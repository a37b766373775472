/**
 * `WorkerEngine`: the implementation behind `LocalEngine` — one model in its own worker, with
 * loading, recovery (repair, WebGPU→WebAssembly fallback, rebuilds) and generation.
 *
 * `LocalEngine` imports this module on first need, so a page that shows the elements but never
 * asks for a model downloads none of it (nor the worker, nor transformers.js). Use `LocalEngine`;
 * this class is its engine room.
 */
import type { EngineEventMap, GenerateOptions, SlmEngine } from './engine-api.js';
import { LoadFailure, SlmError, noModelError, notLoadedError, unloadedError, type SlmErrorCode, type SlmErrorData } from '../shared/errors.js';
import { sameEngineConfig } from './options.js';
import { ortWasmPaths } from './ort-assets.js';
import type { ModelQuery, ModelQueryAnswers, WorkerLoadConfig } from '../shared/protocol.js';
import { WorkerClient } from './worker-client.js';
import { emptyResult } from '../shared/types.js';
import type {
  DeviceCapabilities,
  EngineConfig,
  EngineStats,
  EngineStatus,
  GenerationInput,
  LoadMode,
  GenerationResult,
  GenerationSettings,
  LoadProgress,
  ReadyInfo,
} from '../shared/types.js';

/** Creates the worker connection; replaceable in tests. */
export type WorkerClientFactory = () => WorkerClient;

/** Run failures after which a rebuilt engine may succeed (see `WorkerEngine.recover`). */
const RECOVERABLE: ReadonlySet<SlmErrorCode> = new Set(['device-lost', 'generation-failed', 'out-of-memory']);

/** A model in a Web Worker (what `LocalEngine` runs once it is first needed). */
export class WorkerEngine extends EventTarget implements SlmEngine {
  /**
   * `lazy` (default): the first request loads the model. `eager`: the owner calls `load()` at
   * once. `manual`: only `load()` does; until then requests fail with `not-loaded` (for pages
   * that ask the visitor before downloading anything).
   */
  loadMode: LoadMode = 'lazy';
  /** Ask the browser to keep Cache Storage from eviction (`navigator.storage.persist()`) before loading. */
  persistStorage = false;
  private config: EngineConfig | undefined;
  private configError: SlmError | undefined;
  private client: WorkerClient | undefined;
  private loading: Promise<ReadyInfo> | undefined;
  private _status: EngineStatus = 'idle';
  private _error: SlmErrorData | null = null;
  private _progress: LoadProgress | null = null;
  private _info: ReadyInfo | null = null;
  /**
   * Conversation generations waiting for the model to load. A release meanwhile reaches the
   * worker before their request does, so they must not bring the released cache's successor back.
   */
  private readonly waiting = new Set<{ conversationId: string; released: boolean }>();
  /** Per owner, the way to stop its current request (a new request of the owner supersedes it). */
  private readonly owners = new Map<string, () => void>();
  /** Why the engine skips WebGPU from now on (a first run there failed), for this configuration. */
  private forceWasm: string | undefined;
  /** No generation has succeeded since the model loaded (a failure then may mean the device cannot run it). */
  private firstRun = true;
  /** The error a worker ended for a rebuild rejects its pending requests with: they are run again. */
  private readonly rebuilding = new SlmError('device-lost', 'The engine is being rebuilt.');

  constructor(private readonly createClient: WorkerClientFactory = () => new WorkerClient()) {
    super();
  }

  get status(): EngineStatus {
    return this._status;
  }
  get error(): SlmErrorData | null {
    return this._error;
  }
  get progress(): LoadProgress | null {
    return this._progress;
  }
  get info(): ReadyInfo | null {
    return this._info;
  }
  get model(): string {
    return this.config?.model ?? '';
  }
  /** What the worker found out about WebGPU on this device, once a load has probed it. */
  get capabilities(): DeviceCapabilities | null {
    return this._info?.capabilities ?? null;
  }

  /**
   * Sets what to load. A different configuration unloads the current model (its worker ends);
   * the same one is a no-op. An `SlmError` (a refused option) puts the engine in `error` until a
   * valid configuration arrives.
   */
  configure(config: EngineConfig | SlmError): void {
    if (config instanceof SlmError) {
      this.unload();
      this.config = undefined;
      this.configError = config;
      this.setStatus('error', config.toJSON());
      return;
    }
    if (!this.configError && sameEngineConfig(this.config, config)) return;
    this.unload();
    this.config = config;
    this.configError = undefined;
    this.forceWasm = undefined;
    this.setStatus('idle', null);
  }

  load(): Promise<ReadyInfo> {
    let config: EngineConfig;
    try {
      config = this.requireConfig();
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.loading) return this.loading;

    const started = performance.now();
    this._progress = null;
    this.setStatus('loading', null);
    const loading: Promise<ReadyInfo> = this.requestPersistence()
      .then(() => this.loadWithRecovery(config, () => this.loading === loading))
      .then(
        (info) => {
          const ready: ReadyInfo = { ...info, loadMs: Math.round(performance.now() - started) };
          if (this.loading === loading) {
            this._info = ready;
            this.firstRun = true;
            this.setStatus('ready', null);
            this.emit('ready', ready);
          }
          return ready;
        },
        (error: SlmError) => {
          if (this.loading === loading) {
            // A failed load leaves nothing worth keeping: end the worker so a retry starts clean.
            this.teardown();
            this.setStatus('error', error.toJSON());
          }
          throw error;
        },
      );
    this.loading = loading;
    return loading;
  }

  /**
   * Loads in the worker. A failure a new worker may get past is tried again there, once each:
   * `repair` (a file did not parse while the model had files in Cache Storage: they are deleted
   * and downloaded again; `cache-repaired` warning) and `fallback` (WebGPU failed: WebAssembly
   * next; `device-fallback` warning). `current()` turns false when the load was abandoned.
   */
  private async loadWithRecovery(config: EngineConfig, current: () => boolean): Promise<Omit<ReadyInfo, 'loadMs'>> {
    let repair = false;
    let repaired = false;
    for (;;) {
      // A worker started earlier for `isCached()` / `downloadSize()` is reused.
      const client = this.ensureClient();
      try {
        const info = await client.load(this.workerConfig(config, repair), {
          onProgress: (progress) => {
            if (!current()) return;
            this._progress = progress;
            this.emit('progress', progress);
          },
          onWarning: (warning) => {
            if (current()) this.emit('warning', warning);
          },
        });
        if (repair && current()) {
          this.emit('warning', {
            code: 'cache-repaired',
            message: `A damaged copy of model "${config.model}" in this browser's cache was deleted and downloaded again.`,
          });
        }
        return info;
      } catch (error) {
        if (!current() || !(error instanceof LoadFailure)) throw error;
        if (error.recover === 'repair' && !repaired) {
          repair = repaired = true;
        } else if (error.recover === 'fallback' && !this.forceWasm) {
          repair = false;
          this.skipWebGpu(`WebGPU could not load the model (${error.message})`);
        } else {
          throw new SlmError(error.code, error.message);
        }
        // The next attempt needs a fresh worker (see `ModelHost.load`).
        this.client = undefined;
        client.terminate(new SlmError('aborted', 'The load is being retried in a new worker.'));
      }
    }
  }

  /**
   * Generates from the model, loading it first if needed. With `conversationId`, the worker
   * reuses (and then keeps) that conversation's KV cache; `contextWindow` bounds prompt + reply
   * (default: the model's `max_position_embeddings`), leaving out the oldest messages of a chat
   * or the start of a text. Rejects with `invalid-option` for a `contextWindow` that is not a
   * positive whole number, and with `context-overflow` when the prompt cannot fit at all.
   */
  async generate(
    input: GenerationInput,
    settings: GenerationSettings,
    options: GenerateOptions = {},
  ): Promise<GenerationResult> {
    const { contextWindow, owner } = options;
    if (contextWindow !== undefined && !(Number.isInteger(contextWindow) && contextWindow >= 1)) {
      throw new SlmError('invalid-option', `contextWindow=${contextWindow} must be a whole number of at least 1.`);
    }
    // A new request of the same owner supersedes its previous one (dropped if queued, ended at
    // its next token if running). The signal combines the caller's with the supersession.
    const superseded = new AbortController();
    if (owner !== undefined) {
      this.owners.get(owner)?.();
      this.owners.set(owner, () => superseded.abort());
    }
    const signal = options.signal ? AbortSignal.any([options.signal, superseded.signal]) : superseded.signal;
    try {
      let streamed = false;
      for (let attempt = 0; ; attempt++) {
        // The worker the attempt ran on, to tell whether another request already rebuilt it.
        const ranOn: { client?: WorkerClient } = {};
        try {
          return await this.generateOnce(input, settings, { ...options, signal }, ranOn, () => (streamed = true));
        } catch (error) {
          // A run that failed before showing anything is run again once, after the engine was
          // rebuilt (device lost) or moved to WebAssembly (a first run on WebGPU failed).
          if (!(error instanceof SlmError) || streamed || attempt > 0 || signal.aborted) throw error;
          if (error === this.rebuilding) continue;
          if (!ranOn.client || !RECOVERABLE.has(error.code) || !(await this.recover(error, ranOn.client))) throw error;
        }
      }
    } finally {
      if (owner !== undefined && !superseded.signal.aborted) this.owners.delete(owner);
    }
  }

  /**
   * Rebuilds the engine after a failed run, when that can help: a first run on WebGPU that failed
   * moves the model to WebAssembly (`device-fallback` warning); a lost GPU device is rebuilt on the
   * same device (`device-lost` warning). Resolves `false` when nothing can help. Concurrent
   * failures share one rebuild.
   */
  private async recover(error: SlmError, failedOn: WorkerClient): Promise<boolean> {
    if (this.client !== failedOn) {
      // Another request already rebuilt (or is rebuilding) the engine.
      await this.load();
      return true;
    }
    const onWebGpu = this._info?.device === 'webgpu';
    if (onWebGpu && this.firstRun && this.config?.device !== 'wasm') {
      this.teardown(this.rebuilding);
      this.skipWebGpu(`WebGPU could not run the model (${error.message})`);
    } else if (error.code === 'device-lost') {
      this.teardown(this.rebuilding);
      this.emit('warning', { code: 'device-lost', message: `${error.message}. The model was loaded again.` });
    } else {
      return false;
    }
    this.setStatus('idle', null);
    await this.load();
    return true;
  }

  /** From now on (for this configuration) the model loads on WebAssembly; says why (`device-fallback`). */
  private skipWebGpu(reason: string): void {
    this.forceWasm = reason;
    this.emit('warning', { code: 'device-fallback', message: `${reason}. It runs on WebAssembly instead.` });
  }

  /** One attempt at a generation on the current worker (loading it first if needed). */
  private async generateOnce(
    input: GenerationInput,
    settings: GenerationSettings,
    options: GenerateOptions & { signal: AbortSignal },
    ranOn: { client?: WorkerClient },
    onStream: () => void,
  ): Promise<GenerationResult> {
    const { signal, onToken, onQueue, conversationId, contextWindow, priority } = options;
    const waiter = conversationId === undefined ? undefined : { conversationId, released: false };
    if (waiter) this.waiting.add(waiter);
    try {
      // Once ready, the request is posted synchronously, so it keeps its order with a
      // `releaseConversation()` called right after this call.
      if (this._status !== 'ready' || !this.client) {
        if (this.loadMode === 'manual' && !this.loading) {
          throw notLoadedError();
        }
        await this.load();
      }
    } finally {
      if (waiter) this.waiting.delete(waiter);
    }
    // Released while waiting: run as a one-off generation that neither uses nor keeps a cache.
    const conversation = waiter?.released ? undefined : conversationId;
    // Time to first token counts from here: a first-visit download is reported by `loadMs`.
    const requested = performance.now();
    const client = this.client!;
    ranOn.client = client;
    if (signal.aborted) return emptyResult('stopped');

    let firstAt = 0;
    let lastAt = 0;
    let count = 0;
    let text = '';
    const { id, result } = client.generate(
      input,
      settings,
      { conversationId: conversation, contextWindow, priority },
      {
        onToken: (token, tokenId) => {
          lastAt = performance.now();
          if (count === 0) firstAt = lastAt;
          count++;
          text += token;
          onStream();
          onToken?.({ token, tokenId, text });
        },
        onQueue: (ahead) => onQueue?.(ahead),
      },
    );
    const abort = () => client.stop(id);
    signal.addEventListener('abort', abort, { once: true });
    try {
      const done = await result;
      if (done.reason !== 'stopped' || done.tokens > 0) this.firstRun = false;
      return {
        ...done,
        ttftMs: firstAt ? Math.round((firstAt - requested) * 10) / 10 : 0,
        tokensPerSecond:
          count > 1 && lastAt > firstAt ? Math.round(((count - 1) / (lastAt - firstAt)) * 1000 * 10) / 10 : 0,
      };
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  /**
   * Frees the KV cache the worker keeps for a conversation. Without a worker there is nothing to
   * free; a generation of that conversation already queued or running keeps no cache.
   */
  releaseConversation(conversationId: string): void {
    for (const waiter of this.waiting) if (waiter.conversationId === conversationId) waiter.released = true;
    this.client?.release(conversationId);
  }

  /**
   * Whether every file the configured model needs (for the device and dtype a load would choose)
   * is in Cache Storage. Starts the worker if needed but does not load the model. Rejects like a
   * load would (`no-model`, `model-not-found`, ...).
   */
  isCached(): Promise<boolean> {
    return this.query('is-cached');
  }

  /**
   * Bytes still to download before the model can load: the sizes of its files not yet in Cache
   * Storage (0 when all are; `null` when the server does not tell a size). Starts the worker if
   * needed but does not load the model. Rejects like a load would.
   */
  downloadSize(): Promise<number | null> {
    return this.query('download-size');
  }

  /**
   * Deletes every file of the configured model from Cache Storage (all precisions); the next load
   * downloads them again. A loaded model keeps running. Resolves with the number of files deleted.
   */
  clearCache(): Promise<number> {
    return this.query('clear-cache');
  }

  /** What the worker holds (conversation caches, queue); all zero without a worker. */
  async stats(): Promise<EngineStats> {
    return this.client ? this.client.stats() : { conversations: 0, cacheBytes: 0, queued: 0, running: false };
  }

  /**
   * Ends the worker and forgets the loaded model (the configuration stays). A download in
   * progress is abandoned; pending requests and `load()` reject with `aborted`.
   */
  unload(): void {
    this.teardown(unloadedError());
    if (this._status === 'loading' || this._status === 'ready') this.setStatus('idle', null);
  }

  /**
   * With `persistStorage`, asks the browser to keep this site's storage (the model's files) from
   * eviction under storage pressure. Only a page can ask (`StorageManager.persist()` is not
   * exposed to workers); a refusal is a warning, the model loads anyway.
   */
  private async requestPersistence(): Promise<void> {
    if (!this.persistStorage) return;
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    let granted = false;
    try {
      granted = storage?.persist ? (await storage.persisted()) || (await storage.persist()) : false;
    } catch {
      granted = false;
    }
    if (!granted) {
      this.emit('warning', {
        code: 'storage-not-persisted',
        message:
          'The browser did not grant persistent storage: it may evict the model under storage pressure, and a later visit would download it again.',
      });
    }
  }

  /** The valid configuration with a model, or throws the reason there is none. */
  private requireConfig(): EngineConfig {
    if (this.configError) throw this.configError;
    const config = this.config;
    if (!config?.model) {
      throw noModelError();
    }
    return config;
  }

  /** The configuration as the worker receives it. */
  private workerConfig(config: EngineConfig, repair = false): WorkerLoadConfig {
    return {
      model: config.model,
      device: config.device,
      dtype: config.dtype,
      modelBaseUrl: config.modelBaseUrl,
      wasmPaths: ortWasmPaths(config.wasmBaseUrl),
      forceWasm: this.forceWasm,
      repair,
    };
  }

  /** The worker for the current configuration, started on first need. */
  private ensureClient(): WorkerClient {
    this.client ??= this.createClient();
    return this.client;
  }

  private async query<Q extends ModelQuery>(query: Q): Promise<ModelQueryAnswers[Q]> {
    const config = this.requireConfig();
    return this.ensureClient().query(this.workerConfig(config), query);
  }

  private teardown(reason = new SlmError('aborted', 'The model was unloaded.')): void {
    const client = this.client;
    this.client = undefined;
    this.loading = undefined;
    this._info = null;
    this._progress = null;
    client?.terminate(reason);
  }

  private setStatus(status: EngineStatus, error: SlmErrorData | null): void {
    if (this._status === status && this._error === error) return;
    this._status = status;
    this._error = error;
    this.emit('status-change', { status, error });
  }

  private emit<K extends keyof EngineEventMap>(type: K, detail: EngineEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
