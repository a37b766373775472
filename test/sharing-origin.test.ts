/**
 * `share="origin"`: every tab of the site that asks for the same model configuration uses one
 * engine, in a shared worker. Several real tabs of one browser context (`test/server/tabs.mjs`),
 * the real shared worker, transformers.js and Cache Storage; replies compared with a bare pipeline.
 */
import { expect } from '@open-wc/testing';
import {
  MODEL,
  MODEL_BASE,
  clearModelCache,
  failOnLitDevWarnings,
  referenceGeneration,
  requestCounts,
  resetRequestCounts,
} from './helpers.js';
import { events, inTab, replyUnderWay, send, setUp, stats, tabsOfEachTest } from './tabs.js';

describe('share="origin": one engine for every tab of the site', function () {
  this.timeout(300_000);
  failOnLitDevWarnings();
  const opened = tabsOfEachTest();
  const track = opened.open;

  it('three tabs: one download, one engine, every reply equal to a bare pipeline, conversations kept apart', async () => {
    // The reference pipeline (in this page) loads the model first, so its requests are not counted.
    await referenceGeneration('warm up', 1);
    await clearModelCache();
    await resetRequestCounts();
    const tabs = [await track(), await track(), await track()];
    await setUp(tabs[0]!);
    await setUp(tabs[1]!);
    // An element without a provider shares the same engine when its settings are the same.
    await setUp(tabs[2]!, { standalone: true });

    const first = await Promise.all(tabs.map((tab, i) => send(tab, `Hello from tab ${i}`)));
    for (const [i, result] of first.entries()) {
      expect(result.reply, `tab ${i}`).to.equal((await referenceGeneration([{ role: 'user', content: `Hello from tab ${i}` }], 12)).text);
    }
    // Every tab has a conversation called `slm-chat-1`: their caches must not mix. A second turn
    // reuses each tab's own cache and still equals the bare pipeline on that tab's history.
    const second = await Promise.all(tabs.map((tab, i) => send(tab, `And again, tab ${i}`)));
    for (const [i, result] of second.entries()) {
      const history = [
        { role: 'user', content: `Hello from tab ${i}` },
        { role: 'assistant', content: first[i]!.reply },
        { role: 'user', content: `And again, tab ${i}` },
      ];
      expect(result.reply, `tab ${i}, turn 2`).to.equal((await referenceGeneration(history, 12)).text);
      expect(result.cachedTokens, `tab ${i} reused its own cache`).to.be.greaterThan(0);
    }

    const counts = await requestCounts();
    expect(counts[`${MODEL_BASE}${MODEL}/onnx/model.onnx`], `the weights were downloaded once: ${JSON.stringify(Object.entries(counts).filter(([path]) => /models|worker|ort/.test(path)))}`).to.equal(1);
    expect(counts['/dist/engine/worker/shared-worker.js'], 'one shared worker').to.equal(1);
    expect(counts['/dist/engine/worker/worker.js'], 'no worker of a tab’s own').to.equal(undefined);
    // One engine: each tab sees the three conversations the shared worker holds.
    for (const tab of tabs.slice(0, 2)) expect((await stats(tab)).conversations).to.equal(3);
    // Every tab heard that the model is ready, and nobody heard an error or a warning.
    for (const tab of tabs) {
      const heard = (await events(tab)).map((event) => event.type);
      expect(heard).to.include('slm-ready');
      expect(heard).to.not.include('slm-error');
      expect(heard).to.not.include('slm-warning');
    }
  });

  it('closing the tab that started the worker mid-reply: the others go on, with no network, and its cache is freed', async () => {
    const [a, b, c] = [await track(), await track(), await track()];
    for (const tab of [a, b, c]) await setUp(tab!, { maxNewTokens: 400 });
    const firstB = await send(b!, 'First from B');
    const firstC = await send(c!, 'First from C');
    // A's reply is streaming when its tab goes away (no unload handlers run, as after a crash).
    void send(a!, 'A long one').catch(() => {});
    await replyUnderWay(a!, 5);
    expect((await stats(b!)).conversations).to.equal(2);
    await resetRequestCounts();
    await opened.close(a!);

    for (const [tab, first, name] of [[b!, firstB, 'B'], [c!, firstC, 'C']] as const) {
      const next = await send(tab, `Second from ${name}`);
      const history = [
        { role: 'user', content: `First from ${name}` },
        { role: 'assistant', content: first.reply },
        { role: 'user', content: `Second from ${name}` },
      ];
      expect(next.reply).to.equal((await referenceGeneration(history, 400)).text);
      expect(next.cachedTokens, 'the conversation went on where it was').to.be.greaterThan(0);
    }
    const counts = await requestCounts();
    expect(Object.keys(counts).filter((path) => path.startsWith(MODEL_BASE)), 'nothing downloaded again').to.deep.equal([]);
    // The worker noticed A was gone (its Web Lock was released) and freed A's conversation.
    const start = performance.now();
    while ((await stats(b!)).conversations !== 2 && performance.now() - start < 10_000) await new Promise((r) => setTimeout(r, 100));
    expect((await stats(b!)).conversations, 'B and C keep theirs; A’s is gone').to.equal(2);
  });

  it('a hidden tab’s long reply gives way to a visible tab’s request, then finishes unchanged', async () => {
    const [hidden, visible] = [await track(), await track()];
    await setUp(hidden!, { maxNewTokens: 1500 });
    await setUp(visible!, { maxNewTokens: 8 });
    await send(visible!, 'Warm up');
    await inTab(hidden!, () => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const long = send(hidden!, 'Tell me everything');
    // Once the long reply is under way, the visible tab asks.
    await replyUnderWay(hidden!, 20);
    const short = await send(visible!, 'Quick question');
    const longDone = await long;
    expect(short.at, 'the visible tab was answered before the hidden tab’s reply ended').to.be.lessThan(longDone.at);
    expect(short.reply).to.equal((await referenceGeneration([
      { role: 'user', content: 'Warm up' },
      { role: 'assistant', content: (await referenceGeneration([{ role: 'user', content: 'Warm up' }], 8)).text },
      { role: 'user', content: 'Quick question' },
    ], 8)).text);
    // Paused and resumed, the hidden tab's reply is exactly what it would have been in one go.
    expect(longDone.reply).to.equal((await referenceGeneration([{ role: 'user', content: 'Tell me everything' }], 1500)).text);
  });

  it('stop in one tab stops only that tab’s request', async () => {
    const [a, b] = [await track(), await track()];
    await setUp(a!, { maxNewTokens: 1500 });
    await setUp(b!, { maxNewTokens: 12 });
    await send(b!, 'Warm up');
    const aReply = send(a!, 'A long answer please');
    await replyUnderWay(a!, 5);
    // B's request waits behind A's; then A stops.
    const bReply = send(b!, 'Mine continues');
    await inTab(a!, () => (document.querySelector('slm-chat') as HTMLElement & { stop(): void }).stop());
    expect((await aReply).reason).to.equal('stopped');
    const b2 = await bReply;
    expect(b2.reason).to.not.equal('stopped');
    expect(b2.reply).to.not.equal('');
  });

  it('where no shared worker starts, the tabs share one tab’s worker; without Web Locks a page runs its own, with slm-warning', async () => {
    await resetRequestCounts();
    const tab = await track();
    // A shared worker whose script cannot be loaded (as under a policy that refuses it).
    await inTab(tab, () => {
      const Real = SharedWorker;
      (window as unknown as { SharedWorker: unknown }).SharedWorker = class extends Real {
        constructor(_url: string | URL, options?: WorkerOptions) {
          super('/no-such-shared-worker.js', options);
        }
      };
    });
    await setUp(tab);
    const result = await send(tab, 'Anyone?');
    expect(result.reply).to.equal((await referenceGeneration([{ role: 'user', content: 'Anyone?' }], 12)).text);
    let heard = await events(tab);
    expect(heard.map((event) => event.type)).to.not.include('slm-error');
    expect(heard.map((event) => event.type), 'still shared: nothing to warn about').to.not.include('slm-warning');
    expect((await requestCounts())['/dist/engine/worker/worker.js'], 'a worker in this (host) tab').to.equal(1);

    // No SharedWorker at all: this tab relays to the first one's worker.
    const bare = await track();
    await setUp(bare, { without: ['SharedWorker'] });
    expect((await send(bare, 'Anyone?')).reply).to.equal(result.reply);
    expect((await events(bare)).map((event) => event.type)).to.not.include('slm-warning');
    expect((await requestCounts())['/dist/engine/worker/worker.js'], 'no second worker').to.equal(1);
    expect((await stats(bare)).conversations, 'one engine').to.equal(2);

    // Neither SharedWorker nor Web Locks: a worker of the page's own, with a warning.
    const alone = await track();
    await setUp(alone, { without: ['SharedWorker', 'locks'] });
    expect((await send(alone, 'Anyone?')).reply).to.equal(result.reply);
    heard = await events(alone);
    expect(heard.filter((event) => event.type === 'slm-warning').map((event) => event.code)).to.deep.equal(['share-unavailable']);
    expect(heard.map((event) => event.type)).to.not.include('slm-error');
    expect((await requestCounts())['/dist/engine/worker/worker.js'], 'the page’s own worker').to.equal(2);
  });
});
