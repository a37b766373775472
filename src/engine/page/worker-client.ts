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
interface PendingStats {
  kind: 'stats';
  resolve(stats: EngineStats): void;
  reject(error: SlmError): void;
}
interface PendingQuery {
  kind: 'query';
  resolve(value: ModelQueryAnswers[ModelQuery]): void;
  reject(error: SlmError): void;
}

/** Where `startModelWorker` loaded a worker from, so that a worker that cannot start can say why. */
interface WorkerSource {
  /** The real worker script. */
  script: string;
  /** Whether a same-origin `blob:` module imports it (the library is on another origin). */
  bootstrap: boolean;
}
const workerSources = new WeakMap<object, WorkerSource>();

/** Whether this module (the library) is served from another origin than the page's (a CDN). */
function libraryIsCrossOrigin(): boolean {
  // Decided by this module's own origin, not the worker URL's: bundlers rewrite that URL (Vite
  // inlines a small file as a `data:` URL, whose origin is "null"), which would look cross-origin
  // and send a bundled app down the blob: path to an unbundled worker script.
  return typeof location !== 'undefined' && new URL(import.meta.url).origin !== location.origin;
}

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
  const bootstrap = libraryIsCrossOrigin();
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
 * Why this page cannot share a model worker with the origin's other tabs (`share="origin"`), or
 * `undefined` when it can. Every page must start the shared worker from the very same script URL
 * (a `blob:` bootstrap would give each page a worker of its own), so the library must be served
 * from the page's origin.
 */
export function sharedWorkerUnavailable(): string | undefined {
  if (typeof SharedWorker === 'undefined') return 'this browser has no SharedWorker';
  if (libraryIsCrossOrigin()) return 'the library is served from another origin than the page, and a shared worker must be same-origin';
  return undefined;
}

/**
 * Starts (or connects to) the model worker that every tab and frame of the origin shares for one
 * model configuration: `name` tells configurations apart. See `sharedWorkerUnavailable` first.
 */
export function startSharedModelWorker(name: string): SharedWorker {
  const url = new URL('../worker/shared-worker.js', import.meta.url);
  const worker = new SharedWorker(new URL('../worker/shared-worker.js', import.meta.url), { type: 'module', name });
  workerSources.set(worker, { script: url.href, bootstrap: false });
  return worker;
}

let tabLock: Promise<string | undefined> | undefined;

/**
 * The name of a Web Lock this page holds for as long as it lives, once it holds it; a shared
 * worker waits for that lock to learn that the page is gone (closed, crashed, navigated away) and
 * frees what the page held. `undefined` without Web Locks (then only an orderly `unload()` frees
 * it). The name is told to the worker only once the lock is held: a worker asking first would be
 * granted it at once and take a live page for a gone one.
 */
function pageLifetimeLock(): Promise<string | undefined> {
  tabLock ??= new Promise((resolve) => {
    if (typeof navigator === 'undefined' || !navigator.locks) return resolve(undefined);
    const name = `slm-page:${crypto.randomUUID()}`;
    void navigator.locks.request(name, () => {
      resolve(name);
      return new Promise<never>(() => {});
    });
  });
  return tabLock;
}

/** Whether the page is visible now (a worker or a page without a document counts as visible). */
const pageVisible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';

/**
 * The error for a worker's `error` event. An uncaught exception carries a message; a script that
 * could not be fetched or was refused by a Content-Security-Policy carries none (browsers keep
 * the reason from the page), so the message lists what has to hold for the worker to start.
 */
function workerFailure(worker: ModelWorker, event: ErrorEvent | Event): SlmError {
  const message = event instanceof ErrorEvent ? event.message : '';
  if (message) return new SlmError('worker-failed', `The model worker failed: ${message}.`);
  if ('port' in worker && !workerSources.has(worker)) {
    return new SlmError('worker-failed', 'The model worker of the tab that runs the shared model could not start, or that tab closed.');
  }
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

/** A port to a worker several pages use: a `SharedWorker`'s, or one relayed by a host tab (`relay.ts`). */
interface SharedPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: Event) => void): void;
  start(): void;
  close(): void;
}

/** What a `WorkerClient` talks to: the page's own worker, or a connection to one several pages share. */
export type ModelWorker = Worker | { port: SharedPort; addEventListener(type: 'error', listener: (event: Event) => void): void };

/**
 * Request/reply plumbing over one worker: the page's own (`Worker`) or one the origin's pages
 * share (a `SharedWorker`, or a host tab's worker through `relay.ts`), over a port: then the page
 * says hello, its visibility and goodbye.
 */
export class WorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, PendingLoad | PendingGeneration | PendingQuery | PendingStats>();
  private failure: SlmError | undefined;
  /** Where messages go: the worker itself, or a shared connection's port. */
  private readonly port: Worker | SharedPort;
  /** Whether this is a shared connection (a port), not the page's own worker. */
  private readonly shared: boolean;
  /** Whether the worker ever answered (a connection lost after that was working). */
  private answered = false;
  /**
   * Chooses the error pending requests fail with when a connection that worked is lost (a host
   * tab closed, a worker crashed): the engine says "run them again" with its rebuild error.
   */
  onLost: (() => SlmError | undefined) | undefined;
  private readonly onVisibility = () => this.post({ type: 'visibility', id: 0, visible: pageVisible() });

  constructor(private readonly worker: ModelWorker = startModelWorker()) {
    this.shared = 'port' in worker;
    this.port = 'port' in worker ? worker.port : worker;
    this.port.addEventListener('message', (event: Event) => this.receive((event as MessageEvent<WorkerReply>).data));
    // A worker script that fails to load or throws at top level lands here, not in a reply.
    worker.addEventListener('error', (event: Event) => {
      event.preventDefault();
      const lost = this.answered ? this.onLost?.() : undefined;
      this.failAll(lost ?? workerFailure(worker, event));
    });
    if (this.shared) {
      const port = this.port as SharedPort;
      port.start();
      // Requests sent meanwhile are served as a visible page's; the hello only adds the lock and the real visibility.
      void pageLifetimeLock().then((tab) => this.post({ type: 'hello', id: 0, tab, visible: pageVisible() }));
      if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
    }
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
    if (this.pending.has(id)) this.post({ type: 'stop', id });
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

  /**
   * Ends the worker and everything it holds; pending requests fail with `error`. A shared worker
   * runs on for the origin's other pages: this page's requests stop and its caches are freed.
   */
  terminate(error: SlmError): void {
    if (this.shared) {
      this.post({ type: 'bye', id: 0 });
      (this.port as SharedPort).close();
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
    } else {
      (this.worker as Worker).terminate();
    }
    this.failAll(error);
  }

  private send(build: (id: number) => WorkerRequest): number {
    const id = this.nextId++;
    if (this.failure) throw this.failure;
    this.port.postMessage(build(id));
    return id;
  }

  /** Posts a message that expects no reply (nothing after a failure). */
  private post(message: WorkerRequest): void {
    if (!this.failure) this.port.postMessage(message);
  }

  private receive(reply: WorkerReply): void {
    this.answered = true;
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
