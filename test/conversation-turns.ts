/**
 * Chat turns driven through a provider's engine and checked against a bare transformers.js
 * pipeline: shared by the conversation-cache tests on WebAssembly (conversation-cache.test.ts) and
 * the one on WebGPU (webgpu.test.ts, where the slow SwiftShader tests are kept together).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../dist/slm-provider.js';
import type { SlmProviderElement } from '../dist/index.js';
import type { ChatMessage, GenerationResult } from '../dist/engine/shared/types.js';
import { MODEL, MODEL_BASE, referenceGeneration, referencePromptIds } from './helpers.js';

/** Tokens per reply. */
export const MAX = 24;
export const GREEDY = { maxNewTokens: MAX, temperature: 0 };
export const SYSTEM: ChatMessage = { role: 'system', content: 'You are terse.' };

/** A provider on the tiny model; tests drive its engine directly (no chat element involved). */
export async function engineFixture(model = MODEL, device = 'wasm') {
  const provider = await fixture<SlmProviderElement>(
    html`<slm-provider model=${model} model-base-url=${MODEL_BASE} device=${device}></slm-provider>`,
  );
  return { provider, engine: provider.engine };
}

export type Engine = SlmProviderElement['engine'];

/** One chat turn through the engine, checked against a bare pipeline given the same history. */
export async function turn(engine: Engine, history: ChatMessage[], user: string, conversationId: string | undefined) {
  const messages = [...history, { role: 'user', content: user } as ChatMessage];
  const streamed: number[] = [];
  const result = await engine.generate({ kind: 'chat', messages }, GREEDY, {
    ...(conversationId ? { conversationId } : {}),
    onToken: (update) => streamed.push(update.tokenId),
  });
  const expected = await referenceGeneration(messages, MAX);
  expect(result.text, `reply to "${user}"`).to.equal(expected.text);
  expect(streamed, `streamed ids of "${user}"`).to.deep.equal(expected.tokenIds);
  expect(result.tokens).to.equal(expected.tokens);
  expect(result.promptTokens, 'prompt tokens').to.equal((await referencePromptIds(messages)).length);
  expect(result.droppedMessages).to.equal(0);
  return { messages: [...messages, { role: 'assistant', content: result.text } as ChatMessage], result };
}

/**
 * What the cache of the previous turn saves: its whole sequence (prompt + generated tokens)
 * except the last generated token, which generate() sampled but never fed to the model. The tiny
 * model's tokenizer is byte-level, so the reply's text tokenizes back to the generated ids.
 */
export const reusable = (previous: GenerationResult) => previous.promptTokens + previous.tokens - 1;
