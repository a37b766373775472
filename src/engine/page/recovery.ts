/**
 * What the engine does after a failure, as pure functions of the situation: one for a failed
 * load, one for a failed generation. `WorkerEngine` describes what happened and carries out the
 * step; the rules themselves live here, with a table of unit tests (`test/recovery-rules.test.ts`).
 *
 * Why each step exists:
 * - **repair**: a file did not parse while the model had files in Cache Storage, so the cached
 *   copy is likely damaged; it is deleted and downloaded again (once).
 * - **fallback-to-wasm**: WebGPU could not load the model, or the first generation on WebGPU
 *   failed; WebAssembly runs what WebGPU cannot (once per configuration).
 * - **rebuild**: the GPU device was lost (driver reset, GPU process crash); a new worker on the
 *   same device usually works.
 * - **reload**: another request already rebuilt the engine since this one failed: wait for it.
 * - **retry**: this request was cut off by such a rebuild: run it again.
 * - **unshare**: the way this page shares the origin's model (`share="origin"`: a shared worker,
 *   else a host tab's worker) could not start: the next way is tried, and when none is left the
 *   page runs the model in a worker of its own (`share-unavailable` warning).
 * Every step that needs a new worker gets one: ONNX Runtime's wasm instance does not recover from
 * a failed session creation (see `loadModel`).
 */
import { LoadFailure, SlmError, type SlmErrorCode } from '../shared/errors.js';

/** What to do after a failed load. */
export type LoadRecoveryStep = 'give-up' | 'repair' | 'fallback-to-wasm' | 'unshare';

/** What happened when a load failed. */
export interface LoadFailureSituation {
  error: unknown;
  /** The load was abandoned meanwhile (unloaded, reconfigured). */
  cancelled: boolean;
  /** A repair was already tried for this load. */
  repaired: boolean;
  /** The engine already runs on WebAssembly only (an earlier fallback). */
  wasmOnly: boolean;
  /** The load ran in the origin's shared worker (`share="origin"`). */
  shared: boolean;
}

/** The next step after a failed load (the worker said in `LoadFailure.recover` what may help). */
export function afterLoadFailure({ error, cancelled, repaired, wasmOnly, shared }: LoadFailureSituation): LoadRecoveryStep {
  if (cancelled) return 'give-up';
  // The shared worker could not start (a policy refusing it, a browser without it): the page's own does.
  if (shared && error instanceof SlmError && error.code === 'worker-failed') return 'unshare';
  if (!(error instanceof LoadFailure)) return 'give-up';
  if (error.recover === 'repair' && !repaired) return 'repair';
  if (error.recover === 'fallback' && !wasmOnly) return 'fallback-to-wasm';
  return 'give-up';
}

/** What to do after a failed generation. */
export type RunRecoveryStep = 'give-up' | 'retry' | 'reload' | 'fallback-to-wasm' | 'rebuild';

/** What happened when a generation failed. */
export interface RunFailureSituation {
  error: unknown;
  /** Tokens already reached the page: running it again would show them twice. */
  streamed: boolean;
  /** How many times this request was already run again (it is run again at most once). */
  attempt: number;
  /** The caller stopped it, or a newer request of its owner superseded it. */
  cancelled: boolean;
  /** It failed because the engine was torn down for a rebuild another request started, or its shared connection was lost. */
  rebuildInProgress: boolean;
  /** It reached a worker (failures before that, such as a failed load, are final here). */
  posted: boolean;
  /** Another request already rebuilt the engine since this one ran. */
  engineRebuilt: boolean;
  /** It ran on WebGPU. */
  ranOnWebGpu: boolean;
  /** No generation has succeeded since the model loaded. */
  firstRun: boolean;
  /** The page asked for `device="wasm"` (nothing to fall back to). */
  wasmOnly: boolean;
}

/** Run failures after which a rebuilt engine may succeed. */
const RECOVERABLE: ReadonlySet<SlmErrorCode> = new Set(['device-lost', 'generation-failed', 'out-of-memory']);

/** The next step after a failed generation. */
export function afterRunFailure(situation: RunFailureSituation): RunRecoveryStep {
  const { error } = situation;
  if (!(error instanceof SlmError) || situation.streamed || situation.attempt > 0 || situation.cancelled) return 'give-up';
  if (situation.rebuildInProgress) return 'retry';
  if (!situation.posted || !RECOVERABLE.has(error.code)) return 'give-up';
  if (situation.engineRebuilt) return 'reload';
  if (situation.ranOnWebGpu && situation.firstRun && !situation.wasmOnly) return 'fallback-to-wasm';
  if (error.code === 'device-lost') return 'rebuild';
  return 'give-up';
}
