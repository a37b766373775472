/**
 * The message protocol between the page (`WorkerClient`) and the model worker (`worker.ts`).
 *
 * Every request carries an `id`; every reply names the request it belongs to. Tokens are pushed
 * as they are generated, one message per token (postMessage costs a few microseconds, far below a
 * token's cost), so the page can paint each one. `stop` and `release` get no reply.
 */
import type { LoadRecovery, SlmErrorData, SlmWarningData } from './errors.js';
import type { ConstraintStats, ToolCall } from './structured.js';
import type {
  EngineConfig,
  EngineStats,
  GenerationInput,
  GenerationSettings,
  LoadProgress,
  ReadyInfo,
} from './types.js';

/** Load settings as the worker receives them: `wasmBaseUrl` is resolved on the page. */
export interface WorkerLoadConfig extends Omit<EngineConfig, 'wasmBaseUrl'> {
  /** Absolute URLs of ONNX Runtime's factory module and binary. */
  wasmPaths: { mjs: string; wasm: string };
  /**
   * Skip WebGPU: set by the page when the first run on WebGPU failed and the engine falls back.
   * The reason is reported in `ReadyInfo.fallbackReason`.
   */
  forceWasm?: string | undefined;
  /** Delete the model's cached files before loading (a file did not parse in an earlier attempt). */
  repair?: boolean | undefined;
}

/** Per-generation options beyond the sampling settings. */
export interface WorkerGenerateOptions {
  /** Keep this conversation's KV cache for its next turn (and use the one kept from the last). */
  conversationId?: string | undefined;
  /** Token budget for prompt + reply; defaults to the model's context length. */
  contextWindow?: number | undefined;
  /** Queue priority: `interactive` jobs are taken before `background` ones. */
  priority?: 'interactive' | 'background' | undefined;
  /** Who asks: a new generation of the same owner supersedes the owner's previous one (see the worker's scheduler). */
  owner?: string | undefined;
}

/**
 * Questions about the configured model that the worker answers without loading it;
 * `clear-cache` deletes every file of the model from Cache Storage.
 */
export type ModelQuery = 'is-cached' | 'download-size' | 'clear-cache';

/** The answer to each `ModelQuery`. */
export interface ModelQueryAnswers {
  /** Whether every file the model needs (for the resolved device and dtype) is in Cache Storage. */
  'is-cached': boolean;
  /** Bytes of the needed files not yet in Cache Storage; `null` when a size is unknown. */
  'download-size': number | null;
  /** How many cached files were deleted. */
  'clear-cache': number;
}

/** Page → worker. */
export type WorkerRequest =
  /**
   * First message of a page on a shared worker (`share="origin"`): the Web Lock the page holds for
   * its lifetime (the worker waits for it to learn that the page is gone), and its visibility.
   */
  | { type: 'hello'; id: number; tab: string | undefined; visible: boolean }
  /** The page became visible or hidden (its requests move up or down the queue). */
  | { type: 'visibility'; id: number; visible: boolean }
  /** The page lets go of the shared worker: its requests stop and its conversations' caches are freed. */
  | { type: 'bye'; id: number }
  /**
   * To a host tab's own worker (`share="origin"` without a SharedWorker, `relay.ts`): serve one
   * more page over the `MessagePort` transferred with this message.
   */
  | { type: 'connect'; id: number }
  | { type: 'load'; id: number; config: WorkerLoadConfig }
  | {
      type: 'generate';
      id: number;
      input: GenerationInput;
      settings: GenerationSettings;
      options: WorkerGenerateOptions;
    }
  | { type: 'stop'; id: number }
  /** Dispose a conversation's KV cache (fire and forget). */
  | { type: 'release'; id: number; conversationId: string }
  /** Answer a `ModelQuery` for `config` without loading the model. */
  | { type: 'query'; id: number; query: ModelQuery; config: WorkerLoadConfig }
  /** Report `EngineStats`. */
  | { type: 'stats'; id: number }
  /**
   * Pause (`paused: true`) or resume the model's downloads (fire and forget): a pause stops the
   * transfers in flight, keeping their bytes; a resume continues them with `Range` requests.
   */
  | { type: 'downloads'; id: number; paused: boolean };

/** What the worker reports when a generation finishes; timing is added on the page. */
export interface WorkerGenerationDone {
  text: string;
  reason: 'eos' | 'length' | 'stop' | 'stopped';
  tokens: number;
  /** Tokens of the prompt as the model saw it (after fitting the context window). */
  promptTokens: number;
  /** Prompt tokens taken from the conversation's KV cache instead of being processed. */
  cachedTokens: number;
  /** Messages left out to fit the context window. */
  droppedMessages: number;
  /** With a schema: the reply, parsed. */
  json?: unknown;
  /** With tools: the calls the model made (`text` is what it wrote besides them). */
  toolCalls?: ToolCall[];
  /** With a schema or tools: what the grammar engine did. */
  constraint?: ConstraintStats;
}

/** Worker → page. */
export type WorkerReply =
  | { type: 'progress'; id: number; progress: LoadProgress }
  /** Something went wrong during a load but the load goes on (fallback, repaired cache, ...). */
  | { type: 'warning'; id: number; warning: SlmWarningData }
  /** A queued generation's place: how many generations run or wait before it (0: it runs now). */
  | { type: 'queue'; id: number; ahead: number }
  | { type: 'stats'; id: number; stats: EngineStats }
  | { type: 'ready'; id: number; info: Omit<ReadyInfo, 'loadMs'> }
  | { type: 'token'; id: number; token: string; tokenId: number }
  | { type: 'done'; id: number; result: WorkerGenerationDone }
  | { type: 'answer'; id: number; value: ModelQueryAnswers[ModelQuery] }
  /** A request failed; for a load, `recover` tells whether a new worker may succeed. */
  | { type: 'error'; id: number; error: SlmErrorData; recover?: LoadRecovery | undefined };
