/**
 * The worker's scheduler on its own (`src/engine/worker/scheduler.ts`): priorities, owners,
 * cancellation and queue places, with jobs that the test finishes by hand. `test/scheduler.test.ts`
 * checks the same rules through the real engine and model.
 */
import { expect } from '@open-wc/testing';
import { Scheduler, type JobRequest, type RunningJob } from '../dist/engine/worker/scheduler.js';

/** A job the test controls: it runs until `finish()`; records its queue places and stops. */
function job(scheduler: Scheduler, id: number, options: Partial<Pick<JobRequest, 'priority' | 'owner'>> = {}) {
  const places: number[] = [];
  let finish: (value: string) => void = () => {};
  let running: RunningJob | undefined;
  let interrupted = 0;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const result = scheduler.submit(
    { id, priority: options.priority ?? 'interactive', owner: options.owner, onQueue: (ahead) => places.push(ahead) },
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
});
