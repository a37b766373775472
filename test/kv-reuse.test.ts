/**
 * Proof that a conversation's KV cache saves work: the tokens that actually go through the model's
 * forward pass, counted where transformers.js hands them to ONNX Runtime (`fixtures/counting-worker.ts`),
 * not taken from the engine's own `cachedTokens`. Turn N must feed the model only what is new
 * since turn N−1, whatever the length of the history.
 */
import { expect } from '@open-wc/testing';
import { LocalEngine } from '../dist/engine/page/local-engine.js';
import { WorkerClient } from '../dist/engine/page/worker-client.js';
import type { ChatMessage } from '../dist/engine/shared/types.js';
import { MODEL, MODEL_BASE, commonPrefixLength, failOnLitDevWarnings, referencePromptIds } from './helpers.js';

/** An engine on the real worker that records the sequence length of every forward pass. */
function countingEngine() {
  const forwards: number[] = [];
  const engine = new LocalEngine(() => {
    const worker = new Worker(new URL('./fixtures/counting-worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<{ type: string; tokens: number }>) => {
      if (event.data?.type === 'test-forward') forwards.push(event.data.tokens);
    });
    return new WorkerClient(worker);
  });
  engine.configure({ model: MODEL, modelBaseUrl: new URL(MODEL_BASE, location.href).href, device: 'wasm', dtype: 'fp32', share: 'page' });
  return { engine, forwards };
}

describe('KV cache reuse (tokens through the forward pass)', () => {
  failOnLitDevWarnings();

  it('turn N feeds the model only its new tokens plus one, and a request without the cache feeds all of them', async () => {
    const { engine, forwards } = countingEngine();
    try {
      await engine.load();
      const system: ChatMessage = { role: 'system', content: 'You are a terse assistant.' };
      const history: ChatMessage[] = [system];
      let previousPrompt: number[] = [];
      let previousReply: number[] = [];
      for (let turn = 1; turn <= 4; turn++) {
        history.push({ role: 'user', content: `Question number ${turn}: what comes after ${turn * 7}?` });
        const prompt = await referencePromptIds(history);
        forwards.length = 0;
        const reply: number[] = [];
        const result = await engine.generate(
          { kind: 'chat', messages: [...history] },
          { maxNewTokens: 12, temperature: 0 },
          { conversationId: 'proof', onToken: ({ tokenId }) => reply.push(tokenId) },
        );
        // One forward pass for the prompt, then one per generated token but the last (sampled, never fed).
        expect(forwards.length, `turn ${turn}: forward passes`).to.equal(result.tokens);
        expect(forwards.slice(1).every((n) => n === 1), `turn ${turn}: one token per decode step`).to.equal(true);
        const fed = forwards[0]!;
        if (turn === 1) {
          expect(fed, 'turn 1 feeds the whole prompt').to.equal(prompt.length);
        } else {
          // What is new: the prompt after the part the model already processed (last turn's
          // prompt and reply, whose very last token was generated but never fed).
          const processed = commonPrefixLength([...previousPrompt, ...previousReply.slice(0, -1)], prompt);
          const fresh = prompt.length - processed;
          expect(fed, `turn ${turn}: fed ${fed} of a ${prompt.length}-token prompt; ${fresh} are new`).to.be.at.most(fresh + 1);
          expect(fed, `turn ${turn}: far less than the whole prompt`).to.be.lessThan(prompt.length / 2);
        }
        previousPrompt = prompt;
        previousReply = reply;
        history.push({ role: 'assistant', content: result.text });
      }

      // The control: the same conversation as a one-off request (no conversationId) feeds it all,
      // so the counter does see a whole prompt when nothing is reused.
      history.push({ role: 'user', content: 'And one without the cache?' });
      const prompt = await referencePromptIds(history);
      forwards.length = 0;
      await engine.generate({ kind: 'chat', messages: history }, { maxNewTokens: 2, temperature: 0 });
      expect(forwards[0]).to.equal(prompt.length);
    } finally {
      engine.unload();
    }
  });
});
