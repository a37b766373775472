/**
 * Who runs next: the worker's one queue of generations for its model.
 *
 * ONNX Runtime runs one session call at a time per JavaScript context (two generations on one
 * model would interleave token by token and slow each other down), so the worker runs exactly one
 * generation at a time and everything else waits here. The rules, all in this file:
 *
 * - **Rank.** A job's rank orders the queue: requests of a visible page before those of a hidden
 *   one (several tabs share the worker with `share="origin"`), and within each, `interactive`
 *   jobs (chats) before `background` ones (completions, ghost text); first come first served
 *   within a rank. A page's visibility can change while its jobs wait: `reorder()` re-ranks.
 * - **No pre-emption by priority, pre-emption by visibility.** A running job is never interrupted
 *   for a higher priority of the same page's visibility. But a hidden page's running job gives
 *   its turn to a visible page's waiting job at its next token (`RunningJob.preempted`): it goes
 *   back to the front of its rank and continues, from where it stopped, once its turn comes again.
 *   So a hidden tab's long reply never starves a visible tab.
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

/** The page a job comes from, as far as scheduling cares (one per connection to the worker). */
export interface JobSource {
  /** Whether the page is visible now (`document.visibilityState`). */
  readonly visible: boolean;
}

/** What the scheduler needs to know about a job. */
export interface JobRequest {
  /** The request id (unique per worker). */
  readonly id: number;
  readonly priority: JobPriority;
  /** Jobs of the same owner supersede each other (see the module comment). */
  readonly owner?: string | undefined;
  /** The page it comes from; without one, the job counts as a visible page's. */
  readonly source?: JobSource | undefined;
  /** The job's place changed: how many jobs run or wait before it (0: it runs now). */
  onQueue(ahead: number): void;
}

/** What a running job sees of its scheduling. */
export interface RunningJob {
  /** Set once the job was stopped (by `stop()` or by a newer job of its owner). */
  readonly stopped: boolean;
  /** Set when a visible page's job waits for this hidden page's job: stop at the next token and `yieldTurn()`. */
  readonly preempted: boolean;
  /**
   * Registers what to do when the job is stopped or pre-empted while it runs (called at once if
   * it already was). Each hook is called once; register again after `yieldTurn()`.
   */
  onStop(interrupt: () => void): void;
  /** Gives the turn to the jobs that pre-empted this one; resolves when it is this job's turn again. */
  yieldTurn(): Promise<void>;
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
  preempted: boolean;
  readonly interrupts: (() => void)[];
  /** The queue place last reported (`undefined`: none yet). */
  ahead: number | undefined;
  /** Runs the job; calls `done` once it has ended, then resolves or rejects the submitter's promise. */
  start(done: () => void): void;
  /** Resolves the submitter's promise without running the job. */
  skip(): void;
  /** Set while a started job waits in the queue for its turn again (after `yieldTurn()`). */
  resume: (() => void) | undefined;
}

/** Queue order: visible pages first, then interactive before background. */
function rank(entry: Entry): number {
  const hidden = entry.request.source?.visible === false ? 2 : 0;
  return hidden + (entry.request.priority === 'background' ? 1 : 0);
}

/** Whether a job of this rank belongs to a hidden page (and gives way to visible ones). */
const isHiddenRank = (value: number) => value >= 2;

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

  /** How many jobs wait (pre-empted ones included). */
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
        preempted: false,
        interrupts: [],
        ahead: undefined,
        resume: undefined,
        onStop(interrupt) {
          if (entry.stopped || entry.preempted) interrupt();
          else entry.interrupts.push(interrupt);
        },
        yieldTurn: () => this.yieldTurn(entry),
        start: (done) => {
          new Promise<T>((ran) => ran(run(entry))).then(
            (value) => (done(), resolve(value)),
            (error: unknown) => (done(), reject(error)),
          );
        },
        skip: () => resolve(notRun()),
      };
      if (request.owner !== undefined) this.supersede(request.owner);
      this.enqueue(entry);
      void this.drain();
      this.preemptIfNeeded();
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
    const entry = this.queue[index];
    if (entry.resume) {
      // A pre-empted job is mid-run: it ends where it stopped, once it has its turn to say so.
      this.halt(entry);
      this.queue.splice(index, 1);
      this.queue.unshift(entry);
      void this.drain();
      return;
    }
    this.queue.splice(index, 1);
    entry.stopped = true;
    entry.skip();
    this.reportQueue();
  }

  /** A page's visibility changed: its waiting jobs move to their new rank, and may pre-empt. */
  reorder(): void {
    const entries = this.queue.splice(0);
    for (const entry of entries) this.enqueue(entry);
    this.preemptIfNeeded();
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

  /** Inserts by rank, after the jobs of the same rank (a pre-empted job: before them). */
  private enqueue(entry: Entry): void {
    const own = rank(entry);
    const index = this.queue.findIndex((other) => (entry.resume ? rank(other) >= own : rank(other) > own));
    if (index < 0) this.queue.push(entry);
    else this.queue.splice(index, 0, entry);
  }

  /** A hidden page's running job gives way when a visible page's job waits. */
  private preemptIfNeeded(): void {
    const running = this.running;
    if (!running || running.preempted || running.stopped || !isHiddenRank(rank(running))) return;
    if (!this.queue.some((entry) => !isHiddenRank(rank(entry)))) return;
    running.preempted = true;
    for (const interrupt of running.interrupts.splice(0)) interrupt();
  }

  private yieldTurn(entry: Entry): Promise<void> {
    if (this.running !== entry) return Promise.resolve();
    return new Promise<void>((resolve) => {
      entry.resume = resolve;
      // Cleared here, not when it resumes: a visible job arriving meanwhile pre-empts it again.
      entry.preempted = false;
      this.running = undefined;
      this.enqueue(entry);
      void this.drain();
      this.reportQueue();
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
    const resume = entry.resume;
    if (resume) {
      // A pre-empted job continues its run (which ends with the `done` of its first start).
      entry.resume = undefined;
      resume();
      return;
    }
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
