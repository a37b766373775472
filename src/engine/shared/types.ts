/**
 * Public, framework-free types of the engine layer.
 *
 * Everything here is plain data that can cross the worker boundary with `postMessage`
 * (structured clone), so the same shapes are used by the worker, the main-thread engine
 * and the elements' events. The settings' types are derived from their table (`settings.ts`).
 */
import type { DeviceOption, DtypeOption } from './settings.js';
import type { ChatToolCall, ConstraintStats, ToolCall, ToolRequest } from './structured.js';

export type { DeviceOption, DtypeOption, EngineConfig, LoadMode, ShareOption } from './settings.js';

/** A device the model actually runs on, once `auto` has been resolved. */
export type ResolvedDevice = Exclude<DeviceOption, 'auto'>;

/** A concrete precision, once `auto` has been resolved. */
export type ResolvedDtype = Exclude<DtypeOption, 'auto'>;

/** Lifecycle of a model in an engine. */
export type EngineStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * One message of a conversation, in the shape chat templates expect. With tools, an assistant
 * message may hold the calls it made (`tool_calls`), and each call's result follows as a
 * `role: "tool"` message that names the call (`tool_call_id`) and the tool (`name`).
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** An assistant message's tool calls, arguments as objects (what chat templates render). */
  tool_calls?: ChatToolCall[];
  /** A tool message: the id of the call it answers. */
  tool_call_id?: string;
  /** A tool message: the tool's name. */
  name?: string;
}

/** What to generate from: a conversation (chat template applied) or raw text (plain continuation). */
export type GenerationInput =
  | { kind: 'chat'; messages: ChatMessage[] }
  | { kind: 'text'; prompt: string };

/** Sampling settings of one generation. */
export interface GenerationSettings {
  /** Upper bound on generated tokens. */
  maxNewTokens: number;
  /** `0` means greedy decoding (deterministic); above zero samples with that temperature. */
  temperature: number;
  /**
   * End the generation as soon as the generated text contains one of these strings; the text is
   * cut just before it (`reason: "stop"`). Matched on decoded text in the worker, so no token is
   * generated after the match. Absent or empty: no stop sequences.
   */
  stopSequences?: string[];
  /**
   * A JSON Schema, as JSON text: the reply is constrained to JSON that validates against it
   * (grammar-constrained decoding in the worker). Stop sequences do not apply to such a reply.
   */
  schema?: string;
  /** Tools the model may call (chat input only); its calls are constrained to them. */
  tools?: ToolRequest;
}

/**
 * Why a generation ended: the model's end-of-sequence token (`eos`), the token budget (`length`),
 * one of the requested stop sequences (`stop`), a stop request (`stopped`), or a failure (`error`).
 */
export type FinishReason = 'eos' | 'length' | 'stop' | 'stopped' | 'error';

/** What a finished generation reports. Timings are measured on the page, as a user feels them. */
export interface GenerationResult {
  /** The generated text (no prompt, no special tokens; cut before a matched stop sequence). */
  text: string;
  reason: FinishReason;
  /** Number of generated tokens, including a final end-of-sequence token. */
  tokens: number;
  /** From the request to the first generated token arriving on the page, in milliseconds. */
  ttftMs: number;
  /** Decode speed after the first token: (tokens − 1) ÷ time from first to last token. */
  tokensPerSecond: number;
  /** Number of tokens in the prompt (the whole conversation as the model saw it, after fitting the context window). */
  promptTokens: number;
  /**
   * How many of the prompt's tokens came from the conversation's KV cache instead of being
   * processed again (0 without a `conversationId`, on the first turn, or after a cache rebuild).
   * On a follow-up turn it is the previous turn's prompt plus its reply, less the reply's last
   * token (which the model generated but never processed); after an edit of the history, the
   * tokens the new prompt shares with the old one. At most `promptTokens − 1`.
   */
  cachedTokens: number;
  /**
   * How many of the oldest messages (never a system message or the last user message) were left
   * out so the prompt and the reply fit the context window. Always 0 for text prompts, whose
   * start is cut instead.
   */
  droppedMessages: number;
  /** With a `schema`: the reply, parsed (it validates against the schema). */
  json?: unknown;
  /** With `tools`: the calls the model made (`text` is then what it wrote besides them). */
  toolCalls?: ToolCall[];
  /** With a `schema` or `tools`: what the grammar engine did (compile time, cache, mask cost). */
  constraint?: ConstraintStats;
}

/** One generated token as it arrives on the page. */
export interface TokenUpdate {
  /**
   * The text this token added. Empty while a multi-byte character is still incomplete, or while
   * the text may be the start of a stop sequence (it comes with a later token; when the model's
   * end-of-sequence token ends the generation, that token releases it).
   */
  token: string;
  /** The token id in the model's vocabulary. */
  tokenId: number;
  /** The generated text so far. */
  text: string;
}

/** Download progress across all files of a model. */
export interface LoadProgress {
  /** Bytes received so far (from the network or from Cache Storage). */
  loaded: number;
  /** Bytes expected, as far as known; grows as files start. */
  total: number;
  /** `loaded ÷ total`, between 0 and 1. */
  progress: number;
  /** The file currently loading, relative to the model folder. */
  file?: string;
  /**
   * The download is paused (`pauseDownload()`): nothing is fetched until `resumeDownload()`, and
   * the bytes received so far are kept. Absent while running.
   */
  paused?: boolean;
}

/** What the model worker found out about this device's WebGPU support. */
export interface DeviceCapabilities {
  /** `navigator.gpu.requestAdapter()` returned an adapter. */
  webgpu: boolean;
  /**
   * The adapter is a fallback (software) adapter such as SwiftShader. `device="auto"` does not use
   * one: on the CPU, WebAssembly is faster. `device="webgpu"` does.
   */
  fallbackAdapter: boolean;
  /** The adapter offers `shader-f16`, which fp16 and q4f16 weights need on WebGPU. */
  shaderF16: boolean;
}

/** What a successful load reports. */
export interface ReadyInfo {
  model: string;
  /** The device the model runs on (after any fallback). */
  device: ResolvedDevice;
  /** The weight precision loaded. */
  dtype: ResolvedDtype;
  /** Time from the load request to a usable model, in milliseconds. */
  loadMs: number;
  /** The WebGPU probe behind the choice of `device`. */
  capabilities: DeviceCapabilities;
  /** Why the model runs on a lower rung than the first choice (WebGPU failed), otherwise absent. */
  fallbackReason?: string;
}

/** What the worker holds, for diagnostics and leak tests (`SlmEngine.stats()`). */
export interface EngineStats {
  /** Conversations with a KV cache kept between turns. */
  conversations: number;
  /** Bytes held by those caches. */
  cacheBytes: number;
  /** Generations waiting for the model. */
  queued: number;
  /** Whether a generation runs now. */
  running: boolean;
}

/**
 * The result of a generation that produced nothing: stopped before it ran, or failed. Timing and
 * token counts are zero; `text` is whatever was shown so far.
 */
export function emptyResult(reason: FinishReason, text = ''): GenerationResult {
  return { text, reason, tokens: 0, ttftMs: 0, tokensPerSecond: 0, promptTokens: 0, cachedTokens: 0, droppedMessages: 0 };
}
