/**
 * `LocalEngine`: one model, loaded in its own worker, shared by every element that asks.
 *
 * The object is long-lived and stable (its identity is what `@lit/context` shares); changes of
 * configuration or state are announced as events rather than by replacing the object.
 */
import type { EngineEventMap, GenerateOptions, SlmEngine } from './engine-api.js';
import { SlmError, type SlmErrorData } from './errors.js';
import { ortWasmPaths } from './ort-assets.js';
import { WorkerClient } from './worker-client.js';
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
    if (this.configError) return Promise.reject(this.configError);
    const config = this.config;
    if (!config?.model) {
      return Promise.reject(
        new SlmError('no-model', 'No model is configured: set the "model" attribute of <slm-provider>.'),
      );
    }
    if (this.loading) return this.loading;

    const started = performance.now();
    const client = this.createClient();
    this.client = client;
    this._progress = null;
    this.setStatus('loading', null);
    const loading = client
      .load(
        {
          model: config.model,
          device: config.device,
          dtype: config.dtype,
          modelBaseUrl: config.modelBaseUrl,
          wasmPaths: ortWasmPaths(config.wasmBaseUrl),
        },
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

  async generate(
    input: GenerationInput,
    settings: GenerationSettings,
    options: GenerateOptions = {},
  ): Promise<GenerationResult> {
    const { signal, onToken } = options;
    await this.load();
    // Time to first token counts from here: a first-visit download is reported by `loadMs`.
    const requested = performance.now();
    const client = this.client!;
    const stopped = (): GenerationResult => ({
      text: '',
      reason: 'stopped',
      tokens: 0,
      ttftMs: 0,
      tokensPerSecond: 0,
      promptTokens: 0,
      cachedTokens: 0,
      droppedMessages: 0,
    });
    if (signal?.aborted) return stopped();

    let firstAt = 0;
    let lastAt = 0;
    let count = 0;
    let text = '';
    const { id, result } = client.generate(input, settings, (token, tokenId) => {
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
        cachedTokens: 0, // TODO(engine helper): reported by the worker
        droppedMessages: 0, // TODO(engine helper): reported by the worker
        ...done,
        ttftMs: firstAt ? Math.round((firstAt - requested) * 10) / 10 : 0,
        tokensPerSecond:
          count > 1 && lastAt > firstAt ? Math.round(((count - 1) / (lastAt - firstAt)) * 1000 * 10) / 10 : 0,
      };
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  releaseConversation(_conversationId: string): void {
    // TODO(engine helper): dispose the conversation's cache in the worker.
  }

  isCached(): Promise<boolean> {
    return Promise.reject(new Error('TODO(engine helper)'));
  }

  downloadSize(): Promise<number | null> {
    return Promise.reject(new Error('TODO(engine helper)'));
  }

  /** Ends the worker and forgets the loaded model (the configuration stays). */
  unload(): void {
    this.teardown();
    if (this._status === 'loading' || this._status === 'ready') this.setStatus('idle', null);
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
