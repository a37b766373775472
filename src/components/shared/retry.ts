/**
 * Which failures a Retry button can fix, decided once for every error code.
 *
 * A Retry that cannot help is worse than none: it invites a click that fails the same way. Some
 * failures pass (the network comes back, memory is freed, a new worker starts); others are
 * properties of the configuration (a refused attribute, a model that does not exist, no WebGPU
 * adapter) and fail identically until the page changes something. For those the elements offer
 * Retry only once the configuration has changed since the failure (`configurationKey`).
 *
 * The table is a `Record` over `SlmErrorCode`, so a new code does not compile until it is
 * decided here. `test/retry-rules.test.ts` holds the same decisions as a table.
 */
import type { SlmErrorCode } from '../../engine/shared/errors.js';

/** Whether retrying the same request, with the same configuration, may succeed. */
export const RETRY_CAN_HELP: Readonly<Record<SlmErrorCode, boolean>> = {
  // The configuration: the same request fails the same way until the page changes it.
  'invalid-option': false,
  'no-model': false,
  'no-provider': false,
  'model-not-found': false,
  'model-file-missing': false,
  'webgpu-unavailable': false,
  // The engine already repaired a damaged cached copy once; what the host serves does not parse.
  'model-invalid': false,
  // An architecture or format the runtime does not support, decided by the files.
  'load-failed': false,
  // The same messages and settings overflow the same context window.
  'context-overflow': false,
  // Conditions that pass.
  'network-error': true,
  'quota-exceeded': true,
  'out-of-memory': true,
  'device-lost': true,
  'generation-failed': true,
  'worker-failed': true,
  'aborted': true,
  // load="manual": succeeds once the page has called load() (after asking the visitor).
  'not-loaded': true,
  // The download was checked twice and arrived damaged both times: a later attempt may get a good copy.
  'integrity': true,
  // The model cannot fit this device at all: only another model or dtype helps.
  'model-too-large': false,
  // The schema (or a tool's parameters) does not compile: only another schema helps.
  'invalid-schema': false,
  // A constrained reply did not finish within max-new-tokens: the same prompt and settings decode
  // the same way (greedy), or ramble alike.
  'length': false,
  // The page's tool handler did not answer in time: it may next time.
  'tool-timeout': true,
};

/** Whether a Retry button is worth showing for a failure with this code. */
export function retryCanHelp(code: SlmErrorCode): boolean {
  return RETRY_CAN_HELP[code] ?? true;
}

/** What a retry would run with, in the parts that decide configuration failures. */
export interface RetryConfiguration {
  /** The engine in use (`undefined`: no provider and no `model`). */
  engine: { model: string; status: string; error: { code: string; message: string } | null } | undefined;
  /** The element's own settings that a request validates (raw attribute values). */
  settings: readonly unknown[];
}

/**
 * A key that changes whenever something a configuration failure depends on changes: the engine,
 * its model, its status or error, and the element's own request settings. An element remembers
 * the key when a request fails and offers Retry for a configuration failure once the key differs
 * (the page picked another model, corrected an attribute, added a provider).
 */
export function configurationKey({ engine, settings }: RetryConfiguration): string {
  return JSON.stringify([
    engine ? [engine.model, engine.status === 'error' ? engine.error : null] : null,
    settings.map((value) => (value === undefined ? null : value)),
  ]);
}
