/**
 * Shared test helpers: the tiny model's location, reference outputs from a bare transformers.js
 * pipeline, network request counts, and the Lit dev-mode warning guard.
 */
import { env, pipeline, TextStreamer, type TextGenerationPipeline } from '@huggingface/transformers';
import { render, type TemplateResult } from 'lit';
import type { SlmChatElement, SlmProviderElement } from '../dist/index.js';

/** The generated test model (`npm run model`), served from `/models/`. */
export const MODEL = 'slm-tiny';
/** Where the test server serves generated models. */
export const MODEL_BASE = '/models/';

/** The ONNX Runtime files the build ships (also used by the reference pipeline). */
const ORT = {
  mjs: '/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.mjs',
  wasm: '/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.wasm',
};

let reference: Promise<TextGenerationPipeline> | undefined;

/** A bare transformers.js pipeline on the page's main thread, loading the tiny model on wasm. */
export function referencePipeline(): Promise<TextGenerationPipeline> {
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = MODEL_BASE;
  // The reference must not share the Cache Storage the elements are tested against.
  env.useBrowserCache = false;
  (env.backends.onnx as { wasm: { wasmPaths: unknown } }).wasm.wasmPaths = { ...ORT };
  reference ??= pipeline('text-generation', MODEL, { device: 'wasm', dtype: 'fp32' }) as Promise<TextGenerationPipeline>;
  return reference;
}

/** Text and token ids a bare pipeline generates greedily. */
export interface Reference {
  text: string;
  /** Generated token ids, special tokens (such as a final EOS) excluded. */
  tokenIds: number[];
  /** Generated token count, special tokens included. */
  tokens: number;
}

/** What a bare pipeline generates for `input` (chat messages or raw text) with greedy decoding. */
export async function referenceGeneration(
  input: string | { role: string; content: string }[],
  maxNewTokens: number,
): Promise<Reference> {
  const generator = await referencePipeline();
  const ids: number[] = [];
  const streamer = new TextStreamer(generator.tokenizer, {
    skip_prompt: true,
    callback_function: () => {},
    token_callback_function: (tokens: bigint[]) => ids.push(...tokens.map(Number)),
  });
  const output = (await generator(input as never, {
    max_new_tokens: maxNewTokens,
    do_sample: false,
    streamer,
    ...(typeof input === 'string' ? { return_full_text: false } : {}),
  })) as unknown as { generated_text: string | { content: string }[] }[];
  const generated = output[0]!.generated_text;
  const text = typeof generated === 'string' ? generated : generated.at(-1)!.content;
  const special = new Set(generator.tokenizer.all_special_ids.map(Number));
  return { text, tokenIds: ids.filter((id) => !special.has(id)), tokens: ids.length };
}

/** Request counts per path seen by the test server since the last reset. */
export async function requestCounts(): Promise<Record<string, number>> {
  return (await fetch('/__requests')).json();
}

/** Empties the server's request log. */
export async function resetRequestCounts(): Promise<void> {
  await fetch('/__requests/reset', { method: 'POST' });
}

/** Removes everything transformers.js cached, so a test sees a first visit. */
export async function clearModelCache(): Promise<void> {
  for (const name of await caches.keys()) await caches.delete(name);
}

/**
 * Types `text` into a chat's message field as a user does (an `input` event from the field's own
 * window, so it works for a chat in an iframe too) and waits for the chat to update.
 */
export async function typeInto(chat: SlmChatElement, text: string): Promise<void> {
  // The field is there once the chat has rendered its interface (what a user waits for by eye).
  await chat.updateComplete;
  const view = chat.ownerDocument.defaultView as Window & typeof globalThis;
  const input = chat.shadowRoot!.querySelector<HTMLTextAreaElement>('[part="input"]')!;
  input.value = text;
  input.dispatchEvent(new view.InputEvent('input', { bubbles: true }));
  await chat.updateComplete;
}

/** Types `text` into a chat and sends it with the send button, as a user does. */
export async function typeAndSend(chat: SlmChatElement, text: string): Promise<void> {
  await typeInto(chat, text);
  chat.shadowRoot!.querySelector<HTMLButtonElement>('[part="send-button"]')!.click();
}

/** Resolves once `predicate` is true, checking every frame; fails after `timeout` ms. */
export async function until(predicate: () => boolean, timeout = 30_000, what = 'condition'): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeout) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}

/**
 * Fails the current test when Lit issues a dev-mode warning (an attribute binding that will not
 * update, a change-in-update cycle, ...). Call inside a `describe`.
 */
export function failOnLitDevWarnings(): void {
  const issued = () => [...((globalThis as { litIssuedWarnings?: Set<string> }).litIssuedWarnings ?? [])];
  let before = 0;
  beforeEach(() => {
    before = issued().length;
  });
  afterEach(() => {
    const fresh = issued()
      .slice(before)
      .filter((warning) => !/dev mode/i.test(warning));
    if (fresh.length > 0) throw new Error(`Lit dev-mode warnings:\n${fresh.join('\n')}`);
  });
}

/**
 * Token ids the reference tokenizer makes of a conversation: chat template with the generation
 * prompt, exactly the prompt a bare pipeline feeds the model.
 */
export async function referencePromptIds(messages: { role: string; content: string }[]): Promise<number[]> {
  const { tokenizer } = await referencePipeline();
  const text = tokenizer.apply_chat_template(messages as never, { tokenize: false, add_generation_prompt: true });
  const encoded = tokenizer(text as unknown as string, { add_special_tokens: false }) as unknown as {
    input_ids: { data: BigInt64Array };
  };
  return Array.from(encoded.input_ids.data, Number);
}

/** Length of the longest common prefix of two token id lists. */
export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * One provider on the tiny model (wasm) for all the tests of the calling `describe`, made before
 * the first and removed after the last; returns a getter for it. For tests that only send requests
 * (their own: a chat of their own, or their own conversation ids) and check what comes back, never
 * how the model loaded: a new provider means a new worker, whose first ONNX Runtime session costs
 * about 2 s of CPU on the 2-core CI machine, more than such a test's own work. (`fixture()` would
 * remove the provider after the first test.)
 */
export function sharedProvider(): () => SlmProviderElement {
  let provider: SlmProviderElement | undefined;
  before(async () => {
    provider = document.createElement('slm-provider') as SlmProviderElement;
    provider.setAttribute('model', MODEL);
    provider.setAttribute('model-base-url', MODEL_BASE);
    provider.setAttribute('device', 'wasm');
    document.body.append(provider);
    await provider.updateComplete;
  });
  after(() => provider?.remove());
  return () => provider!;
}

/**
 * Boxes inside a `sharedProvider()`, one per test: `mount(content)` renders `content` into a new
 * box in the provider and waits for its elements' first render; the box goes after the test.
 */
export function boxesInSharedProvider(): (content: TemplateResult) => Promise<HTMLElement> {
  const provider = sharedProvider();
  const boxes: HTMLElement[] = [];
  afterEach(() => {
    for (const box of boxes.splice(0)) box.remove();
  });
  return async (content) => {
    const box = document.createElement('div');
    provider().append(box);
    boxes.push(box);
    render(content, box);
    for (const element of box.querySelectorAll<HTMLElement & { updateComplete?: Promise<unknown> }>('*')) await element.updateComplete;
    return box;
  };
}

/** The engine of a `sharedProvider()`: for tests that drive the engine directly. */
export function sharedEngine(): () => SlmProviderElement['engine'] {
  const provider = sharedProvider();
  return () => provider().engine;
}
