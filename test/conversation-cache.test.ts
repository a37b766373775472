import { expect } from '@open-wc/testing';
import {
  ConversationCacheStore,
  longestCommonPrefix,
  planCacheReuse,
} from '../dist/engine/worker/conversation-cache.js';
import { cropSequenceAxis } from '../dist/engine/worker/kv-cache.js';
import type { ChatMessage, GenerationResult } from '../dist/engine/shared/types.js';
import {
  MODEL,
  MODEL_BASE,
  clearModelCache,
  commonPrefixLength,
  referenceGeneration,
  referencePromptIds,
  requestCounts,
  resetRequestCounts,
  sharedEngine,
} from './helpers.js';
import { GREEDY, MAX, SYSTEM, engineFixture, reusable, turn } from './conversation-turns.js';

describe('conversation KV cache (real worker, tiny model, wasm)', () => {
  // One engine for the tests that each keep to conversations of their own and never look at how
  // the model loaded (helpers.ts); the last one needs a model that is not loaded yet.
  const sharedEngineOf = sharedEngine();

  it('reuses the previous turn over five turns and matches a bare pipeline every time', async () => {
    const engine = sharedEngineOf();
    let history: ChatMessage[] = [SYSTEM];
    let previous: GenerationResult | undefined;
    for (const [i, user] of ['Hello there', 'Tell me more', 'Why is that?', 'And then?', 'Thanks, bye'].entries()) {
      const { messages, result } = await turn(engine, history, user, 'five-turns');
      expect(result.cachedTokens, `cached tokens at turn ${i + 1}`).to.equal(previous ? reusable(previous) : 0);
      history = messages;
      previous = result;
    }
  });

  it('reports no cached tokens without a conversation id', async () => {
    const engine = sharedEngineOf();
    let history: ChatMessage[] = [SYSTEM];
    for (const user of ['Hello there', 'Tell me more']) {
      const { messages, result } = await turn(engine, history, user, undefined);
      expect(result.cachedTokens).to.equal(0);
      history = messages;
    }
  });

  it('keeps a chat cache intact across a completion between two turns', async () => {
    const engine = sharedEngineOf();
    const first = await turn(engine, [SYSTEM], 'Hello there', 'with-completion');
    const prompt = 'Once upon a time';
    const completion = await engine.generate({ kind: 'text', prompt }, GREEDY);
    expect(completion.text).to.equal((await referenceGeneration(prompt, MAX)).text);
    expect(completion.cachedTokens).to.equal(0);
    expect(completion.droppedMessages).to.equal(0);
    const second = await turn(engine, first.messages, 'Tell me more', 'with-completion');
    expect(second.result.cachedTokens).to.be.greaterThan(0);
    expect(second.result.cachedTokens).to.equal(reusable(first.result));
  });

  it('keeps two interleaved conversations apart', async () => {
    const engine = sharedEngineOf();
    const a = await turn(engine, [SYSTEM], 'Hello there', 'a');
    const b = await turn(engine, [], 'Something else entirely', 'b');
    const a2 = await turn(engine, a.messages, 'Tell me more', 'a');
    const b2 = await turn(engine, b.messages, 'Go on', 'b');
    expect(a2.result.cachedTokens).to.equal(reusable(a.result));
    expect(b2.result.cachedTokens).to.equal(reusable(b.result));
  });

  it('cuts the cache back to the common prefix when an earlier message changes', async () => {
    const engine = sharedEngineOf();
    const first = await turn(engine, [SYSTEM], 'What is a cat?', 'edited');
    const second = await turn(engine, first.messages, 'And a dog?', 'edited');
    // The user edits the first question and asks again from there.
    const edited = await turn(engine, [SYSTEM], 'What is a cow?', 'edited');
    const sharedPrefix = commonPrefixLength(
      await referencePromptIds(second.messages.slice(0, -1)),
      await referencePromptIds(edited.messages.slice(0, -1)),
    );
    expect(sharedPrefix, 'system prompt and the start of the question are shared').to.be.greaterThan(10);
    // On wasm the cache is cropped to the shared prefix (WebGPU rebuilds: cachedTokens 0).
    expect(edited.result.cachedTokens).to.equal(sharedPrefix);
    // The cropped cache serves the next turn in full again.
    const next = await turn(engine, edited.messages, 'And a horse?', 'edited');
    expect(next.result.cachedTokens).to.equal(reusable(edited.result));
  });

  it('regenerates a reply from the cache minus one token', async () => {
    const engine = sharedEngineOf();
    const first = await turn(engine, [SYSTEM], 'Hello there', 'regenerate');
    // The user asks for another answer to the same question: the history without the reply.
    const again = await turn(engine, [SYSTEM], 'Hello there', 'regenerate');
    // Same prompt as before: all of it is cached, but one token must be run for the first logits.
    expect(again.result.cachedTokens).to.equal(first.result.promptTokens - 1);
    expect(again.result.text).to.equal(first.result.text);
  });

  it('keeps the cache of a stopped reply consistent with the partial text', async () => {
    const engine = sharedEngineOf();
    const messages: ChatMessage[] = [SYSTEM, { role: 'user', content: 'Go on and on' }];
    const abort = new AbortController();
    let seen = 0;
    const stopped = await engine.generate({ kind: 'chat', messages }, { maxNewTokens: 400, temperature: 0 }, {
      conversationId: 'stopped',
      signal: abort.signal,
      onToken: () => {
        if (++seen === 5) abort.abort();
      },
    });
    expect(stopped.reason).to.equal('stopped');
    expect(stopped.tokens).to.be.lessThan(400);
    const history = [...messages, { role: 'assistant', content: stopped.text } as ChatMessage];
    const next = await turn(engine, history, 'Please continue', 'stopped');
    expect(next.result.cachedTokens).to.equal(reusable(stopped));
  });

  it('frees a released conversation: its next turn starts from scratch', async () => {
    const engine = sharedEngineOf();
    const first = await turn(engine, [SYSTEM], 'Hello there', 'released');
    engine.releaseConversation('released');
    const second = await turn(engine, first.messages, 'Tell me more', 'released');
    expect(second.result.cachedTokens).to.equal(0);
    const third = await turn(engine, second.messages, 'Why is that?', 'released');
    expect(third.result.cachedTokens).to.equal(reusable(second.result));
  });

  it('keeps no cache for a reply that was running when its conversation was released', async () => {
    const engine = sharedEngineOf();
    await engine.load();
    const messages: ChatMessage[] = [SYSTEM, { role: 'user', content: 'Hello there' }];
    const running = engine.generate({ kind: 'chat', messages }, GREEDY, { conversationId: 'released-while-running' });
    engine.releaseConversation('released-while-running');
    const first = await running;
    const next = await turn(
      engine,
      [...messages, { role: 'assistant', content: first.text }],
      'Tell me more',
      'released-while-running',
    );
    expect(next.result.cachedTokens).to.equal(0);
  });

  it('keeps no cache for a reply that was waiting for the model when its conversation was released', async () => {
    // Not the shared engine: this one must not be loaded yet.
    const { engine } = await engineFixture();
    const messages: ChatMessage[] = [SYSTEM, { role: 'user', content: 'Hello there' }];
    // Not loaded yet: the request reaches the worker only after the load, the release at once.
    const waiting = engine.generate({ kind: 'chat', messages }, GREEDY, { conversationId: 'released-while-loading' });
    engine.releaseConversation('released-while-loading');
    const first = await waiting;
    expect(first.cachedTokens).to.equal(0);
    const next = await turn(
      engine,
      [...messages, { role: 'assistant', content: first.text }],
      'Tell me more',
      'released-while-loading',
    );
    expect(next.result.cachedTokens).to.equal(0);
  });
});

