/**
 * `WorkerEngine`: the implementation behind `LocalEngine` — one model in its own worker, with
 * loading, recovery (repair, WebGPU→WebAssembly fallback, rebuilds) and generation.
 *
 * `LocalEngine` imports this module on first need, so a page that shows the elements but never
 * asks for a model downloads none of it (nor the worker, nor transformers.js). Use `LocalEngine`;
 * this class is its engine room.
 */
import type { EngineEventMap, GenerateOptions, SlmEngine } from './engine-api.js';
import { SlmError, noModelError, notLoadedError, unloadedError, type SlmErrorData } from '../shared/errors.js';
import { ortWasmPaths } from './ort-assets.js';
import type { ModelQuery, ModelQueryAnswers, WorkerLoadConfig } from '../shared/protocol.js';
import { afterLoadFailure, afterRunFailure, type RunRecoveryStep } from './recovery.js';
import { engineConfigKey, parseContextWindow, sameEngineConfig, type EngineConfig } from '../shared/settings.js';
import { connectRelay, relayAvailable } from './relay.js';
import { WorkerClient, sharedWorkerUnavailable, startSharedModelWorker } from './worker-client.js';
import { emptyResult } from '../shared/types.js';
import type {
  DeviceCapabilities,
  EngineStats,
  EngineStatus,
  GenerationInput,
  LoadMode,
  GenerationResult,
  GenerationSettings,
  LoadProgress,
  ReadyInfo,
} from '../shared/types.js';

/**
 * Where the model runs for this page: in a worker of its own (`page`), or in one that every tab of
 * the origin with the same configuration shares: a `SharedWorker` where the browser has one that
 * starts (`shared-worker`), else the worker of a host tab elected among them (`relay`, see
 * `relay.ts`).
 */
export type Transport = 'page' | 'shared-worker' | 'relay';

/**
 * What a new worker connection is for: its transport, and for shared ones the `name` that tells
 * configurations (and recovery attempts) apart.
 */
export interface WorkerClientContext {
  transport: Transport;
  name: string;
}

/** Creates the worker connection; replaceable in tests. */
export type WorkerClientFactory = (context: WorkerClientContext) => WorkerClient;

/** The library's own worker connections. */
const defaultClientFactory: WorkerClientFactory = ({ transport, name }) =>
  new WorkerClient(
    transport === 'shared-worker' ? startSharedModelWorker(name) : transport === 'relay' ? connectRelay(name) : undefined,
  );

/**
 * A model in a Web Worker (what `LocalEngine` runs once it is first needed). The engine API is
 * documented once, on `SlmEngine` (`engine-api.ts`); comments here say how this class does it.
 */
export class WorkerEngine extends EventTarget implements SlmEngine {
  loadMode: LoadMode = 'lazy';
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
  /** Counts `generate` calls; per owner, its latest one (a superseded request is never run again). */
  private requests = 0;
  private readonly latestOfOwner = new Map<string, number>();
  /** Why the engine skips WebGPU from now on (a first run there failed), for this configuration. */
  private forceWasm: string | undefined;
  /** Why a transport of `share="origin"` is not used (any more) on this page: the next one is tried. */
  private readonly unusable: Partial<Record<Transport, string>> = {};
  /** The transport of the current (or last) connection. */
  private transport: Transport = 'page';
  /** Recovery attempts that needed a new worker (part of a shared worker's name, so tabs that fail alike meet again). */
  private rebuilds = 0;
  private repairs = 0;
  /** No generation has succeeded since the model loaded (a failure then may mean the device cannot run it). */
  private firstRun = true;
  /** `pauseDownload()` was called during the load in progress (a worker started for it starts paused). */
  private downloadsPaused = false;
  /** The error a worker ended for a rebuild rejects its pending requests with: they are run again. */
  private readonly rebuilding = new SlmError('device-lost', 'The engine is being rebuilt.');
  /**
   * The error a lost shared connection rejects its pending requests with: they are run again on a
   * new connection, unless part of a reply was already shown (then this is what the user sees).
   */
  private readonly lost = new SlmError(
    'worker-failed',
    'The tab that ran the shared model closed during this reply; another tab runs it now. Ask again.',
  );

