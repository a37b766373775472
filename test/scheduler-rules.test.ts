/**
 * The worker's scheduler on its own (`src/engine/worker/scheduler.ts`): priorities, owners,
 * cancellation and queue places, with jobs that the test finishes by hand. `test/scheduler.test.ts`
 * checks the same rules through the real engine and model.
 */
import { expect } from '@open-wc/testing';
import { Scheduler, type JobRequest, type RunningJob } from '../dist/engine/worker/scheduler.js';

/** A job the test controls: it runs until `finish()`; records its queue places and stops. */
function job(scheduler: Scheduler, id: number, options: Partial<Pick<JobRequest, 'priority' | 'owner' | 'source'>> = {}) {
  const places: number[] = [];
  let finish: (value: string) => void = () => {};
  let running: RunningJob | undefined;
  let interrupted = 0;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const result = scheduler.submit(
    { id, priority: options.priority ?? 'interactive', owner: options.owner, source: options.source, onQueue: (ahead) => places.push(ahead) },
    (handle) => {
      running = handle;
      handle.onStop(() => interrupted++);
      markStarted();
      return new Promise<string>((resolve) => (finish = resolve));
    },
    () => 'not run',
  );
  return {
    id,
    places,
    started,
    result,
    finish: (value = `done ${id}`) => finish(value),
    get stopped() {
      return running?.stopped ?? false;
    },
    get preempted() {
      return running?.preempted ?? false;
    },
    /** Gives the turn away as a pre-empted job does; resolves when it is its turn again. */
    yieldTurn: () => running!.yieldTurn(),
    get interrupted() {
      return interrupted;
    },
  };
}