describe('isCached() and downloadSize() (real worker, tiny model)', () => {
  it('tell a first visit from a cached model without loading it', async () => {
    const weights = Number((await fetch(`${MODEL_BASE}${MODEL}/onnx/model.onnx`, { method: 'HEAD' })).headers.get('content-length'));
    expect(weights).to.be.greaterThan(0);
    await clearModelCache();
    await resetRequestCounts();
    const { provider, engine } = await engineFixture();
    expect(await engine.isCached()).to.equal(false);
    const size = await engine.downloadSize();
    // At least the weights (onnx/model.onnx) are still to come.
    expect(size).to.be.a('number');
    expect(size!).to.be.at.least(weights);
    // Neither query loaded the model: no weights were downloaded and the engine is still idle.
    expect(provider.status).to.equal('idle');
    const counts = await requestCounts();
    expect(counts[`${MODEL_BASE}${MODEL}/onnx/model.onnx`] ?? 0, 'weight downloads').to.equal(0);

    await provider.load();
    expect(await engine.isCached()).to.equal(true);
    expect(await engine.downloadSize()).to.equal(0);
    // Asking first costs no extra download: what the queries fetched (config.json) was cached.
    const downloads = Object.entries(await requestCounts()).filter(
      ([path]) => path.startsWith(`${MODEL_BASE}${MODEL}/`) && !path.endsWith('(range)'),
    );
    expect(downloads.map(([path]) => path)).to.include(`${MODEL_BASE}${MODEL}/onnx/model.onnx`);
    for (const [path, times] of downloads) expect(times, `${path} downloads`).to.equal(1);
  });

  it('rejects like a load for a model that does not exist, or none at all', async () => {
    const { engine } = await engineFixture('no-such-model');
    const failure = await engine.isCached().then(
      () => null,
      (error: { code: string; message: string }) => error,
    );
    expect(failure?.code).to.equal('model-not-found');
    expect(failure?.message).to.contain('no-such-model');
    const sizeFailure = await engine.downloadSize().catch((error: { code: string }) => error);
    expect((sizeFailure as { code: string }).code).to.equal('model-not-found');

    // An explicit dtype whose weights the model does not ship fails as the load would.
    const { provider: q4 } = await engineFixture();
    q4.dtype = 'q4';
    await q4.updateComplete;
    const missing = await q4.engine.isCached().catch((error: { code: string; message: string }) => error);
    expect((missing as { code: string }).code).to.equal('model-file-missing');
    expect((missing as { message: string }).message).to.contain('model_q4.onnx');

    const { engine: empty } = await engineFixture('');
    const none = await empty.isCached().catch((error: { code: string }) => error);
    expect((none as { code: string }).code).to.equal('no-model');
  });
});

