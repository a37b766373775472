/**
 * When a broken transfer is tried again, and when the engine stops trying (issue #16): pure rules,
 * table-tested in `test/download-rules.test.ts`.
 *
 * - Waits double from 0.5 s up to 8 s, with ±25 % jitter so that many tabs cut off by one outage
 *   do not come back in step.
 * - The engine gives up with `network-error` once no byte has arrived for a while: 30 s once the
 *   host has answered during this load (a flaky connection deserves patience; the bytes received
 *   stay, and loading again continues from them), 3 s when it never has (offline, a wrong URL, a
 *   host that refuses this origin: waiting would not help, and the visitor should hear so soon).
 *   Time spent paused does not count.
 */

/** The limits of one load's retries. */
export interface RetryLimits {
  /** First wait, in ms. */
  firstDelayMs: number;
  /** Longest wait, in ms. */
  maxDelayMs: number;
  /** Give up after this long without a byte, once the host has answered (ms). */
  patienceMs: number;
  /** Give up after this long when the host never answered during this load (ms). */
  unreachedPatienceMs: number;
}

/** The limits the engine uses. */
export const RETRY_LIMITS: RetryLimits = {
  firstDelayMs: 500,
  maxDelayMs: 8_000,
  patienceMs: 30_000,
  unreachedPatienceMs: 3_000,
};

/** The wait before retry number `attempt` (0 for the first retry); `random` in [0, 1) adds jitter. */
export function retryDelay(attempt: number, random: number, limits: RetryLimits = RETRY_LIMITS): number {
  const base = Math.min(limits.maxDelayMs, limits.firstDelayMs * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + 0.5 * random));
}

/** Whether to stop trying: no byte for longer than the patience that applies. */
export function shouldGiveUp(
  state: { msWithoutProgress: number; hostAnswered: boolean },
  limits: RetryLimits = RETRY_LIMITS,
): boolean {
  return state.msWithoutProgress >= (state.hostAnswered ? limits.patienceMs : limits.unreachedPatienceMs);
}

/**
 * Whether an HTTP status is worth trying again: the server is busy or failing for a moment
 * (408, 429, 5xx). Other answers (404, 401, 403, ...) will not change by waiting.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** How many bytes of a file are persisted at a time: 1/16 of the file, between 64 KiB and 4 MiB. */
export function partSize(fileSize: number | undefined): number {
  const KiB = 1024;
  if (fileSize === undefined) return 1024 * KiB;
  return Math.min(4096 * KiB, Math.max(64 * KiB, Math.ceil(fileSize / 16)));
}
