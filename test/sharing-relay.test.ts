/**
 * `share="origin"` in a browser without `SharedWorker` (Chrome on Android, or one that cannot
 * start): the tabs elect a host with Web Locks and reach its worker over a `BroadcastChannel`
 * (`src/engine/page/relay.ts`). Real tabs of one browser context, the real worker, transformers.js
 * and Cache Storage; replies compared with a bare pipeline.
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
import { type Tab, events, inTab, replyUnderWay, send, setUp, stats, tabsOfEachTest } from './tabs.js';

/** The conversation a tab's chat holds, without its last reply: what that reply answered. */
function historyBeforeLastReply(tab: Tab) {
  return inTab(tab, () => {
    const chat = document.querySelector('slm-chat') as HTMLElement & { messages: { role: string; content: string }[] };
    return chat.messages.slice(0, -1).map(({ role, content }) => ({ role, content }));
  });
}

describe('share="origin" without a shared worker: one tab hosts, the others relay', function () {
  this.timeout(300_000);
  failOnLitDevWarnings();
  const opened = tabsOfEachTest();
  const track = opened.open;

  it('three tabs: one download, one worker, every reply equal to a bare pipeline, no tab hears another', async () => {
    await referenceGeneration('warm up', 1);
    await clearModelCache();
    await resetRequestCounts();
    const tabs = [await track(), await track(), await track()];
    await setUp(tabs[0]!, { without: ['SharedWorker'] });
    await setUp(tabs[1]!, { without: ['SharedWorker'] });
    await setUp(tabs[2]!, { without: ['SharedWorker'], standalone: true });

    const first = await Promise.all(tabs.map((tab, i) => send(tab, `Hello from tab ${i}`)));
    for (const [i, result] of first.entries()) {
      expect(result.reply, `tab ${i}`).to.equal((await referenceGeneration([{ role: 'user', content: `Hello from tab ${i}` }], 12)).text);
    }
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
    expect(counts[`${MODEL_BASE}${MODEL}/onnx/model.onnx`], 'the weights were downloaded once').to.equal(1);
    expect(counts['/dist/engine/worker/worker.js'], 'one model worker, in the host tab').to.equal(1);
    expect(counts['/dist/engine/worker/shared-worker.js']).to.equal(undefined);
    for (const tab of tabs.slice(0, 2)) expect((await stats(tab)).conversations, 'one engine holds all three').to.equal(3);
    for (const tab of tabs) {
      const heard = (await events(tab)).map((event) => event.type);
      expect(heard).to.include('slm-ready');
      expect(heard).to.not.include('slm-error');
      expect(heard).to.not.include('slm-warning');
      // Each chat holds its own turns only.
      const texts = await inTab(tab, () =>
        (document.querySelector('slm-chat') as HTMLElement & { messages: { role: string; content: string }[] }).messages
          .filter((message) => message.role === 'user')
          .map((message) => message.content),
      );
      expect(texts).to.deep.equal([`Hello from tab ${tabs.indexOf(tab)}`, `And again, tab ${tabs.indexOf(tab)}`]);
    }
  });

  it('the host tab closes: another takes over from Cache Storage, a waiting request runs there, a streaming one ends with a code, conversations go on', async () => {
    const [a, b, c] = [await track(), await track(), await track()];
    await setUp(a!, { without: ['SharedWorker'] });
    await setUp(b!, { without: ['SharedWorker'], maxNewTokens: 400 });
    await setUp(c!, { without: ['SharedWorker'] });
    // A asks first, so A hosts.
    await send(a!, 'Hello from A');
    const firstC = await send(c!, 'First from C');
    const streaming = send(b!, 'A long one from B');
    await replyUnderWay(b!, 5);
    // C's next request waits behind B's reply when the host goes (no unload handlers run, as after a crash).
    const waiting = send(c!, 'Second from C');
    await resetRequestCounts();
    await opened.close(a!);

    const cut = await streaming;
    expect([cut.reason, cut.code], 'the reply that was streaming ends with a coded error').to.deep.equal(['error', 'worker-failed']);
    const next = await waiting;
    expect(next.code, 'the waiting request ran on the new host').to.equal(undefined);
    expect(next.reply).to.equal(
      (await referenceGeneration([
        { role: 'user', content: 'First from C' },
        { role: 'assistant', content: firstC.reply },
        { role: 'user', content: 'Second from C' },
      ], 12)).text,
    );
    // B asks again: the conversation goes on (its transcript, sent again, rebuilds the cache).
    const again = await send(b!, 'Once more from B');
    expect(again.code).to.equal(undefined);
    expect(again.reply).to.equal((await referenceGeneration(await historyBeforeLastReply(b!), 400)).text);

    const counts = await requestCounts();
    expect(Object.keys(counts).filter((path) => path.startsWith(MODEL_BASE)), 'the model came from Cache Storage').to.deep.equal([]);
    expect(counts['/dist/engine/worker/worker.js'], 'one new worker, in the new host tab').to.equal(1);
    for (const tab of [b!, c!]) expect((await events(tab)).map((event) => event.type)).to.not.include('slm-warning');
  });
});
