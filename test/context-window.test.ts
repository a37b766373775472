import { expect } from '@open-wc/testing';
import '../dist/slm-provider.js';
import { contextLengthOf, droppableTurns, fitChat, fitText } from '../dist/engine/worker/context-window.js';
import type { ChatMessage } from '../dist/engine/shared/types.js';
import { referenceGeneration, referencePromptIds, sharedEngine } from './helpers.js';

const SYSTEM: ChatMessage = { role: 'system', content: 'You are terse.' };
const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

/** A history of `turns` question/answer pairs after the system message. */
function history(turns: number): ChatMessage[] {
  const messages = [SYSTEM];
  for (let i = 1; i <= turns; i++) {
    messages.push(user(`Question number ${i}, about topic ${i}?`), assistant(`Answer number ${i}: it depends on ${i}.`));
  }
  return messages;
}

/** The rejection of a promise (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('context window (real worker, tiny model, wasm)', () => {
  // One engine for these tests: each sends its own requests and settings and checks what comes
  // back, never how the model loaded (helpers.ts).
  const engineFixture = sharedEngine();

  it('leaves out the oldest whole turns, keeps the system message, and matches a bare pipeline on what is left', async () => {
    const engine = await engineFixture();
    const messages = [...history(4), user('And the last question?')];
    const maxNewTokens = 16;
    const full = (await referencePromptIds(messages)).length;
    const contextWindow = full - 40;
    const result = await engine.generate({ kind: 'chat', messages }, { maxNewTokens, temperature: 0 }, { contextWindow });

    expect(result.droppedMessages).to.be.greaterThan(0);
    expect(result.droppedMessages % 2, 'whole question/answer turns').to.equal(0);
    const kept = [SYSTEM, ...messages.slice(1 + result.droppedMessages)];
    expect(result.promptTokens).to.equal((await referencePromptIds(kept)).length);
    expect(result.promptTokens + maxNewTokens).to.be.at.most(contextWindow);
    // No more than needed: keeping one more turn would not fit.
    const oneMore = [SYSTEM, ...messages.slice(1 + result.droppedMessages - 2)];
    expect((await referencePromptIds(oneMore)).length + maxNewTokens).to.be.greaterThan(contextWindow);
    expect(result.text).to.equal((await referenceGeneration(kept, maxNewTokens)).text);
  });

  it('defaults to the model’s max_position_embeddings (2048 for the tiny model)', async () => {
    const engine = await engineFixture();
    const long = 'x'.repeat(700);
    const messages = [SYSTEM, user(long), assistant(long), user(long), assistant(long), user('Short question?')];
    const result = await engine.generate({ kind: 'chat', messages }, { maxNewTokens: 16, temperature: 0 });
    expect(result.droppedMessages).to.equal(2);
    expect(result.promptTokens + 16).to.be.at.most(2048);
    const kept = [SYSTEM, ...messages.slice(3)];
    expect(result.text).to.equal((await referenceGeneration(kept, 16)).text);
  });

  it('keeps a conversation’s cache useful while old turns scroll out of the window', async () => {
    const engine = await engineFixture();
    const contextWindow = 160;
    const maxNewTokens = 16;
    let messages: ChatMessage[] = [SYSTEM];
    let dropped = 0;
    for (const [i, question] of ['Hello there', 'Tell me more', 'Why is that?', 'And then?', 'Thanks, bye'].entries()) {
      messages = [...messages, user(question)];
      const result = await engine.generate({ kind: 'chat', messages }, { maxNewTokens, temperature: 0 }, {
        conversationId: 'window',
        contextWindow,
      });
      const kept = [SYSTEM, ...messages.slice(1 + result.droppedMessages)];
      expect(result.text, `turn ${i + 1}`).to.equal((await referenceGeneration(kept, maxNewTokens)).text);
      expect(result.promptTokens + maxNewTokens).to.be.at.most(contextWindow);
      // After the first turn something is always reused: the whole history, or (once turns
      // scroll out) at least the system prompt's tokens, to which the cache is cut back.
      if (i > 0) expect(result.cachedTokens, `cached tokens at turn ${i + 1}`).to.be.greaterThan(0);
      dropped = Math.max(dropped, result.droppedMessages);
      messages = [...messages, assistant(result.text)];
    }
    expect(dropped, 'the window filled up').to.be.greaterThan(0);
  });

  it('shortens the reply when only the last message fits', async () => {
    const engine = await engineFixture();
    const messages = [...history(2), user('Last one?')];
    const shortest = (await referencePromptIds([SYSTEM, messages.at(-1)!])).length;
    const contextWindow = shortest + 5;
    const result = await engine.generate({ kind: 'chat', messages }, { maxNewTokens: 24, temperature: 0 }, { contextWindow });
    expect(result.droppedMessages).to.equal(4);
    expect(result.promptTokens).to.equal(shortest);
    expect(result.tokens).to.be.at.most(5);
    expect(result.text).to.equal((await referenceGeneration([SYSTEM, messages.at(-1)!], 5)).text);
  });

  it('fails with context-overflow when the prompt alone is too long', async () => {
    const engine = await engineFixture();
    const messages = [SYSTEM, user('A very long question. '.repeat(20))];
    const error = await rejection(
      engine.generate({ kind: 'chat', messages }, { maxNewTokens: 16, temperature: 0 }, { contextWindow: 64 }),
    );
    expect(error.code).to.equal('context-overflow');
    expect(error.message).to.contain('64');
    // The engine is fine afterwards.
    const ok = await engine.generate({ kind: 'chat', messages: [user('Hi')] }, { maxNewTokens: 4, temperature: 0 });
    expect(ok.reason).to.be.oneOf(['eos', 'length']);
  });

  it('keeps the end of a completion prompt that does not fit', async () => {
    const engine = await engineFixture();
    // ASCII only: the tiny model's tokenizer is byte-level, one token per character.
    const prompt = 'The quick brown fox jumps over the lazy dog. '.repeat(4);
    const contextWindow = 64;
    const maxNewTokens = 16;
    const result = await engine.generate({ kind: 'text', prompt }, { maxNewTokens, temperature: 0 }, { contextWindow });
    expect(result.droppedMessages).to.equal(0);
    expect(result.promptTokens).to.equal(contextWindow - maxNewTokens);
    expect(result.text).to.equal((await referenceGeneration(prompt.slice(-(contextWindow - maxNewTokens)), maxNewTokens)).text);
  });

  it('refuses a contextWindow that is not a positive whole number', async () => {
    const engine = await engineFixture();
    const error = await rejection(
      engine.generate({ kind: 'text', prompt: 'Hi' }, { maxNewTokens: 4, temperature: 0 }, { contextWindow: 0.5 }),
    );
    expect(error.code).to.equal('invalid-option');
    expect(error.message).to.contain('contextWindow');
  });
});

describe('fitChat (units)', () => {
  // A fake chat template: every message costs 4 tokens plus one per character; the generation prompt 3.
  const encode = (messages: ChatMessage[]) =>
    new Array<number>(messages.reduce((sum, m) => sum + 4 + m.content.length, 3)).fill(0);
  const tokens = (messages: ChatMessage[]) => encode(messages).length;

  it('leaves a conversation that fits untouched', () => {
    const messages = [...history(2), user('Now?')];
    const fit = fitChat(messages, encode, 10, tokens(messages) + 10);
    expect(fit).to.deep.include({ messages, droppedMessages: 0, maxNewTokens: 10 });
  });

  it('drops the fewest oldest turns that make it fit, for every window size', () => {
    const messages = [...history(6), user('Now?')];
    const withoutTurns = (n: number) => [SYSTEM, ...messages.slice(1 + 2 * n)];
    for (let window = tokens(withoutTurns(6)) + 10; window <= tokens(messages) + 10; window++) {
      // The linear definition: drop turns one by one, oldest first, until it fits.
      let expected = 0;
      while (tokens(withoutTurns(expected)) + 10 > window) expected++;
      const fit = fitChat(messages, encode, 10, window);
      expect(fit.droppedMessages, `window ${window}`).to.equal(2 * expected);
      expect(fit.messages).to.deep.equal(withoutTurns(expected));
      expect(fit.maxNewTokens).to.equal(10);
    }
  });

  it('never drops system messages, the last user message, or what follows it', () => {
    const messages = [SYSTEM, user('one'), assistant('two'), user('last'), assistant('prefill')];
    expect(droppableTurns(messages)).to.deep.equal([[1, 2]]);
    const fit = fitChat(messages, encode, 1, tokens([SYSTEM, user('last'), assistant('prefill')]) + 1);
    expect(fit.messages).to.deep.equal([SYSTEM, user('last'), assistant('prefill')]);
  });

  it('treats a leading assistant greeting as a turn of its own', () => {
    expect(droppableTurns([SYSTEM, assistant('Hi!'), user('a'), assistant('b'), user('c')])).to.deep.equal([[1], [2, 3]]);
    expect(droppableTurns([assistant('Hi!'), assistant('Anyone?')])).to.deep.equal([[0]]);
  });

  it('shortens the reply budget, then refuses, when the last message alone is too long', () => {
    const messages = [...history(1), user('Now?')];
    const shortest = tokens([SYSTEM, user('Now?')]);
    const fit = fitChat(messages, encode, 50, shortest + 7);
    expect(fit).to.deep.include({ droppedMessages: 2, maxNewTokens: 7 });
    let error: { code?: string } | undefined;
    try {
      fitChat(messages, encode, 50, shortest);
    } catch (thrown) {
      error = thrown as { code?: string };
    }
    expect(error?.code).to.equal('context-overflow');
  });
});

describe('fitText (units)', () => {
  const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('keeps the end of the prompt', () => {
    expect(fitText(ids, 4, 20)).to.deep.equal({ ids, droppedTokens: 0, maxNewTokens: 4 });
    expect(fitText(ids, 4, 10)).to.deep.equal({ ids: [5, 6, 7, 8, 9, 10], droppedTokens: 4, maxNewTokens: 4 });
  });

  it('keeps a leading BOS token', () => {
    expect(fitText(ids, 4, 10, 1)).to.deep.equal({ ids: [1, 6, 7, 8, 9, 10], droppedTokens: 4, maxNewTokens: 4 });
  });

  it('shares the window when the reply budget alone fills it', () => {
    expect(fitText([1, 2, 3], 100, 10)).to.deep.equal({ ids: [1, 2, 3], droppedTokens: 0, maxNewTokens: 7 });
    expect(fitText(ids, 100, 8)).to.deep.equal({ ids: [7, 8, 9, 10], droppedTokens: 6, maxNewTokens: 4 });
  });
});

describe('contextLengthOf (units)', () => {
  it('reads the context length under its usual names', () => {
    expect(contextLengthOf({ max_position_embeddings: 2048 })).to.equal(2048);
    expect(contextLengthOf({ n_positions: 1024 })).to.equal(1024);
    expect(contextLengthOf({ text_config: { max_position_embeddings: 4096 } })).to.equal(4096);
    expect(contextLengthOf({})).to.equal(Infinity);
  });
});
