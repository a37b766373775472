/**
 * The capabilities an engine offers to elements. `<slm-provider>` shares one object implementing
 * this through `@lit/context`; elements program against this interface only.
 */
import type { SlmErrorData, SlmWarningData } from '../shared/errors.js';
import type {
  DeviceCapabilities,
  EngineStats,
  EngineStatus,
  GenerationInput,
  LoadMode,
  GenerationResult,
  GenerationSettings,
  LoadProgress,
  ReadyInfo,
  TokenUpdate,
} from '../shared/types.js';

/** Options of one `generate` call. */
export interface GenerateOptions {
  /** Called once per generated token, in order, as soon as it reaches the page. */
  onToken?: (update: TokenUpdate) => void;
  /** Aborting stops the generation: dropped if queued, ended at the next token if running. */
  signal?: AbortSignal;
  /**
   * A stable id for a conversation (one per chat element). The engine keeps that conversation's
   * KV cache between turns so follow-up turns do not process the history again. Omit it for
   * one-off generations (completions), which then never touch any conversation's cache.
   *
   * The cache is matched by token ids, not trusted: the part of the new prompt that starts with
   * exactly the cached tokens is skipped (reported as `cachedTokens`); an edited or shortened
   * history cuts the cache back to the common prefix (WebAssembly) or rebuilds it (WebGPU).
   * Caches of the least recently used conversations are freed when too many are kept.
   */
  conversationId?: string;
  /**
   * Token budget for prompt + reply (a whole number of at least 16). Defaults to the model's
   * `max_position_embeddings`. When a chat would exceed it, its oldest whole turns are left out
   * (never a system message, never the last user message; counted in `droppedMessages`); when
   * even that is not enough the reply budget shrinks, and a prompt that cannot fit at all fails
   * with `context-overflow`. A text prompt keeps its end.
   */
  contextWindow?: number;
  /**
   * Queue priority. `interactive` (the default; chats) runs before `background` (completions,
   * ghost text) when both wait for the model; a running generation is never interrupted.
   */
  priority?: GenerationPriority;
  /**
   * Who asks (e.g. one element). A new request with the same owner supersedes the owner's
   * previous one: dropped if queued, ended at its next token if running (it resolves with
   * `reason: "stopped"`).
   */
  owner?: string;
  /**
   * Called while the request waits for the model with how many generations run or wait before
   * it, and with `0` when it starts. Not called for a request that never waits.
   */
  onQueue?: (ahead: number) => void;
}

/** Queue priority of a generation. */
export type GenerationPriority = 'interactive' | 'background';

/** Events an engine dispatches (plain `CustomEvent`s; elements re-dispatch them as `slm-*`). */
export interface EngineEventMap {
  /** `status`, `error` or `info` changed. */
  'status-change': CustomEvent<{ status: EngineStatus; error: SlmErrorData | null }>;
  /** Bytes arrived while loading. */
  progress: CustomEvent<LoadProgress>;
  /** The model is loaded and usable. */
  ready: CustomEvent<ReadyInfo>;
  /** Something went wrong but the model works (fallback to WebAssembly, repaired cache, ...). */
  warning: CustomEvent<SlmWarningData>;
}

/** Every event type of `EngineEventMap`, for code that listens to (or forwards) all of them. */
export const ENGINE_EVENT_TYPES: readonly (keyof EngineEventMap)[] = ['status-change', 'progress', 'ready', 'warning'];

/** A shared model: load it once, generate from it from many elements. */
export interface SlmEngine extends EventTarget {
  /** `idle` before loading, then `loading`, `ready` or `error`. */
  readonly status: EngineStatus;
  /** Why `status` is `error`, otherwise `null`. */
  readonly error: SlmErrorData | null;
  /** Download progress while `loading` (and the final figures afterwards), otherwise `null`. */
  readonly progress: LoadProgress | null;
  /** What was loaded, once `ready`. */
  readonly info: ReadyInfo | null;
  /** The configured model id (empty when none). */
  readonly model: string;
  /** When the model loads: `lazy`, `eager` or `manual` (only on an explicit `load()`). */
  readonly loadMode: LoadMode;
  /** The WebGPU probe of the last load (`null` before one). */
  readonly capabilities: DeviceCapabilities | null;
  /** Loads the model if needed. Resolves when ready; rejects with an `SlmError`. */
  load(): Promise<ReadyInfo>;
  /**
   * Generates from the model, loading it first if needed (not under `load="manual"` before
   * `load()`: that rejects with `not-loaded`). Rejects with an `SlmError` on failure
   * (`invalid-option` for a bad `contextWindow`, `context-overflow` when the prompt cannot fit at
   * all); a stop (abort, or a newer request of the same `owner`) resolves with `reason: "stopped"`
   * and the text generated until then. A failure on a rebuilt engine (GPU device lost) or on
   * WebGPU's first run is run again once, on a new worker or on WebAssembly, if nothing was shown.
   */
  generate(input: GenerationInput, settings: GenerationSettings, options?: GenerateOptions): Promise<GenerationResult>;
  /**
   * Frees the KV cache kept for a conversation (after `clear()`, or when its element goes away).
   * A generation of that conversation requested before this call keeps no cache either; the next
   * one processes its whole prompt.
   */
  releaseConversation(conversationId: string): void;
  /**
   * Whether every file the model needs (for the device and dtype a load would choose) is in Cache
   * Storage. Starts the worker if needed but does not load the model. Rejects with an `SlmError` as a load would (`no-model`,
   * `model-not-found`, ...).
   */
  isCached(): Promise<boolean>;
  /**
   * Bytes still to download before the model can load: the sizes of its files not yet in Cache
   * Storage (0 when cached; `null` when the server does not tell a size). Starts the worker if
   * needed but does not load the model. Rejects with an `SlmError` as a load would.
   */
  downloadSize(): Promise<number | null>;
  /**
   * Deletes every cached file of the model (all precisions); the next load downloads them again.
   * A loaded model keeps running. Resolves with how many files were deleted.
   */
  clearCache(): Promise<number>;
  /** What the engine's worker holds now (conversation caches, queue), for diagnostics; all zero without a worker. */
  stats(): Promise<EngineStats>;
  /**
   * Pauses the model download in progress: transfers stop, the bytes received so far are kept,
   * and a `progress` event reports `paused: true`. `status` stays `loading` and requests wait.
   * Does nothing when no load is in progress.
   */
  pauseDownload(): void;
  /**
   * Continues a paused download from the bytes received (HTTP `Range` requests); a `progress`
   * event reports it. Does nothing when not paused.
   */
  resumeDownload(): void;

  addEventListener<K extends keyof EngineEventMap>(
    type: K,
    listener: (event: EngineEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof EngineEventMap>(
    type: K,
    listener: (event: EngineEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}
