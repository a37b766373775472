/**
 * `LocalEngine`: one model, loaded in its own worker, shared by every element that asks.
 *
 * The object is long-lived and stable (its identity is what `@lit/context` shares); changes of
 * configuration or state are announced as events rather than by replacing the object.
 *
 * It is deliberately light: what it does before a model is needed (hold the configuration,
 * report a refused one, answer `status`) is here, and everything else — loading, recovery,
 * generation, the worker connection — is `WorkerEngine`, imported on first need (`load()`,
 * `generate()`, `isCached()`, ...). A page that shows the elements but never asks for a model
 * downloads none of that code, nor the worker, nor transformers.js (`test/cdn.test.ts`,
 * `scripts/bundle-budget.mjs`). Once imported, every call and property goes to the
 * `WorkerEngine` and its events are dispatched again from this object.
 */
import { ENGINE_EVENT_TYPES, type EngineEventMap, type GenerateOptions, type SlmEngine } from './engine-api.js';
import { SlmError, errorText, noModelError, notLoadedError, unloadedError, type SlmErrorData } from '../shared/errors.js';
import { sameEngineConfig, type EngineConfig } from '../shared/settings.js';
import type { WorkerClientFactory, WorkerEngine } from './worker-engine.js';
import type {
  DeviceCapabilities,
  EngineStats,
  EngineStatus,
  GenerationInput,
  GenerationResult,
  GenerationSettings,
  LoadMode,
  LoadProgress,
  ReadyInfo,
} from '../shared/types.js';

export type { WorkerClientContext, WorkerClientFactory } from './worker-engine.js';

/**
 * The engine `<slm-provider>` creates: a model in a Web Worker. The engine API (`load`,
 * `generate`, `isCached`, ...) is documented once, on `SlmEngine` (`engine-api.ts`).
 */
export class LocalEngine extends EventTarget implements SlmEngine {
  private config: EngineConfig | SlmError | undefined;
  /** Why the engine is in `error` before its implementation exists (a refused option, a failed import). */
  private earlyError: SlmErrorData | null = null;
  private impl: WorkerEngine | undefined;
  private importing: Promise<WorkerEngine> | undefined;
  /** A load was asked for and waits for the import (`status` is already `loading`, as it would be once loaded). */
  private loadRequested = false;
  /** Counts `unload()` calls: a request still waiting for the import when one happens is aborted. */
  private unloads = 0;
  private _loadMode: LoadMode = 'lazy';
  private _persistStorage = false;

  /** `createClient` replaces the worker connection (tests drive the engine with a scripted worker). */
  constructor(private readonly createClient?: WorkerClientFactory) {
    super();
  }

  /**
   * `lazy` (default): the first request loads the model. `eager`: the owner calls `load()` at
   * once. `manual`: only `load()` does; until then requests fail with `not-loaded` (for pages
   * that ask the visitor before downloading anything).
   */
  get loadMode(): LoadMode {
    return this._loadMode;
  }
  set loadMode(mode: LoadMode) {
    this._loadMode = mode;
    if (this.impl) this.impl.loadMode = mode;
  }

  /** Ask the browser to keep Cache Storage from eviction (`navigator.storage.persist()`) before loading. */
  get persistStorage(): boolean {
    return this._persistStorage;
  }
  set persistStorage(persist: boolean) {
    this._persistStorage = persist;
    if (this.impl) this.impl.persistStorage = persist;
  }

  get status(): EngineStatus {
    return this.impl?.status ?? (this.earlyError ? 'error' : this.loadRequested ? 'loading' : 'idle');
  }
  get error(): SlmErrorData | null {
    return this.impl ? this.impl.error : this.earlyError;
  }
  get progress(): LoadProgress | null {
    return this.impl?.progress ?? null;
  }
  get info(): ReadyInfo | null {
    return this.impl?.info ?? null;
  }
  get model(): string {
    if (this.impl) return this.impl.model;
    return this.config instanceof SlmError ? '' : (this.config?.model ?? '');
  }
  get capabilities(): DeviceCapabilities | null {
    return this.impl?.capabilities ?? null;
  }

  /**
   * Sets what to load. A different configuration unloads the current model (its worker ends);
   * the same one is a no-op. An `SlmError` (a refused option) puts the engine in `error` until a
   * valid configuration arrives.
   */
  configure(config: EngineConfig | SlmError): void {
    const previous = this.config;
    this.config = config;
    if (this.impl) {
      this.impl.configure(config);
      return;
    }
    // Requests still waiting for the import were for the old model: they end as an unload would end them.
    const same = !(config instanceof SlmError) && !(previous instanceof SlmError) && sameEngineConfig(previous, config);
    if (!same) this.unload();
    const before = this.earlyError;
    this.earlyError = config instanceof SlmError ? config.toJSON() : null;
    if (before?.code !== this.earlyError?.code || before?.message !== this.earlyError?.message) this.announceStatus();
  }

