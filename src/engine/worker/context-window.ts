/**
 * Fitting a prompt and its reply into the model's context window.
 *
 * A model attends to at most `max_position_embeddings` positions; past that its output degrades
 * (or the ONNX graph fails). So before generating, the engine makes prompt + reply budget fit:
 * a chat leaves out its oldest turns, a completion its oldest text.
 *
 * Pure functions over token counts; the worker supplies the tokenizer.
 */
import { SlmError } from '../shared/errors.js';
import type { ChatMessage } from '../shared/types.js';

/** A conversation that fits, with its token ids and the reply budget that remains. */
export interface ChatFit {
  /** The messages the model will see. */
  messages: ChatMessage[];
  /** Their token ids (chat template applied). */
  ids: number[];
  /** How many messages were left out (oldest first). */
  droppedMessages: number;
  /** The reply budget: the requested one, or less when even the shortest prompt left no room for it. */
  maxNewTokens: number;
}

/** A text prompt that fits. */
export interface TextFit {
  /** The token ids the model will see (the end of the text). */
  ids: number[];
  /** How many tokens were cut from the start. */
  droppedTokens: number;
  /** The reply budget. */
  maxNewTokens: number;
}

/** Reads the context length from a model config; `Infinity` when the config does not say. */
export function contextLengthOf(config: Record<string, unknown> | undefined): number {
  // Different architectures name it differently (Llama and most: max_position_embeddings; GPT-2:
  // n_positions; some: max_sequence_length, n_ctx, seq_length); multimodal configs nest it.
  const keys = ['max_position_embeddings', 'n_positions', 'max_sequence_length', 'n_ctx', 'seq_length'];
  for (const source of [config, config?.text_config as Record<string, unknown> | undefined]) {
    for (const key of keys) {
      const value = source?.[key];
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    }
  }
  return Infinity;
}

/**
 * Groups the messages that may be left out into whole turns, oldest first. A turn starts at a
 * user message and takes the assistant messages after it (a leading assistant message, such as
 * a greeting, is a turn of its own). System messages and everything from the last user message
 * on are never dropped.
 *
 * @returns for each turn, the indices of its messages.
 */
export function droppableTurns(messages: readonly ChatMessage[]): number[][] {
  let protectedFrom = lastIndexWhere(messages, (m) => m.role === 'user');
  // No user message at all: keep at least the last message that is not a system message.
  if (protectedFrom < 0) protectedFrom = lastIndexWhere(messages, (m) => m.role !== 'system');
  const turns: number[][] = [];
  for (let i = 0; i < protectedFrom; i++) {
    const { role } = messages[i];
    if (role === 'system') continue;
    if (role === 'user' || turns.length === 0) turns.push([i]);
    else turns.at(-1)!.push(i);
  }
  return turns;
}

/** `Array.prototype.findLastIndex` (ES2023; the build targets ES2022). */
function lastIndexWhere<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return -1;
}

/**
 * Leaves out the oldest turns of a conversation until its prompt plus `maxNewTokens` fits in
 * `contextWindow` tokens. Never drops a system message or the last user message. When even the
 * shortest conversation leaves too little room, the reply budget shrinks to what remains; when
 * the prompt alone does not fit (no room for a single reply token), throws `context-overflow`.
 *
 * Searches the number of dropped turns by bisection (a prompt never grows when messages are left
 * out), so a long history costs a few tokenizations, not one per turn.
 *
 * @param encode Token ids of a conversation, chat template applied.
 */
export function fitChat(
  messages: readonly ChatMessage[],
  encode: (messages: ChatMessage[]) => number[],
  maxNewTokens: number,
  contextWindow: number,
): ChatFit {
  const all = [...messages];
  const full = encode(all);
  if (full.length + maxNewTokens <= contextWindow) {
    return { messages: all, ids: full, droppedMessages: 0, maxNewTokens };
  }
  const turns = droppableTurns(messages);
  const attempts = new Map<number, { messages: ChatMessage[]; ids: number[]; dropped: number }>();
  attempts.set(0, { messages: all, ids: full, dropped: 0 });
  const attempt = (count: number) => {
    let found = attempts.get(count);
    if (!found) {
      const left = new Set(turns.slice(0, count).flat());
      const kept = all.filter((_, i) => !left.has(i));
      found = { messages: kept, ids: encode(kept), dropped: left.size };
      attempts.set(count, found);
    }
    return found;
  };
  const fits = (count: number) => attempt(count).ids.length + maxNewTokens <= contextWindow;

  if (turns.length > 0 && fits(turns.length)) {
    // The smallest number of dropped turns that fits: fits(low) is false, fits(high) true.
    let low = 0;
    let high = turns.length;
    while (high - low > 1) {
      const middle = (low + high) >>> 1;
      if (fits(middle)) high = middle;
      else low = middle;
    }
    const best = attempt(high);
    return { messages: best.messages, ids: best.ids, droppedMessages: best.dropped, maxNewTokens };
  }

  // Even the system message(s) and the last user message alone leave too little room.
  const shortest = attempt(turns.length);
  const room = contextWindow - shortest.ids.length;
  if (room >= 1) {
    return { messages: shortest.messages, ids: shortest.ids, droppedMessages: shortest.dropped, maxNewTokens: room };
  }
  throw new SlmError(
    'context-overflow',
    `The message is too long for this model: its prompt needs ${shortest.ids.length} tokens` +
      `${shortest.messages.some((m) => m.role === 'system') ? ' (with the system prompt)' : ''}` +
      ` but the context window holds ${contextWindow}, reply included. Shorten the message.`,
  );
}

/**
 * Keeps the end of a text prompt so that it plus `maxNewTokens` fits in `contextWindow` tokens,
 * cutting tokens from the start (a completion continues the end of its text).
 *
 * When the reply budget alone fills the window: a prompt shorter than the window is kept whole and
 * the reply budget shrinks to what remains; a longer one keeps its last half-window of tokens and
 * leaves the other half to the reply.
 *
 * @param keepFirst Leading tokens always kept (1 when the tokenizer adds a BOS token).
 */
export function fitText(ids: readonly number[], maxNewTokens: number, contextWindow: number, keepFirst = 0): TextFit {
  if (ids.length + maxNewTokens <= contextWindow) return { ids: [...ids], droppedTokens: 0, maxNewTokens };
  let keep = contextWindow - maxNewTokens;
  let budget = maxNewTokens;
  if (keep < keepFirst + 1) {
    if (ids.length < contextWindow) return { ids: [...ids], droppedTokens: 0, maxNewTokens: contextWindow - ids.length };
    keep = Math.max(keepFirst + 1, Math.floor(contextWindow / 2));
    budget = contextWindow - keep;
  }
  if (budget < 1) {
    throw new SlmError(
      'context-overflow',
      `The context window of ${contextWindow} tokens leaves no room for a reply.`,
    );
  }
  const kept = [...ids.slice(0, keepFirst), ...ids.slice(ids.length - (keep - keepFirst))];
  return { ids: kept, droppedTokens: ids.length - kept.length, maxNewTokens: budget };
}
