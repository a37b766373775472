/**
 * The page's side of the model worker: starts it, numbers requests, routes replies.
 *
 * Knows nothing about elements or about which model is loaded; `LocalEngine` builds on it.
 */
import { LoadFailure, SlmError, type SlmWarningData } from '../shared/errors.js';
import type {
  ModelQuery,
  ModelQueryAnswers,
  WorkerGenerateOptions,
  WorkerGenerationDone,
  WorkerLoadConfig,
  WorkerReply,
  WorkerRequest,
} from '../shared/protocol.js';
import type { EngineStats, GenerationInput, GenerationSettings, LoadProgress, ReadyInfo } from '../shared/types.js';

/** Callbacks of a load in progress. */
export interface LoadListener {
  onProgress(progress: LoadProgress): void;
  onWarning(warning: SlmWarningData): void;
}

/** Callbacks of a generation in progress. */
export interface GenerationListener {
  onToken(token: string, tokenId: number): void;
  /** How many generations run or wait before this one (reported only when it has to wait; 0 once it starts). */
  onQueue(ahead: number): void;
}

type PendingLoad = LoadListener & {
  kind: 'load';
  resolve(info: Omit<ReadyInfo, 'loadMs'>): void;
  reject(error: SlmError): void;
};
type PendingGeneration = GenerationListener & {
  kind: 'generate';
  resolve(result: WorkerGenerationDone): void;
  reject(error: SlmError): void;
};
type PendingStats = {
  kind: 'stats';
  resolve(stats: EngineStats): void;
  reject(error: SlmError): void;
};
type PendingQuery = {
  kind: 'query';
  resolve(value: ModelQueryAnswers[ModelQuery]): void;
  reject(error: SlmError): void;
};

/** Where `startModelWorker` loaded a worker from, so that a worker that cannot start can say why. */
interface WorkerSource {
  /** The real worker script. */
  script: string;
  /** Whether a same-origin `blob:` module imports it (the library is on another origin). */
  bootstrap: boolean;
}
const workerSources = new WeakMap<Worker, WorkerSource>();

/**
 * Starts the worker module. A page may load this library from another origin (a CDN), and
 * browsers refuse `new Worker(crossOriginUrl)`; a same-origin `blob:` module that imports the
 * real worker script works around that (the script must then be served with CORS, as CDNs do).
 *
 * Under a Content-Security-Policy the two paths need different sources (docs/csp.md): a
 * same-origin worker is checked against `worker-src` and runs under the policy its own script is
 * served with; the `blob:` bootstrap needs `blob:` in `worker-src`, inherits the page's policy,
 * and its static `import` of the real script is checked against `worker-src` too (module
 * workers fetch their whole static graph with the "worker" destination), so the CDN's origin
 * belongs in `worker-src` as well as in `script-src`.
 */
export function startModelWorker(): Worker {
  const url = new URL('../worker/worker.js', import.meta.url);
  let worker: Worker;
  // Decided by this module's own origin, not `url`'s: bundlers rewrite `url` (Vite inlines a small
  // file as a `data:` URL, whose origin is "null"), which would look cross-origin and send a
  // bundled app down the blob: path to an unbundled worker script.
  const bootstrap = typeof location !== 'undefined' && new URL(import.meta.url).origin !== location.origin;
  if (!bootstrap) {
    worker = new Worker(new URL('../worker/worker.js', import.meta.url), { type: 'module', name: 'slm-model' });
  } else {
    const importer = new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' });
    worker = new Worker(URL.createObjectURL(importer), { type: 'module', name: 'slm-model' });
  }
  workerSources.set(worker, { script: url.href, bootstrap });
  return worker;
}

/**
 * The error for a worker's `error` event. An uncaught exception carries a message; a script that
 * could not be fetched or was refused by a Content-Security-Policy carries none (browsers keep
 * the reason from the page), so the message lists what has to hold for the worker to start.
 */
function workerFailure(worker: Worker, event: ErrorEvent): SlmError {
  if (event.message) return new SlmError('worker-failed', `The model worker failed: ${event.message}.`);
  const source = workerSources.get(worker);
  if (!source) return new SlmError('worker-failed', 'The model worker failed: its script could not be loaded.');
  const { origin } = new URL(source.script);
  if (source.bootstrap) {
    return new SlmError(
      'worker-failed',
      `The model worker could not start from ${source.script}. The library is on another origin, so a blob: module ` +
        `imports that script: its server must send Access-Control-Allow-Origin, and a Content-Security-Policy must ` +
        `allow both blob: and ${origin} in worker-src (or, without worker-src, in script-src).`,
    );
  }
  return new SlmError(
    'worker-failed',
    `The model worker script ${source.script} could not be loaded: check that it is served, and that a ` +
      `Content-Security-Policy allows ${origin} in worker-src (or, without worker-src, in script-src).`,
  );
}

