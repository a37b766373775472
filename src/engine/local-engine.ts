/**
 * `LocalEngine`: one model, loaded in its own worker, shared by every element that asks.
 *
 * The object is long-lived and stable (its identity is what `@lit/context` shares); changes of
 * configuration or state are announced as events rather than by replacing the object.
 */
import type { EngineEventMap, GenerateOptions, SlmEngine } from './engine-api.js';
import { SlmError, type SlmErrorData } from './errors.js';
import { ortWasmPaths } from './ort-assets.js';
import type { ModelQuery, ModelQueryAnswers, WorkerLoadConfig } from './protocol.js';
import { WorkerClient } from './worker-client.js';
import { emptyResult } from './types.js';
import type {
  EngineConfig,
  EngineStatus,
  GenerationInput,
  GenerationResult,
  GenerationSettings,
  LoadProgress,
  ReadyInfo,
} from './types.js';

/** Creates the worker connection; replaceable in tests. */
export type WorkerClientFactory = () => WorkerClient;

function sameConfig(a: EngineConfig | undefined, b: EngineConfig | undefined): boolean {
  return (
    a?.model === b?.model &&
    a?.device === b?.device &&
    a?.dtype === b?.dtype &&
    a?.modelBaseUrl === b?.modelBaseUrl &&
    a?.wasmBaseUrl === b?.wasmBaseUrl
  );
}

/** The engine `<slm-provider>` creates: a model in a Web Worker. */
export class LocalEngine extends EventTarget implements SlmEngine {
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
    if (!this.configError && sameConfig(this.config, config)) return;
    this.unload();
    this.config = config;
    this.configError = undefined;
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
    // A worker started earlier for `isCached()` / `downloadSize()` is reused.
    const client = this.ensureClient();
    this._progress = null;
    this.setStatus('loading', null);
    const loading = client
      .load(
        this.workerConfig(config),
        (progress) => {
          if (this.loading !== loading) return;
          this._progress = progress;
          this.emit('progress', progress);
        },
      )
      .then(
        (info) => {
          const ready: ReadyInfo = { ...info, loadMs: Math.round(performance.now() - started) };
          if (this.loading === loading) {
            this._info = ready;
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
    const { signal, onToken, conversationId, contextWindow, priority } = options;
    if (contextWindow !== undefined && !(Number.isInteger(contextWindow) && contextWindow >= 1)) {
      throw new SlmError('invalid-option', `contextWindow=${contextWindow} must be a whole number of at least 1.`);
    }
    const waiter = conversationId === undefined ? undefined : { conversationId, released: false };
    if (waiter) this.waiting.add(waiter);
    try {
      // Once ready, the request is posted synchronously, so it keeps its order with a
      // `releaseConversation()` called right after this call.
      if (this._status !== 'ready' || !this.client) await this.load();
    } finally {
      if (waiter) this.waiting.delete(waiter);
    }
    // Released while waiting: run as a one-off generation that neither uses nor keeps a cache.
    const conversation = waiter?.released ? undefined : conversationId;
    // Time to first token counts from here: a first-visit download is reported by `loadMs`.
    const requested = performance.now();
    const client = this.client!;
    if (signal?.aborted) return emptyResult('stopped');

    let firstAt = 0;
    let lastAt = 0;
    let count = 0;
    let text = '';
    const { id, result } = client.generate(input, settings, { conversationId: conversation, contextWindow, priority }, (token, tokenId) => {
      lastAt = performance.now();
      if (count === 0) firstAt = lastAt;
      count++;
      text += token;
      onToken?.({ token, tokenId, text });
    });
    const abort = () => client.stop(id);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const done = await result;
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

  /** Ends the worker and forgets the loaded model (the configuration stays). */
  unload(): void {
    this.teardown();
    if (this._status === 'loading' || this._status === 'ready') this.setStatus('idle', null);
  }

  /** The valid configuration with a model, or throws the reason there is none. */
  private requireConfig(): EngineConfig {
    if (this.configError) throw this.configError;
    const config = this.config;
    if (!config?.model) {
      throw new SlmError('no-model', 'No model is configured: set the "model" attribute of <slm-provider>.');
    }
    return config;
  }

  /** The configuration as the worker receives it. */
  private workerConfig(config: EngineConfig): WorkerLoadConfig {
    return {
      model: config.model,
      device: config.device,
      dtype: config.dtype,
      modelBaseUrl: config.modelBaseUrl,
      wasmPaths: ortWasmPaths(config.wasmBaseUrl),
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

  private teardown(): void {
    const client = this.client;
    this.client = undefined;
    this.loading = undefined;
    this._info = null;
    this._progress = null;
    client?.terminate(new SlmError('load-failed', 'The model was unloaded.'));
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