  constructor(private readonly createClient: WorkerClientFactory = defaultClientFactory) {
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
  get capabilities(): DeviceCapabilities | null {
    return this._info?.capabilities ?? null;
  }

  /** See `LocalEngine.configure`. */
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
    delete this.unusable['shared-worker'];
    delete this.unusable.relay;
    this.rebuilds = this.repairs = 0;
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
            this.downloadsPaused = false;
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
   * Loads in the worker. A failure a new worker may get past is tried again there (see
   * `afterLoadFailure`): `repair` (`cache-repaired` warning) and `fallback-to-wasm`
   * (`device-fallback` warning). `current()` turns false when the load was abandoned.
   */
  private async loadWithRecovery(config: EngineConfig, current: () => boolean): Promise<Omit<ReadyInfo, 'loadMs'>> {
    let repair = false;
    let repaired = false;
    for (;;) {
      // A worker started earlier for `isCached()` / `downloadSize()` is reused.
      const client = this.ensureClient();
      // Messages keep their order: a paused load's new worker pauses before it fetches anything.
      if (this.downloadsPaused) client.setDownloadsPaused(true);
      try {
        const info = await client.load(this.workerConfig(config, repair), {
          onProgress: (progress) => {
            if (!current()) return;
            this.reportProgress(progress);
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
        const step = afterLoadFailure({
          error,
          cancelled: !current(),
          repaired,
          wasmOnly: this.forceWasm !== undefined,
          shared: this.transport !== 'page',
        });
        if (step === 'give-up') {
          // A `LoadFailure`'s recovery hint is the engine's business, not the page's.
          throw error instanceof SlmError && current() ? new SlmError(error.code, error.message) : error;
        }
        repair = step === 'repair';
        repaired ||= repair;
        if (repair) this.repairs++;
        if (step === 'fallback-to-wasm') this.skipWebGpu(`WebGPU could not load the model (${(error as SlmError).message})`);
        if (step === 'unshare') this.unshare(this.transport, `it could not start (${(error as SlmError).message})`);
        // The next attempt needs a fresh worker (see `loadModel`).
        this.client = undefined;
        client.terminate(new SlmError('aborted', 'The load is being retried in a new worker.'));
      }
    }
  }

  /** Validates, runs (loading first if needed) and, after a failure nothing was shown of, runs again once (see `afterRunFailure`). */
  async generate(
    input: GenerationInput,
    settings: GenerationSettings,
    options: GenerateOptions = {},
  ): Promise<GenerationResult> {
    const { owner, signal } = options;
    const contextWindow = parseContextWindow(options.contextWindow, 'property');
    if (!contextWindow.ok) throw contextWindow.error;
    // The worker's scheduler supersedes an owner's earlier requests; the page only needs to know
    // which request is an owner's latest, so that a superseded one is never run again below.
    const request = ++this.requests;
    if (owner !== undefined) this.latestOfOwner.set(owner, request);
    const superseded = () => owner !== undefined && this.latestOfOwner.get(owner) !== request;
    try {
      let streamed = false;
      for (let attempt = 0; ; attempt++) {
        // The worker the attempt ran on, to tell whether another request already rebuilt it.
        const ranOn: { client?: WorkerClient } = {};
        try {
          return await this.generateOnce(input, settings, options, ranOn, () => (streamed = true));
        } catch (error) {
          // A run that failed before showing anything is run again once, after the engine was
          // rebuilt (device lost) or moved to WebAssembly (a first run on WebGPU failed).
          const step = afterRunFailure({
            error,
            streamed,
            attempt,
            cancelled: Boolean(signal?.aborted) || superseded(),
            rebuildInProgress: error === this.rebuilding || error === this.lost,
            posted: ranOn.client !== undefined,
            engineRebuilt: ranOn.client !== undefined && ranOn.client !== this.client,
            ranOnWebGpu: this._info?.device === 'webgpu',
            firstRun: this.firstRun,
            wasmOnly: this.config?.device === 'wasm',
          });
          if (step === 'give-up') throw error;
          if (step !== 'retry') await this.rebuild(step, error as SlmError);
        }
      }
    } finally {
      if (owner !== undefined && !superseded()) this.latestOfOwner.delete(owner);
    }
  }

  /**
   * Carries out a run failure's recovery step and waits for the model to be ready again:
   * `fallback-to-wasm` (`device-fallback` warning) and `rebuild` (`device-lost` warning) end the
   * worker and load anew; `reload` waits for the rebuild another request started. Concurrent
   * failures share one rebuild (the first ends the worker; the others see `engineRebuilt`).
   */
  private async rebuild(step: Exclude<RunRecoveryStep, 'give-up' | 'retry'>, error: SlmError): Promise<void> {
    if (step !== 'reload') {
      this.rebuilds++;
      this.teardown(this.rebuilding);
      if (step === 'fallback-to-wasm') this.skipWebGpu(`WebGPU could not run the model (${error.message})`);
      else this.emit('warning', { code: 'device-lost', message: `${error.message}. The model was loaded again.` });
      this.setStatus('idle', null);
    }
    await this.load();
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
    options: GenerateOptions,
    ranOn: { client?: WorkerClient },
    onStream: () => void,
  ): Promise<GenerationResult> {
    const { signal, onToken, onQueue, conversationId, contextWindow, priority, owner } = options;
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
    if (signal?.aborted) return emptyResult('stopped');

    let firstAt = 0;
    let lastAt = 0;
    let count = 0;
    let text = '';
    const { id, result } = client.generate(
      input,
      settings,
      { conversationId: conversation, contextWindow, priority, owner },
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
    signal?.addEventListener('abort', abort, { once: true });
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
      signal?.removeEventListener('abort', abort);
    }
  }

  releaseConversation(conversationId: string): void {
    for (const waiter of this.waiting) if (waiter.conversationId === conversationId) waiter.released = true;
    this.client?.release(conversationId);
  }

  isCached(): Promise<boolean> {
    return this.query('is-cached');
  }

  downloadSize(): Promise<number | null> {
    return this.query('download-size');
  }

  clearCache(): Promise<number> {
    return this.query('clear-cache');
  }

  pauseDownload(): void {
    if (this._status !== 'loading' || this.downloadsPaused) return;
    this.downloadsPaused = true;
    this.client?.setDownloadsPaused(true);
    this.reportProgress(this._progress ?? { loaded: 0, total: 0, progress: 0 });
  }

  resumeDownload(): void {
    if (!this.downloadsPaused) return;
    this.downloadsPaused = false;
    this.client?.setDownloadsPaused(false);
    if (this._status === 'loading') this.reportProgress(this._progress ?? { loaded: 0, total: 0, progress: 0 });
  }

  /** Reports load progress, `paused` as the page asked (the worker obeys, the page says so at once). */
  private reportProgress(progress: LoadProgress): void {
    const { paused: _reported, ...figures } = progress;
    this._progress = this.downloadsPaused ? { ...figures, paused: true } : figures;
    this.emit('progress', this._progress);
  }

  async stats(): Promise<EngineStats> {
    return this.client ? this.client.stats() : { conversations: 0, cacheBytes: 0, queued: 0, running: false };
  }

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
    let granted: boolean;
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

  /** The configuration as the worker receives it: every engine setting, with ONNX Runtime's files resolved on the page. */
  private workerConfig(config: EngineConfig, repair = false): WorkerLoadConfig {
    const { wasmBaseUrl, ...settings } = config;
    return { ...settings, wasmPaths: ortWasmPaths(wasmBaseUrl), forceWasm: this.forceWasm, repair };
  }

  /** The worker for the current configuration, started on first need. */
  private ensureClient(): WorkerClient {
    if (this.client) return this.client;
    const config = this.requireConfig();
    const transport = (this.transport = this.chooseTransport(config));
    // Tabs with equal settings that went through the same recovery steps meet in the same worker.
    const name = [
      'slm-model',
      engineConfigKey(config),
      this.forceWasm ? 'wasm' : '',
      this.repairs ? `repair ${this.repairs}` : '',
      this.rebuilds ? `rebuild ${this.rebuilds}` : '',
    ].filter(Boolean).join(' ');
    const client = this.createClient({ transport, name });
    if (transport !== 'page') client.onLost = () => this.connectionLost(client);
    this.client = client;
    return client;
  }

  /**
   * The transport for a new connection: the page's own worker for `share="page"`; for
   * `share="origin"`, the first of a shared worker and a relay through a host tab that this
   * browser has and that has not failed here, else the page's own (said once, `share-unavailable`).
   */
  private chooseTransport(config: EngineConfig): Transport {
    if (config.share !== 'origin') return 'page';
    if (!this.unusable['shared-worker']) {
      const missing = sharedWorkerUnavailable();
      if (!missing) return 'shared-worker';
      this.unusable['shared-worker'] = missing;
    }
    if (!this.unusable.relay) {
      if (relayAvailable()) return 'relay';
      this.unshare('relay', 'this browser has no Web Locks or BroadcastChannel');
    }
    return 'page';
  }

  /**
   * A transport of `share="origin"` failed here: the next one is used from now on (for this
   * configuration). When none is left, the page runs the model on its own, which is said once.
   */
  private unshare(transport: Transport, reason: string): void {
    this.unusable[transport] = reason;
    if (transport !== 'relay') return;
    const why = Object.values(this.unusable).join('; ');
    this.emit('warning', {
      code: 'share-unavailable',
      message: `This page could not share the model with the site's other tabs (${why}): it runs the model on its own.`,
    });
  }

  /**
   * A shared connection that worked was lost (the host tab closed or crashed): this engine starts
   * over on a new connection, and the requests that were pending on the lost one run again there
   * (they fail with `lost`, which `afterRunFailure` answers with `retry` unless the request had
   * already streamed text: that one ends with `worker-failed`, "ask again"). The model loads
   * from Cache Storage; conversations go on, their KV caches rebuilt from the transcript.
   */
  private connectionLost(client: WorkerClient): SlmError | undefined {
    if (this.client !== client) return undefined;
    this.teardown(this.lost);
    this.setStatus('idle', null);
    return this.lost;
  }

  private async query<Q extends ModelQuery>(query: Q): Promise<ModelQueryAnswers[Q]> {
    const config = this.requireConfig();
    return this.ensureClient().query(this.workerConfig(config), query);
  }

  private teardown(reason = new SlmError('aborted', 'The model was unloaded.')): void {
    const client = this.client;
    this.client = undefined;
    this.downloadsPaused = false;
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
