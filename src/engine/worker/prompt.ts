/**
 * A request's prompt as token ids, exactly as transformers.js' text-generation pipeline would
 * tokenize it, fitted to the context window (`context-window.ts`).
 *
 * This module runs only in the worker.
 */
import { fitChat, fitText } from './context-window.js';
import type { TemplateTool } from './grammar/constrained-generation.js';
import type { LoadedModel } from './model-loader.js';
import type { ChatMessage, GenerationInput } from '../shared/types.js';

type Tokenizer = LoadedModel['tokenizer'];
type Tensor = InstanceType<LoadedModel['lib']['Tensor']>;

/** A prompt fitted to the context window: its token ids, the messages left out, the reply budget left. */
export interface PromptFit {
  ids: number[];
  droppedMessages: number;
  maxNewTokens: number;
}

/** Token ids of a `[1, n]` int64 tensor. */
export function idsOf(tensor: Tensor): number[] {
  return Array.from(tensor.data as BigInt64Array, Number);
}

/** Tokenizes text; by default adds special tokens only when the tokenizer asks for BOS/EOS, as the pipeline does. */
export function encodeText(tokenizer: Tokenizer, text: string, addSpecialTokens?: boolean): number[] {
  const add_special_tokens = addSpecialTokens ?? (Boolean(tokenizer.add_bos_token) || Boolean(tokenizer.add_eos_token));
  const encoded = tokenizer(text, { add_special_tokens }) as unknown as { input_ids: Tensor };
  return idsOf(encoded.input_ids);
}

/**
 * Tokenizes a conversation as the pipeline does: chat template with the generation prompt (and
 * the tools, where there are some), no further special tokens (the template placed them).
 */
export function encodeChat(tokenizer: Tokenizer, messages: ChatMessage[], tools?: TemplateTool[]): number[] {
  const text = tokenizer.apply_chat_template(messages, {
    tokenize: false,
    add_generation_prompt: true,
    ...(tools ? { tools } : {}),
  } as never) as unknown as string;
  return encodeText(tokenizer, text, false);
}

/** The prompt's token ids after fitting the context window, and the reply budget left. */
export function fitPrompt(
  tokenizer: Tokenizer,
  input: GenerationInput,
  maxNewTokens: number,
  contextWindow: number,
  tools?: TemplateTool[],
): PromptFit {
  if (input.kind === 'chat') {
    return fitChat(input.messages, (messages) => encodeChat(tokenizer, messages, tools), maxNewTokens, contextWindow);
  }
  const ids = encodeText(tokenizer, input.prompt);
  // A BOS token the tokenizer added stays in front when the start of the text is cut.
  const keepFirst = tokenizer.add_bos_token && ids[0] === tokenizer.bos_token_id ? 1 : 0;
  const fitted = fitText(ids, maxNewTokens, contextWindow, keepFirst);
  return { ids: fitted.ids, droppedMessages: 0, maxNewTokens: fitted.maxNewTokens };
}
