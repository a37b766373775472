/**
 * The message protocol between the page (`WorkerClient`) and the model worker (`worker.ts`).
 *
 * Every request carries an `id`; every reply names the request it belongs to. Tokens are pushed
 * as they are generated, one message per token (postMessage costs a few microseconds, far below a
 * token's cost), so the page can paint each one.
 */
import type { SlmErrorData } from './errors.js';
import type {
  EngineConfig,
  GenerationInput,
  GenerationSettings,
  LoadProgress,
  ReadyInfo,
} from './types.js';

/** Load settings as the worker receives them: `wasmBaseUrl` is resolved on the page. */
export interface WorkerLoadConfig extends Omit<EngineConfig, 'wasmBaseUrl'> {
  /** Absolute URLs of ONNX Runtime's factory module and binary. */
  wasmPaths: { mjs: string; wasm: string };
}

/** Page → worker. */
export type WorkerRequest =
  | { type: 'load'; id: number; config: WorkerLoadConfig }
  | { type: 'generate'; id: number; input: GenerationInput; settings: GenerationSettings }
  | { type: 'stop'; id: number };

/** What the worker reports when a generation finishes; timing is added on the page. */
export interface WorkerGenerationDone {
  text: string;
  reason: 'eos' | 'length' | 'stopped';
  tokens: number;
  promptTokens: number;
}

/** Worker → page. */
export type WorkerReply =
  | { type: 'progress'; id: number; progress: LoadProgress }
  | { type: 'ready'; id: number; info: Omit<ReadyInfo, 'loadMs'> }
  | { type: 'token'; id: number; token: string; tokenId: number }
  | { type: 'done'; id: number; result: WorkerGenerationDone }
  | { type: 'error'; id: number; error: SlmErrorData };
