/**
 * Every string `<slm-chat>` shows or announces. Pages translate the element by setting the
 * `strings` property to a partial object; anything left out keeps its English default.
 */
import { DEFAULT_STATUS_STRINGS, type StatusStrings } from '../shared/status.js';

export interface ChatStrings extends StatusStrings {
  /** Accessible name of the transcript. */
  conversationLabel: string;
  /** Accessible name and placeholder of the message field. */
  inputLabel: string;
  placeholder: string;
  send: string;
  stop: string;
  retry: string;
  regenerate: string;
  edit: string;
  copy: string;
  copied: string;
  clear: string;
  cancelEdit: string;
  /** Shown above the field while an earlier message is being edited. */
  editing: string;
  /** Shown while the conversation is empty (unless the `empty` slot is filled). */
  empty: string;
  /** Before the first download: `{model}` and `{size}` are replaced. */
  downloadNotice: string;
  /** The model is already in the browser's cache: `{model}` is replaced. */
  cachedNotice: string;
  /** Notice in the transcript when older messages did not fit: `{count}` is replaced. */
  dropped: string;
  /** Statistics under a reply: `{tokens}`, `{speed}` and `{ttft}` are replaced. */
  stats: string;
  /** A tool call in the transcript: `{name}` is replaced by the tool's name. */
  toolCall: string;
  /** Labels a tool's result. */
  toolResult: string;
  /** Labels a tool's error result. */
  toolError: string;
  /** Status while a tool call waits for its answer: `{name}` is replaced. */
  callingTool: string;
  /** A call that got no result (the chat was stopped). */
  toolNoResult: string;
}

/** English defaults. */
export const DEFAULT_CHAT_STRINGS: ChatStrings = {
  ...DEFAULT_STATUS_STRINGS,
  conversationLabel: 'Conversation',
  inputLabel: 'Message',
  placeholder: 'Message…',
  send: 'Send',
  stop: 'Stop',
  retry: 'Retry',
  regenerate: 'Regenerate',
  edit: 'Edit',
  copy: 'Copy',
  copied: 'Copied',
  clear: 'Clear conversation',
  cancelEdit: 'Cancel',
  editing: 'Editing an earlier message: sending replaces it and everything after it.',
  empty: 'Ask anything. The model runs on this device.',
  downloadNotice: '{model} will be downloaded once ({size}) and then kept on this device.',
  cachedNotice: '{model} is already on this device.',
  dropped: '{count} older messages were left out so the conversation fits the model.',
  stats: '{tokens} tokens · {speed} tokens/s · first token in {ttft} ms',
  toolCall: 'Called {name}',
  toolResult: 'Result',
  toolError: 'Error',
  callingTool: 'Running {name}…',
  toolNoResult: 'No result',
};
