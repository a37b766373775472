/**
 * Who runs next: the worker's one queue of generations for its model.
 *
 * ONNX Runtime runs one session call at a time per JavaScript context (two generations on one
 * model would interleave token by token and slow each other down), so the worker runs exactly one
 * generation at a time and everything else waits here. The rules, all in this file:
 *
 * - **Priority.** `interactive` jobs (chats) go before every waiting `background` job
 *   (completions, ghost text); within a priority, first come first served. A running job is never
 *   pre-empted by priority.
 * - **Owners.** A job may name an owner (an element). A new job of the same owner supersedes the
 *   owner's previous one: dropped if it waits, stopped at its next token if it runs.
 * - **Cancellation.** `stop(id)` drops a waiting job (it resolves with the caller's "not run"
 *   result) or stops a running one (its `onStop` hooks fire; the job ends at its next token).
 * - **Queue places.** A job that has to wait is told how many jobs run or wait before it, again
 *   whenever that changes, and `0` when it starts. A job that never waits hears nothing.
 * - **Yielding.** A generation on the wasm backend can settle through microtasks alone, so a
 *   `stop` message would wait until the reply is complete. `yieldIfDue()`, called before each
 *   forward pass, lets the worker's message loop in, at most every `YIELD_EVERY_MS`; a job also
 *   starts one task after it is taken from the queue, so a stop or a superseding request that
 *   arrived in the same batch of messages is seen before any work is done.
 *
 * Pure scheduling: nothing here knows about models, tokens or transformers.js.
 */

/** Queue priority of a generation. */
export type JobPriority = 'interactive' | 'background';

/** What the scheduler needs to know about a job. */
export interface JobRequest {
  /** The request id (the page's, unique per worker). */
  readonly id: number;
  readonly priority: JobPriority;
  /** Jobs of the same owner supersede each other (see the module comment). */
  readonly owner?: string | undefined;
  /** The job's place changed: how many jobs run or wait before it (0: it runs now). */
  onQueue(ahead: number): void;
}

/** What a running job sees of its scheduling. */
export interface RunningJob {
  /** Set once the job was stopped (by `stop()` or by a newer job of its owner). */
  readonly stopped: boolean;
  /** Registers what to do when the job is stopped while it runs (called at once if it already was). */
  onStop(interrupt: () => void): void;
}

/**
 * Longest a running generation goes without letting other messages (a stop) in, in ms. Not
 * before every forward pass: waking the worker's event loop costs about as much as 5% of a small
 * model's token (bench 1), and 12 ms keeps a stop well inside its 50 ms budget (bench 8).
 */
export const YIELD_EVERY_MS = 12;

interface Entry extends RunningJob {
  readonly request: JobRequest;
  stopped: boolean;
  readonly interrupts: (() => void)[];
  /** The queue place last reported (`undefined`: none yet). */
  ahead: number | undefined;
  /** Runs the job; calls `done` once it has ended, then resolves or rejects the submitter's promise. */
  start(done: () => void): void;
  /** Resolves the submitter's promise without running the job. */
  skip(): void;
}

/**
 * Resolves in a new task, after messages already queued for this worker have been handled.
 * One `MessageChannel` serves all calls: unlike `setTimeout`, it is not clamped to 4 ms.
 */
function createNextTask(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}

/** One queue of jobs for one model, run one at a time. */
export class Scheduler {
  private readonly queue: Entry[] = [];
  private running: Entry | undefined;
  private lastYield = performance.now();
  private readonly nextTask = createNextTask();

  /** How many jobs wait. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Whether a job runs now. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Queues a job. `run` is called when its turn comes (not at all when it is stopped before);
   * `notRun` gives the result of a job dropped before it started.
   */
  submit<T>(request: JobRequest, run: (job: RunningJob) => Promise<T>, notRun: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        request,
        stopped: false,
        interrupts: [],
        ahead: undefined,
        onStop(interrupt) {
          if (entry.stopped) interrupt();
          else entry.interrupts.push(interrupt);
        },
        start: (done) => {
          new Promise<T>((ran) => ran(run(entry))).then(
            (value) => (done(), resolve(value)),
            (error: unknown) => (done(), reject(error)),
          );
        },
        skip: () => resolve(notRun()),
      };
      if (request.owner !== undefined) this.supersede(request.owner);
      const before = request.priority === 'background' ? -1 : this.queue.findIndex((e) => e.request.priority === 'background');
      if (before < 0) this.queue.push(entry);
      else this.queue.splice(before, 0, entry);
      void this.drain();
      this.reportQueue();
    });
  }

  /** Stops a job: a waiting one is dropped, a running one ends at its next token. Unknown ids are ignored. */
  stop(id: number): void {
    if (this.running?.request.id === id) {
      this.halt(this.running);
      return;
    }
    const index = this.queue.findIndex((entry) => entry.request.id === id);
    if (index < 0) return;
    const [entry] = this.queue.splice(index, 1);
    entry.stopped = true;
    entry.skip();
    this.reportQueue();
  }

  /**
   * Lets the worker's message loop run if the current job has not yielded for `YIELD_EVERY_MS`;
   * call before every forward pass. Resolves at once (synchronously `undefined`) otherwise.
   */
  yieldIfDue(): Promise<void> | undefined {
    if (performance.now() - this.lastYield < YIELD_EVERY_MS) return undefined;
    return this.nextTask().then(() => {
      this.lastYield = performance.now();
    });
  }

  /** Stops every job of `owner`, waiting or running (a newer job of the owner takes their place). */
  private supersede(owner: string): void {
    if (this.running?.request.owner === owner) this.halt(this.running);
    for (const entry of this.queue.filter((e) => e.request.owner === owner)) this.stop(entry.request.id);
  }

  private halt(entry: Entry): void {
    if (entry.stopped) return;
    entry.stopped = true;
    for (const interrupt of entry.interrupts.splice(0)) interrupt();
  }

  /**
   * Tells every job whose place changed how many jobs run or wait before it. A job that never
   * waited hears nothing; one that waited hears `0` when it starts.
   */
  private reportQueue(): void {
    const running = this.running;
    if (running?.ahead !== undefined && running.ahead !== 0) {
      running.ahead = 0;
      running.request.onQueue(0);
    }
    const offset = running ? 1 : 0;
    this.queue.forEach((entry, index) => {
      const ahead = index + offset;
      if (ahead === 0 || entry.ahead === ahead) return;
      entry.ahead = ahead;
      entry.request.onQueue(ahead);
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    const entry = this.queue.shift();
    if (!entry) return;
    this.running = entry;
    this.reportQueue();
    // One task first: a stop or a superseding job sent right behind this one is handled before
    // any work is done (the page posts them back to back when a request is replaced at once).
    await this.nextTask();
    this.lastYield = performance.now();
    // The queue moves on before the job's caller hears back, so `busy` and `waiting` are current
    // by the time it does.
    const done = () => {
      this.running = undefined;
      void this.drain();
    };
    if (!entry.stopped) {
      entry.start(done);
      return;
    }
    done();
    entry.skip();
  }
}
