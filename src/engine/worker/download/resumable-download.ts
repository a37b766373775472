/**
 * One model file over a network that breaks (issue #16): resumed, verified, persisted.
 *
 * - **Resume.** Bytes are persisted in parts as they arrive (`PartStore`, written in the
 *   background so that reading keeps pace with the network); after a broken
 *   transfer, a pause or a reload the next request asks for the rest with `Range: bytes=N-`,
 *   plus `If-Range` with the file's validator (its strong `ETag`, else `Last-Modified`) on the
 *   page's own origin. Other origins get no `If-Range`, which is not a CORS-safelisted header (a
 *   host that does not answer preflights would refuse every resume); there the answer's own
 *   validators and `Content-Range` are compared with the held ones instead, which is the same
 *   check made on this side. A server that ignores `Range` answers 200 with the whole file: the
 *   held bytes are dropped and the transfer starts over.
 * - **Retry.** Network failures and 408/429/5xx answers are retried with growing waits, and the
 *   engine gives up after a bounded time without progress (`retry-policy.ts`).
 * - **Verify.** Where a SHA-256 is known (the model's listing, or the `X-Linked-ETag` the Hub
 *   sends), it is computed once the file is held and checked before the file is handed to
 *   transformers.js (which then uses and caches it). A mismatch discards the bytes and downloads
 *   once more; a second mismatch fails with `integrity`. A known size is checked the same way.
 * - **Progress** is the bytes of the file held, so it never goes back: across a resume it
 *   continues from the bytes held; after a restart it waits until the new transfer passes them.
 */
import { SlmError, errorText } from '../../shared/errors.js';
import type { DownloadGate } from './download-gate.js';
import { normalizeSha256, type ListedFile } from './file-listing.js';
import type { PartStore, Validators } from './part-store.js';
import { RETRY_LIMITS, isRetryableStatus, partSize, retryDelay, shouldGiveUp, type RetryLimits } from './retry-policy.js';

/** What a load's downloads share. */
export interface DownloadContext {
  /** The network (the real `fetch`). */
  network: typeof fetch;
  store: PartStore;
  gate: DownloadGate;
  limits?: RetryLimits;
  /** Set once any request of this load got an HTTP answer (see `shouldGiveUp`). */
  host: { answered: boolean };
  /** Storage refused a part (quota): the download goes on in memory, but would not survive a reload. */
  onStorageRefused?(error: unknown): void;
}

/** One file to download. */
export interface DownloadRequest {
  url: string;
  /** The path in the model folder, for messages and progress. */
  file: string;
  /** Size and SHA-256 the listing states, if any. */
  expected: ListedFile | undefined;
  /** Bytes of the file held so far (never decreasing) and its size when known. */
  onProgress?(loaded: number, total: number | undefined): void;
}

/** An HTTP answer worth trying again (408, 429, 5xx), thrown to share the network-failure path. */
class RetryableAnswer extends Error {
  constructor(readonly status: number) {
    super(`the server answered ${status}`);
  }
}

/** Whether a failure is one that waiting and trying again may cure. */
function isTransient(error: unknown): boolean {
  return error instanceof TypeError || error instanceof RetryableAnswer;
}

/** `bytes <start>-<end>/<size>` of a `Content-Range` header (`size` undefined for `*`). */
export function parseContentRange(header: string | null): { start: number; end: number; size: number | undefined } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), size: match[3] === '*' ? undefined : Number(match[3]) };
}

/** The validators of an answer: a strong `ETag` (weak ones cannot validate ranges) and `Last-Modified`. */
export function validatorsOf(response: Response): Validators {
  const etag = response.headers.get('etag') ?? undefined;
  return {
    etag: etag && !etag.startsWith('W/') ? etag : undefined,
    lastModified: response.headers.get('last-modified') ?? undefined,
  };
}