  load(): Promise<ReadyInfo> {
    return this.withImplementation((impl) => impl.load(), true);
  }

  generate(input: GenerationInput, settings: GenerationSettings, options?: GenerateOptions): Promise<GenerationResult> {
    // In `manual` mode a request does not load the model: before `load()` it fails with
    // `not-loaded`, and without importing anything (nothing at all is fetched before consent).
    const manual = this._loadMode === 'manual';
    if (manual && !this.impl && !this.loadRequested) return Promise.reject(notLoadedError());
    return this.withImplementation((impl) => impl.generate(input, settings, options), !manual);
  }

  releaseConversation(conversationId: string): void {
    if (this.impl) {
      this.impl.releaseConversation(conversationId);
    } else {
      // Requests waiting for the import reach the implementation first (their callbacks were
      // registered earlier), so the release keeps its place after them, as it would once loaded.
      void this.importing?.then((impl) => impl.releaseConversation(conversationId), () => {});
    }
  }

  isCached(): Promise<boolean> {
    return this.withImplementation((impl) => impl.isCached());
  }

  downloadSize(): Promise<number | null> {
    return this.withImplementation((impl) => impl.downloadSize());
  }

  clearCache(): Promise<number> {
    return this.withImplementation((impl) => impl.clearCache());
  }

  /** Only a load in progress has a download to pause, and a load has the implementation. */
  pauseDownload(): void {
    this.impl?.pauseDownload();
  }

  resumeDownload(): void {
    this.impl?.resumeDownload();
  }

  stats(): Promise<EngineStats> {
    return this.impl ? this.impl.stats() : Promise.resolve({ conversations: 0, cacheBytes: 0, queued: 0, running: false });
  }

  /**
   * Ends the worker and forgets the loaded model (the configuration stays). A download in
   * progress is abandoned; pending requests and `load()` reject with `aborted`.
   */
  unload(): void {
    this.unloads++;
    this.impl?.unload();
    this.setLoadRequested(false);
  }

  /**
   * Runs `call` on the implementation, importing it first if needed. A refused configuration or a
   * missing model rejects at once, without importing anything. `loads`: the call loads the model,
   * so `status` turns `loading` now rather than once the import is done.
   */
  private withImplementation<T>(call: (impl: WorkerEngine) => Promise<T>, loads = false): Promise<T> {
    if (this.impl) return call(this.impl);
    if (this.config instanceof SlmError) return Promise.reject(this.config);
    if (!this.config?.model) return Promise.reject(noModelError());
    const unloads = this.unloads;
    if (loads) this.setLoadRequested(true);
    return this.implementation().then((impl) => {
      if (unloads !== this.unloads) throw unloadedError();
      return call(impl);
    });
  }

  private setLoadRequested(requested: boolean): void {
    if (this.impl || this.loadRequested === requested) return;
    this.loadRequested = requested;
    this.announceStatus();
  }

  /** Reports `status` and `error` as they stand before the implementation exists. */
  private announceStatus(): void {
    this.emit('status-change', { status: this.status, error: this.earlyError });
  }

  /** Imports `WorkerEngine` once and hands it this engine's configuration and listeners. */
  private implementation(): Promise<WorkerEngine> {
    this.importing ??= import('./worker-engine.js').then(
      ({ WorkerEngine }) => {
        const impl = new WorkerEngine(this.createClient);
        impl.loadMode = this._loadMode;
        impl.persistStorage = this._persistStorage;
        if (this.config) impl.configure(this.config);
        // From here on its events are this engine's (re-dispatched: an event dispatches once).
        for (const type of ENGINE_EVENT_TYPES) {
          impl.addEventListener(type, (event) => this.emit(type, (event as EngineEventMap[typeof type]).detail));
        }
        this.impl = impl;
        this.earlyError = null;
        this.loadRequested = false;
        return impl;
      },
      (error: unknown) => {
        // Offline before the engine's code was ever cached, or blocked by the page's policy. The
        // next request tries again.
        this.importing = undefined;
        this.loadRequested = false;
        const failure = new SlmError('network-error', `The engine's code could not be loaded (${errorText(error)}).`);
        this.earlyError = failure.toJSON();
        this.announceStatus();
        throw failure;
      },
    );
    return this.importing;
  }

  private emit<K extends keyof EngineEventMap>(type: K, detail: EngineEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