/** Request/reply plumbing over one worker. */
export class WorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, PendingLoad | PendingGeneration | PendingQuery | PendingStats>();
  private failure: SlmError | undefined;

  constructor(private readonly worker: Worker = startModelWorker()) {
    worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => this.receive(event.data));
    // A worker script that fails to load or throws at top level lands here, not in a reply.
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.failAll(workerFailure(worker, event));
    });
  }

  /** Loads a model in the worker; progress and warnings arrive through `listener`. */
  load(config: WorkerLoadConfig, listener: LoadListener): Promise<Omit<ReadyInfo, 'loadMs'>> {
    return new Promise((resolve, reject) => {
      const id = this.send((id) => ({ type: 'load', id, config }));
      this.pending.set(id, { kind: 'load', resolve, reject, ...listener });
    });
  }

  /** What the worker holds now (conversation caches, queue). */
  stats(): Promise<EngineStats> {
    return new Promise((resolve, reject) => {
      const id = this.send((id) => ({ type: 'stats', id }));
      this.pending.set(id, { kind: 'stats', resolve, reject });
    });
  }

  /** Starts a generation. Returns its id (for `stop`) and the promise of its result. */
  generate(
    input: GenerationInput,
    settings: GenerationSettings,
    options: WorkerGenerateOptions,
    listener: GenerationListener,
  ): { id: number; result: Promise<WorkerGenerationDone> } {
    let id = 0;
    const result = new Promise<WorkerGenerationDone>((resolve, reject) => {
      id = this.send((id) => ({ type: 'generate', id, input, settings, options }));
      this.pending.set(id, { kind: 'generate', resolve, reject, ...listener });
    });
    return { id, result };
  }

  /** Asks the worker to stop a generation (dropped if queued, interrupted at its next token if running). */
  stop(id: number): void {
    if (this.pending.has(id)) this.worker.postMessage({ type: 'stop', id } satisfies WorkerRequest);
  }

  /**
   * Asks the worker to dispose a conversation's KV cache. Fire and forget: messages are handled in
   * order, so a generation requested afterwards never sees the released cache.
   */
  release(conversationId: string): void {
    if (this.failure) return;
    this.send((id) => ({ type: 'release', id, conversationId }));
  }

  /** Pauses or resumes the model's downloads in the worker (fire and forget; bytes received are kept). */
  setDownloadsPaused(paused: boolean): void {
    if (this.failure) return;
    this.send((id) => ({ type: 'downloads', id, paused }));
  }

  /** Asks the worker a question about the model's files (it does not load the model for this). */
  query<Q extends ModelQuery>(config: WorkerLoadConfig, query: Q): Promise<ModelQueryAnswers[Q]> {
    return new Promise((resolve, reject) => {
      const id = this.send((id) => ({ type: 'query', id, query, config }));
      this.pending.set(id, {
        kind: 'query',
        resolve: resolve as (value: ModelQueryAnswers[ModelQuery]) => void,
        reject,
      });
    });
  }

  /** Ends the worker and everything it holds; pending requests fail with `error`. */
  terminate(error: SlmError): void {
    this.worker.terminate();
    this.failAll(error);
  }

  private send(build: (id: number) => WorkerRequest): number {
    const id = this.nextId++;
    if (this.failure) throw this.failure;
    this.worker.postMessage(build(id));
    return id;
  }

  private receive(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    switch (reply.type) {
      case 'progress':
        if (pending.kind === 'load') pending.onProgress(reply.progress);
        break;
      case 'warning':
        if (pending.kind === 'load') pending.onWarning(reply.warning);
        break;
      case 'token':
        if (pending.kind === 'generate') pending.onToken(reply.token, reply.tokenId);
        break;
      case 'queue':
        if (pending.kind === 'generate') pending.onQueue(reply.ahead);
        break;
      case 'stats':
        this.pending.delete(reply.id);
        if (pending.kind === 'stats') pending.resolve(reply.stats);
        break;
      case 'ready':
        this.pending.delete(reply.id);
        if (pending.kind === 'load') pending.resolve(reply.info);
        break;
      case 'done':
        this.pending.delete(reply.id);
        if (pending.kind === 'generate') pending.resolve(reply.result);
        break;
      case 'answer':
        this.pending.delete(reply.id);
        if (pending.kind === 'query') pending.resolve(reply.value);
        break;
      case 'error':
        this.pending.delete(reply.id);
        pending.reject(pending.kind === 'load' ? new LoadFailure(reply.error, reply.recover) : SlmError.from(reply.error));
        break;
    }
  }

  private failAll(error: SlmError): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