/** Whether an answer's validators show another version of the file than the held bytes came from. */
export function validatorsDiffer(held: Validators, answer: Validators): boolean {
  if (held.etag && answer.etag) return held.etag !== answer.etag;
  if (held.lastModified && answer.lastModified) return held.lastModified !== answer.lastModified;
  return false;
}

/**
 * The SHA-256 an answer states for its file: the Hub's `X-Linked-ETag` (the LFS object id of a
 * weight file), or its `ETag` when the answer comes from the Hub (`X-Repo-Commit`) and is a
 * SHA-256. Other hosts' ETags are opaque version tags, never taken for a hash.
 */
export function statedSha256(response: Response): string | undefined {
  const linked = normalizeSha256(response.headers.get('x-linked-etag'));
  if (linked) return linked;
  return response.headers.has('x-repo-commit') ? normalizeSha256(response.headers.get('etag')) : undefined;
}

/** The file's size from a full (200) answer; `undefined` when compressed or not stated. */
function sizeOfFullAnswer(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return undefined;
  const length = response.headers.get('content-length');
  return length === null ? undefined : Number(length);
}

/**
 * The SHA-256 of a file, in hex; `undefined` where Web Crypto is missing (a page not served over
 * HTTPS or from localhost, where Cache Storage and WebGPU are missing too): then only sizes are
 * checked. Computed natively over the whole file once it is held: Web Crypto has no incremental
 * digest, and hashing in JavaScript as bytes arrived (@noble/hashes) was several times slower and
 * held the reader back (bench section 6 on a loaded 2-core machine), at the cost of one more copy
 * of the file in memory for a moment.
 */
