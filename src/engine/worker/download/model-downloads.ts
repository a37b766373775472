/**
 * The one place where transformers.js meets the network for a model's files: `ModelDownloads.fetch`
 * is installed as `env.fetch` (transformers.js' hub.js calls it for every file it does not find in
 * Cache Storage, and for its `Range: bytes=0-0` probes of sizes and existence).
 *
 * For a URL in the model's folder it:
 * - reads the model's listing first (`file-listing.ts`: the Hub's, or the folder's manifest), once
 *   per worker and only when something is to be fetched (a warm load asks for nothing);
 * - answers probes from the listing without a request: 404 for a file that is not listed, the
 *   listed size for one that is (so a load prints no red 404 lines, issue #16);
 * - downloads whole files with `downloadFile` (resumed, verified, persisted in parts).
 *
 * Without a listing (a folder with no manifest) probes go to the network as before, and files
 * are still downloaded with resume (no hash to check unless the host sends one).
 * Every other URL goes to the network untouched.
 */
import { DownloadGate } from './download-gate.js';
import { fetchListing, type FileListing, type ListedFile, type ListingLocation } from './file-listing.js';
import { PartStore } from './part-store.js';
import { downloadFile, fetchWithRetry, type DownloadContext } from './resumable-download.js';
import type { RetryLimits } from './retry-policy.js';

/** Pauses and resumes every download of this worker (one worker loads one model). */
export const downloadGate = new DownloadGate();

/** Unfinished downloads of this worker's origin. */
export const partStore = new PartStore();

/** The network as it was before transformers.js' `env.fetch` was pointed here. */
const network: typeof fetch = globalThis.fetch.bind(globalThis);

/** Progress of one file: bytes held (never decreasing) and its size when known. */
export type FileProgressSink = (file: string, loaded: number, total: number | undefined) => void;

/** A synthesized answer: no request was made. */
function answer(status: number, headers: Record<string, string> = {}, body: BodyInit | null = null): Response {
  return new Response(body, { status, headers });
}

/** The URL of `input` as `fetch` takes it. */
function urlOf(input: RequestInfo | URL): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/** The downloads of one model: its listing, its probes and its files. */
export class ModelDownloads {
  /**
   * Listings this worker has read, by location: a query (`isCached()`, `downloadSize()`) and the
   * load after it, or another tab's load in a shared worker, ask the host for the listing once.
   */
  private static readonly listings = new Map<string, Promise<FileListing | null>>();
  private listed: Promise<FileListing | null> | undefined;
  private readonly context: DownloadContext;
  private sink: FileProgressSink | undefined;
  /**
   * Files this object downloaded, each with the release of its download lock: their parts go, and
   * the lock is released, once the whole file is in the model cache (`finished`).
   */
  private readonly downloaded = new Map<string, () => void>();
  private readonly cachedCopy: (url: string) => Promise<Response | undefined>;

  constructor(
    /** Every file of the model starts with this URL (ends with `/`). */
    readonly folderUrl: string,
    private readonly where: ListingLocation,
    options: {
      limits?: RetryLimits;
      onStorageRefused?: (error: unknown) => void;
      /** The model cache's copy of a file, if it has one (another tab may have finished it meanwhile). */
      cachedCopy?: (url: string) => Promise<Response | undefined>;
    } = {},
  ) {
    this.cachedCopy = options.cachedCopy ?? (() => Promise.resolve(undefined));
    this.context = {
      network,
      store: partStore,
      gate: downloadGate,
      host: { answered: false },
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.onStorageRefused ? { onStorageRefused: options.onStorageRefused } : {}),
    };
  }

  /** Where download progress goes (the load's progress aggregation). */
  set onProgress(sink: FileProgressSink | undefined) {
    this.sink = sink;
  }

  /**
   * The model's listing: read once, on first need. `null` when the host has none (no manifest);
   * a host that cannot be reached rejects, as any of its files would.
   */
  listing(): Promise<FileListing | null> {
    if (this.listed) return this.listed;
    const key = JSON.stringify(this.where);
    const known = ModelDownloads.listings.get(key);
    if (known) return (this.listed = known);
    const listed = fetchListing(this.where, (url) => fetchWithRetry(url, this.context)).catch((error: unknown) => {
      // Unreachable (or refused: an API blocked by a proxy) after the retries: load without a
      // listing, as for a folder without a manifest; the files' own requests decide the rest.
      // Not remembered: the host may answer next time.
      ModelDownloads.listings.delete(key);
      if (error instanceof TypeError) return null;
      this.listed = undefined;
      throw error;
    });
    ModelDownloads.listings.set(key, listed);
    return (this.listed = listed);
  }

  /** What the listing says about `file` (relative to the model folder), without asking for it. */
  async listedFile(file: string): Promise<ListedFile | undefined> {
    return (await this.listing())?.files.get(file);
  }

  /** `env.fetch` for transformers.js (see the module comment). */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = urlOf(input);
    if (!url.startsWith(this.folderUrl)) return network(input, init);
    const file = decodeURIComponent(url.slice(this.folderUrl.length).split('?')[0]);
    const range = new Headers(init?.headers).get('range');
    const listing = await this.listing();
    const listed = listing?.files.get(file);
    if (listing && !listed) return answer(404);
    if (range !== null) {
      // transformers.js probes existence and size with `bytes=0-0`.
      if (range === 'bytes=0-0' && listed?.size !== undefined) {
        return answer(206, { 'content-range': `bytes 0-0/${listed.size}`, 'content-length': '1' }, new Uint8Array(1));
      }
      return network(input, init);
    }
    const release = await downloadLock(url);
    try {
      // Another tab (another worker of this origin) may have finished the file while we waited.
      const cached = await this.cachedCopy(url);
      if (cached) {
        release();
        return cached;
      }
      const response = await downloadFile(
        { url, file, expected: listed, onProgress: (loaded, total) => this.sink?.(file, loaded, total) },
        this.context,
      );
      if (response.status !== 200) {
        release();
        return response;
      }
      this.downloaded.set(url, release);
      return response;
    } catch (error) {
      release();
      throw error;
    }
  };

  /** A file is in the model cache now (or storage refused it): its parts are no longer needed. */
  async finished(url: string): Promise<void> {
    const release = this.downloaded.get(url);
    if (!release) return;
    this.downloaded.delete(url);
    try {
      await partStore.discard(url);
    } finally {
      release();
    }
  }
}

/**
 * Waits until this worker is the only one of the origin downloading `url` (Web Locks; two tabs
 * opened at once would otherwise fetch the same bytes twice and write the same parts). Resolves
 * with the release. Without Web Locks, at once.
 */
async function downloadLock(url: string): Promise<() => void> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return () => {};
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await new Promise<void>((granted) => {
    void locks.request(`slm-download ${url}`, () => {
      granted();
      return held;
    });
  });
  return release;
}
