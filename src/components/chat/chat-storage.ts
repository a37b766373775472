/**
 * Opt-in persistence of a chat's conversation (`persist="key"`), in `localStorage` under
 * `slm-chat:<key>`. Conversations are small and are restored synchronously, before the chat's
 * interface first renders, so the transcript never flashes empty.
 */
import type { ChatMessage } from '../../engine/shared/types.js';

const PREFIX = 'slm-chat:';

function isMessage(value: unknown): value is ChatMessage {
  const m = value as ChatMessage;
  return (
    typeof m === 'object' &&
    m !== null &&
    (m.role === 'user' || m.role === 'assistant' || m.role === 'system' || m.role === 'tool') &&
    typeof m.content === 'string'
  );
}

/** A stored message with only the fields a message has (tool calls and results kept, well-formed). */
function cleanMessage({ role, content, tool_calls, tool_call_id, name }: ChatMessage): ChatMessage {
  const calls = Array.isArray(tool_calls)
    ? tool_calls.filter((c) => typeof c?.id === 'string' && typeof c.function?.name === 'string' && typeof c.function.arguments === 'object')
    : [];
  return {
    role,
    content,
    ...(role === 'assistant' && calls.length ? { tool_calls: calls } : {}),
    ...(role === 'tool' && typeof tool_call_id === 'string' ? { tool_call_id } : {}),
    ...(role === 'tool' && typeof name === 'string' ? { name } : {}),
  };
}

/** The stored conversation, or `null` when there is none (or it is unreadable). */
export function loadConversation(key: string): ChatMessage[] | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    // Stored data is input like any other: keep only well-formed messages.
    return Array.isArray(parsed) ? parsed.filter(isMessage).map(cleanMessage) : null;
  } catch {
    return null;
  }
}

/** Stores the conversation; an empty one removes the entry. Storage failures (quota, privacy mode) are reported, not thrown. */
export function saveConversation(key: string, messages: readonly ChatMessage[]): boolean {
  try {
    if (messages.length === 0) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, JSON.stringify(messages));
    return true;
  } catch (error) {
    console.warn(`slm-chat: could not store the conversation "${key}":`, error);
    return false;
  }
}