describe('Scheduler', () => {
  it('runs one job at a time, in order of arrival', async () => {
    const scheduler = new Scheduler();
    const a = job(scheduler, 1);
    const b = job(scheduler, 2);
    await a.started;
    expect(scheduler.busy).to.equal(true);
    expect(scheduler.waiting).to.equal(1);
    a.finish();
    expect(await a.result).to.equal('done 1');
    await b.started;
    b.finish();
    expect(await b.result).to.equal('done 2');
    expect(scheduler.busy).to.equal(false);
  });

  it('takes interactive jobs before waiting background ones, never pre-empting the running one', async () => {
    const scheduler = new Scheduler();
    const order: number[] = [];
    const running = job(scheduler, 1, { priority: 'background' });
    const background = job(scheduler, 2, { priority: 'background' });
    const interactive = job(scheduler, 3, { priority: 'interactive' });
    for (const j of [running, background, interactive]) void j.started.then(() => order.push(j.id));
    await running.started;
    expect(running.stopped).to.equal(false);
    running.finish();
    await interactive.started;
    interactive.finish();
    await background.started;
    background.finish();
    await background.result;
    expect(order).to.deep.equal([1, 3, 2]);
  });

  it('reports queue places to jobs that wait, and 0 when they start; none to a job that never waited', async () => {
    const scheduler = new Scheduler();
    const a = job(scheduler, 1);
    const b = job(scheduler, 2);
    const c = job(scheduler, 3);
    await a.started;
    expect(a.places).to.deep.equal([]);
    expect(b.places).to.deep.equal([1]);
    expect(c.places).to.deep.equal([2]);
    a.finish();
    await b.started;
    expect(b.places).to.deep.equal([1, 0]);
    expect(c.places).to.deep.equal([2, 1]);
    b.finish();
    await c.started;
    c.finish();
    await c.result;
    expect(c.places).to.deep.equal([2, 1, 0]);
  });

  it('stop() drops a waiting job (not run) and interrupts a running one', async () => {
    const scheduler = new Scheduler();
    const a = job(scheduler, 1);
    const b = job(scheduler, 2);
    await a.started;
    scheduler.stop(2);
    expect(await b.result).to.equal('not run');
    scheduler.stop(1);
    expect(a.stopped).to.equal(true);
    expect(a.interrupted).to.equal(1);
    scheduler.stop(1);
    expect(a.interrupted, 'interrupted once').to.equal(1);
    a.finish('partial');
    expect(await a.result).to.equal('partial');
  });

  it("a new job of an owner supersedes the owner's waiting and running jobs, not other owners'", async () => {
    const scheduler = new Scheduler();
    const a = job(scheduler, 1, { owner: 'x' });
    await a.started;
    const other = job(scheduler, 2, { owner: 'y' });
    const b = job(scheduler, 3, { owner: 'x' });
    expect(a.stopped, 'the running job of x').to.equal(true);
    const c = job(scheduler, 4, { owner: 'x' });
    expect(await b.result, 'the waiting job of x').to.equal('not run');
    a.finish('cut');
    expect(await a.result).to.equal('cut');
    await other.started;
    expect(other.stopped).to.equal(false);
    other.finish();
    await c.started;
    c.finish();
    expect(await c.result).to.equal('done 4');
  });

  it('a job stopped in the same batch of messages it was sent in never starts', async () => {
    const scheduler = new Scheduler();
    let ran = false;
    const result = scheduler.submit({ id: 1, priority: 'interactive', onQueue: () => {} }, async () => {
      ran = true;
      return 'ran';
    }, () => 'not run');
    scheduler.stop(1);
    expect(await result).to.equal('not run');
    expect(ran).to.equal(false);
  });

  it('a failing job rejects its own promise and the next job still runs', async () => {
    const scheduler = new Scheduler();
    const failing = scheduler.submit({ id: 1, priority: 'interactive', onQueue: () => {} }, async () => {
      throw new Error('boom');
    }, () => 'not run');
    const next = job(scheduler, 2);
    const error = await failing.then(() => null, (e: Error) => e);
    expect(error?.message).to.equal('boom');
    await next.started;
    next.finish();
    expect(await next.result).to.equal('done 2');
  });

  it('yieldIfDue lets the message loop in only after YIELD_EVERY_MS', async () => {
    const scheduler = new Scheduler();
    await scheduler.yieldIfDue();
    expect(scheduler.yieldIfDue(), 'just yielded').to.equal(undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A message that arrived before the yield (a stop) is handled before it resolves.
    let handled = false;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => (handled = true);
    channel.port2.postMessage(null);
    const due = scheduler.yieldIfDue();
    expect(due).to.be.instanceOf(Promise);
    await due;
    expect(handled).to.equal(true);
  });

  it('ranks a hidden page’s waiting jobs after a visible page’s, and re-ranks when visibility changes', async () => {
    const scheduler = new Scheduler();
    const page = { visible: false };
    const order: number[] = [];
    const first = job(scheduler, 1);
    const hidden = job(scheduler, 2, { source: page });
    const visibleBackground = job(scheduler, 3, { priority: 'background' });
    for (const j of [first, hidden, visibleBackground]) void j.started.then(() => order.push(j.id));
    await first.started;
    expect(hidden.places, 'second in line, then behind even a visible background job').to.deep.equal([1, 2]);
    page.visible = true;
    scheduler.reorder();
    expect(hidden.places, 'visible again: its interactive job goes first').to.deep.equal([1, 2, 1]);
    for (const j of [first, hidden, visibleBackground]) {
      await j.started;
      j.finish();
    }
    await visibleBackground.result;
    expect(order).to.deep.equal([1, 2, 3]);
  });

  it('pre-empts a hidden page’s running job for a visible page’s, which runs first; the hidden one then resumes', async () => {
    const scheduler = new Scheduler();
    const hiddenPage = { visible: false };
    const long = job(scheduler, 1, { source: hiddenPage });
    await long.started;
    const other = job(scheduler, 2, { source: hiddenPage });
    expect(long.preempted, 'another hidden job does not pre-empt').to.equal(false);
    const visible = job(scheduler, 3);
    expect(long.preempted).to.equal(true);
    expect(long.interrupted, 'its stop hook ran').to.equal(1);
    expect(long.stopped, 'pre-empted is not stopped').to.equal(false);
    let resumed = false;
    const turn = long.yieldTurn().then(() => (resumed = true));
    await visible.started;
    expect(resumed).to.equal(false);
    visible.finish();
    await turn;
    expect(long.preempted, 'cleared for its next slice').to.equal(false);
    long.finish('whole');
    expect(await long.result).to.equal('whole');
    await other.started;
    other.finish();
    expect(await visible.result).to.equal('done 3');
  });

  it('never pre-empts a visible page’s job, whatever waits', async () => {
    const scheduler = new Scheduler();
    const running = job(scheduler, 1, { priority: 'background' });
    await running.started;
    const urgent = job(scheduler, 2, { priority: 'interactive' });
    expect(running.preempted).to.equal(false);
    running.finish();
    await urgent.started;
    urgent.finish();
    await urgent.result;
  });

  it('a pre-empted job stopped while it waits for its turn ends as stopped when its turn comes', async () => {
    const scheduler = new Scheduler();
    const long = job(scheduler, 1, { source: { visible: false } });
    await long.started;
    const visible = job(scheduler, 2);
    const turn = long.yieldTurn();
    scheduler.stop(1);
    await visible.started;
    visible.finish();
    await turn;
    expect(long.stopped).to.equal(true);
    long.finish('partial');
    expect(await long.result).to.equal('partial');
  });
});