async function sha256Hex(file: Blob): Promise<string | undefined> {
  if (typeof crypto === 'undefined' || !crypto.subtle) return undefined;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Joins byte arrays. */
function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Fetches `url` with retries on network failures and 408/429/5xx answers, under the same
 * patience as file transfers; resolves with the first other answer. For small requests that
 * need no resume (a model's listing).
 */
export async function fetchWithRetry(url: string, context: DownloadContext): Promise<Response> {
  const limits = context.limits ?? RETRY_LIMITS;
  let since = performance.now();
  for (let attempt = 0; ; attempt++) {
    since += await waitWhilePaused(context.gate);
    try {
      const response = await context.network(url, { cache: 'no-store' });
      context.host.answered = true;
      if (!isRetryableStatus(response.status)) return response;
      await response.body?.cancel().catch(() => {});
      throw new RetryableAnswer(response.status);
    } catch (error) {
      if (!isTransient(error)) throw error;
      const waited = performance.now() - since;
      if (shouldGiveUp({ msWithoutProgress: waited, hostAnswered: context.host.answered }, limits)) throw error;
      since += await context.gate.sleep(retryDelay(attempt, Math.random(), limits));
    }
  }
}

/** Waits while paused; resolves with the time spent waiting. */
async function waitWhilePaused(gate: DownloadGate): Promise<number> {
  if (!gate.isPaused) return 0;
  const start = performance.now();
  await gate.whenRunning();
  return performance.now() - start;
}

/**
 * Downloads one file (see the module comment) and resolves with a 200 `Response` over its
 * verified bytes (backed by the persisted parts, not memory), or with the server's own answer
 * when it refuses the file for good (404, 403, ...), for transformers.js to report. Rejects with
 * `integrity` after a second mismatch, with `network-error` when transfers broke off and did not
 * resume within the patience, or with the network's `TypeError` when the host never answered.
 */
export async function downloadFile(request: DownloadRequest, context: DownloadContext): Promise<Response> {
  const { url, file, expected } = request;
  const { store, gate } = context;
  const limits = context.limits ?? RETRY_LIMITS;
  const sameOrigin = typeof location !== 'undefined' && new URL(url, location.href).origin === location.origin;

  const held = await store.held(url);
  let received = held.received;
  let size = expected?.size ?? held.size;
  let validators = held.validators;
  /**
   * The bytes held, in order from 0: parts in Cache Storage (`key`), and parts still in memory
   * (`bytes`: being written, or kept there because storage refused them).
   */
  let segments: { start: number; end: number; key?: string; bytes?: Uint8Array }[] = held.parts.map((part) => ({ ...part }));
  /** Bytes received but not yet handed to a part, from offset `pendingStart`. */
  let pending: Uint8Array[] = [];
  let pendingStart = received;
  let pendingBytes = 0;
  /** Part writes, one after the other, in the background: reading never waits for the disk. */
  let writes: Promise<void> = Promise.resolve();
  let writesInFlight = 0;
  let storageRefused = false;
  let wanted = expected?.sha256;
  let contentType = 'application/octet-stream';
  /** Progress shown so far (never decreasing). */
  let shown = 0;
  const show = () => {
    if (received < shown) return;
    shown = received;
    request.onProgress?.(shown, size);
  };

  /** The bytes held, as Blobs in order (stored parts are backed by Cache Storage, not memory). */
  const heldBlobs = async (): Promise<Blob[]> => {
    const stored = await store.blobs(segments.filter((segment) => !segment.bytes) as { key: string }[]);
    let next = 0;
    const blobs = segments.map((segment) => (segment.bytes ? new Blob([segment.bytes as Uint8Array<ArrayBuffer>]) : stored[next++]));
    return [...blobs, ...pending.map((chunk) => new Blob([chunk as Uint8Array<ArrayBuffer>]))];
  };
  /** Hands the pending bytes to a part, written to Cache Storage in the background (kept in memory if storage refuses). */
  const persist = () => {
    if (pendingBytes === 0) return;
    const segment = { start: pendingStart, end: pendingStart + pendingBytes, bytes: concat(pending, pendingBytes) } as {
      start: number;
      end: number;
      key?: string;
      bytes?: Uint8Array;
    };
    segments.push(segment);
    pending = [];
    pendingStart = segment.end;
    pendingBytes = 0;
    if (storageRefused) return;
    writesInFlight++;
    writes = writes
      .then(async () => {
        if (storageRefused) return;
        try {
          segment.key = await store.put(url, segment.start, segment.bytes!, size, validators);
          delete segment.bytes;
        } catch (error) {
          storageRefused = true;
          context.onStorageRefused?.(error);
        }
      })
      .finally(() => writesInFlight--);
  };
  /** Forgets every byte held: the next request starts at 0. */
  const restart = async () => {
    await writes;
    await store.discard(url);
    segments = [];
    pending = [];
    received = pendingStart = pendingBytes = 0;
    validators = {};
  };

  // Bytes kept from an earlier attempt show at once; a file not started shows once its first
  // bytes arrive (a file that turns out not to exist shows no progress at all).
  if (received > 0) show();

  /** Transfers the rest of the file; resolves once every byte is held, or with the server's refusal. */
  const transfer = async (): Promise<Response | undefined> => {
    let lastProgress = performance.now();
    let restartsWithoutProgress = 0;
    for (let attempt = 0; ; ) {
      lastProgress += await waitWhilePaused(gate);
      if (size !== undefined && received >= size) return undefined;
      const controller = new AbortController();
      const stopOnPause = gate.onPause(() => controller.abort());
      try {
        const headers = new Headers();
        if (received > 0) {
          headers.set('Range', `bytes=${received}-`);
          const validator = validators.etag ?? validators.lastModified;
          if (validator && sameOrigin) headers.set('If-Range', validator);
        }
        const response = await context.network(url, { headers, signal: controller.signal, cache: 'no-store' });
        context.host.answered = true;
        const answer = validatorsOf(response);
        if (response.status === 206 && received > 0) {
          const range = parseContentRange(response.headers.get('content-range'));
          const mismatch =
            (range && range.start !== received) ||
            validatorsDiffer(validators, answer) ||
            (range?.size !== undefined && size !== undefined && range.size !== size);
          if (mismatch) {
            // Another version of the file, or not the bytes asked for: start over.
            await response.body?.cancel().catch(() => {});
            if (++restartsWithoutProgress > 3) throw new SlmError('network-error', `The server sends inconsistent ranges of "${file}".`);
            await restart();
            continue;
          }
          size ??= range?.size;
        } else if (response.status === 200) {
          // The whole file: a first request, a server without Range support, or a changed file.
          if (received > 0) await restart();
          validators = answer;
          size = expected?.size ?? sizeOfFullAnswer(response);
        } else if (response.status === 416) {
          await response.body?.cancel().catch(() => {});
          if (size !== undefined && received >= size) return undefined;
          if (++restartsWithoutProgress > 3) throw new SlmError('network-error', `The server refuses every range of "${file}".`);
          await restart();
          continue;
        } else if (isRetryableStatus(response.status)) {
          await response.body?.cancel().catch(() => {});
          throw new RetryableAnswer(response.status);
        } else if (!response.ok || response.status !== 206) {
          // The file is not there (or not for us): transformers.js reports it as it always has.
          if (received > 0) await restart();
          return response;
        }
        contentType = response.headers.get('content-type') ?? contentType;
        const stated = statedSha256(response);
        wanted ??= stated;
        if (!response.body) throw new TypeError('network error: an answer without a body');
        const reader = response.body.getReader();
        const partBytes = partSize(size);
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          pending.push(value);
          pendingBytes += value.byteLength;
          received += value.byteLength;
          lastProgress = performance.now();
          attempt = 0;
          restartsWithoutProgress = 0;
          show();
          if (pendingBytes >= partBytes) {
            persist();
            // At most a few parts wait in memory for the disk.
            if (writesInFlight > 2) await writes;
          }
        }
        if (size !== undefined && received < size) throw new TypeError('network error: the connection closed before the end of the file');
        size ??= received;
        return undefined;
      } catch (error) {
        if (controller.signal.aborted && gate.isPaused) {
          persist();
          await writes;
          continue;
        }
        if (!isTransient(error)) throw error;
        persist();
        await writes;
        if (shouldGiveUp({ msWithoutProgress: performance.now() - lastProgress, hostAnswered: context.host.answered }, limits)) {
          if (!context.host.answered) throw error;
          throw new SlmError(
            'network-error',
            `The download of "${file}" broke off and did not resume within ${Math.round(limits.patienceMs / 1000)} s (${errorText(error)}). ` +
              `The ${megabytes(received)} received are kept: loading again continues from there.`,
          );
        }
        lastProgress += await gate.sleep(retryDelay(attempt++, Math.random(), limits));
      } finally {
        stopOnPause();
      }
    }
  };

  let whole: Blob;
  for (let verified = 0; ; verified++) {
    const refusal = await transfer();
    if (refusal) return refusal;
    // Every write settled: once the file is cached, its parts are deleted (`ModelDownloads.finished`).
    await writes;
    whole = new Blob(await heldBlobs());
    const sizeWrong = (expected?.size !== undefined && received !== expected.size) || (size !== undefined && received !== size);
    const digest = !sizeWrong && wanted ? await sha256Hex(whole) : undefined;
    if (!sizeWrong && (digest === undefined || digest === wanted)) break;
    const what = sizeWrong ? `${received} bytes instead of ${expected?.size ?? size}` : `SHA-256 ${digest} instead of ${wanted}`;
    await restart();
    if (verified >= 1) {
      throw new SlmError(
        'integrity',
        `"${file}" arrived damaged twice (${what}), so it was not used. The server, a proxy or the network alters it; try again later or another network.`,
      );
    }
  }

  const headers = new Headers({ 'content-type': contentType, 'content-length': String(received) });
  if (validators.etag) headers.set('etag', validators.etag);
  if (validators.lastModified) headers.set('last-modified', validators.lastModified);
  return new Response(whole, { status: 200, headers });
}