describe('conversation cache rules (units)', () => {
  it('measures the common prefix of two token lists', () => {
    expect(longestCommonPrefix([1, 2, 3], [1, 2, 4])).to.equal(2);
    expect(longestCommonPrefix([1, 2], [1, 2, 3])).to.equal(2);
    expect(longestCommonPrefix([], [1])).to.equal(0);
  });

  it('reuses a cache that covers a proper prefix of the prompt', () => {
    expect(planCacheReuse([1, 2, 3], [1, 2, 3, 4, 5], true)).to.deep.equal({ action: 'reuse', cachedTokens: 3 });
    expect(planCacheReuse([1, 2, 3], [1, 2, 3, 4, 5], false)).to.deep.equal({ action: 'reuse', cachedTokens: 3 });
    expect(planCacheReuse(undefined, [1, 2], true)).to.deep.equal({ action: 'none', cachedTokens: 0 });
  });

  it('crops to the common prefix on CPU, rebuilds otherwise', () => {
    expect(planCacheReuse([1, 2, 3, 9], [1, 2, 3, 4, 5], true)).to.deep.equal({ action: 'crop', cachedTokens: 3 });
    expect(planCacheReuse([1, 2, 3, 9], [1, 2, 3, 4, 5], false)).to.deep.equal({ action: 'rebuild', cachedTokens: 0 });
    expect(planCacheReuse([7, 2, 3], [1, 2, 3, 4], true)).to.deep.equal({ action: 'rebuild', cachedTokens: 0 });
  });

  it('always leaves the last prompt token to be run', () => {
    // A prompt equal to the cached ids (or shorter) still needs one forward pass for its logits.
    expect(planCacheReuse([1, 2, 3], [1, 2, 3], true)).to.deep.equal({ action: 'crop', cachedTokens: 2 });
    expect(planCacheReuse([1, 2, 3, 4], [1, 2, 3], true)).to.deep.equal({ action: 'crop', cachedTokens: 2 });
    expect(planCacheReuse([1, 2, 3], [1, 2, 3], false)).to.deep.equal({ action: 'rebuild', cachedTokens: 0 });
  });

  it('crops the sequence axis of a [batch, heads, sequence, dim] tensor', () => {
    // 1 × 2 heads × 3 positions × 2 values: head h, position p, value v = 100h + 10p + v.
    const data = Float32Array.from([0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]);
    const cropped = cropSequenceAxis(data, [1, 2, 3, 2], 2);
    expect(cropped.dims).to.deep.equal([1, 2, 2, 2]);
    expect([...cropped.data]).to.deep.equal([0, 1, 10, 11, 100, 101, 110, 111]);
    expect(cropped.data).to.be.instanceOf(Float32Array);
    expect(() => cropSequenceAxis(data, [1, 2, 3, 2], 4)).to.throw(RangeError);
  });
});

describe('ConversationCacheStore', () => {
  /** A fake cache that records its disposal. */
  const fake = (name: string, disposed: string[]) => ({ name, dispose: () => void disposed.push(name) });
  const entry = (cache: ReturnType<typeof fake>, bytes = 10) => ({ cache, ids: [1, 2, 3], bytes });

  /** One generation's use of the store: check out, replace the cache (disposing the old one), check in. */
  async function put(store: ConversationCacheStore<ReturnType<typeof fake>>, id: string, cache: ReturnType<typeof fake>, bytes = 10) {
    const lease = store.checkOut(id, store.ticket(id));
    if (lease.entry && lease.entry.cache !== cache) await lease.entry.cache.dispose();
    await store.checkIn(lease, entry(cache, bytes));
  }

  it('lends a cache to one generation at a time', async () => {
    const disposed: string[] = [];
    const store = new ConversationCacheStore<ReturnType<typeof fake>>();
    await put(store, 'c', fake('one', disposed));
    const lease = store.checkOut('c', store.ticket('c'));
    expect(lease.entry?.cache.name).to.equal('one');
    // While it is out, a second generation of the same conversation gets nothing...
    const second = store.checkOut('c', store.ticket('c'));
    expect(second.entry).to.equal(undefined);
    // ...and the superseded first lease cannot bring its cache back: it is disposed.
    await store.checkIn(lease, lease.entry!);
    expect(disposed).to.deep.equal(['one']);
    await store.checkIn(second, entry(fake('two', disposed)));
    expect(store.has('c')).to.equal(true);
  });

  it('evicts the least recently used caches beyond the limits, and disposes them', async () => {
    const disposed: string[] = [];
    const store = new ConversationCacheStore<ReturnType<typeof fake>>({ maxConversations: 2, maxBytes: 100 });
    await put(store, 'a', fake('a', disposed));
    await put(store, 'b', fake('b', disposed));
    // Using `a` again makes `b` the least recently used.
    await put(store, 'a', fake('a2', disposed));
    expect(disposed).to.deep.equal(['a']);
    await put(store, 'c', fake('c', disposed));
    expect(disposed).to.deep.equal(['a', 'b']);
    expect(store.size).to.equal(2);
    // By bytes: one big cache pushes out the others, but is kept itself even above the budget.
    await put(store, 'big', fake('big', disposed), 150);
    expect(disposed).to.deep.equal(['a', 'b', 'a2', 'c']);
    expect(store.has('big')).to.equal(true);
    expect(store.bytes).to.equal(150);
  });

  it('voids the lease of a generation queued before a release', async () => {
    const disposed: string[] = [];
    const store = new ConversationCacheStore<ReturnType<typeof fake>>();
    await put(store, 'c', fake('old', disposed));
    const ticket = store.ticket('c');
    await store.release('c');
    expect(disposed).to.deep.equal(['old']);
    const lease = store.checkOut('c', ticket);
    expect(lease.entry).to.equal(undefined);
    await store.checkIn(lease, entry(fake('late', disposed)));
    expect(disposed).to.deep.equal(['old', 'late']);
    expect(store.has('c')).to.equal(false);
    // A generation queued after the release keeps its cache again.
    await put(store, 'c', fake('new', disposed));
    expect(store.has('c')).to.equal(true);
  });
});
