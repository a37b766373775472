/**
 * The bytes of unfinished downloads, kept in Cache Storage so that a broken transfer, a paused
 * one, a closed tab or a reload continues where it stopped (issue #16, "resume").
 *
 * Each part is one entry of the `slm-download-parts` cache, keyed `<file URL>?slm-part=<start>`
 * (`&` when the URL has a query), its body the bytes `[start, end)` and its headers what a resume
 * needs to know the bytes are still the file's: the file's size and its validators (`ETag`,
 * `Last-Modified`). Finished files move to the model cache (`transformers-cache`) whole, as
 * transformers.js reads them, and their parts are deleted.
 *
 * A separate cache keeps partial files out of everything that lists the model's cached files
 * (`isCached()`, the repair logic); `clearCache()` deletes a model's parts too.
 */

/** The Cache Storage bucket of unfinished downloads. */
export const PARTS_CACHE = 'slm-download-parts';

/** What identifies the version of a file whose bytes a part holds. */
export interface Validators {
  /** A strong `ETag` (weak ones cannot validate a byte range). */
  etag?: string | undefined;
  lastModified?: string | undefined;
}

/** The bytes of a file held so far, from offset 0, in order. */
export interface HeldParts {
  /** Bytes held (the end of the last contiguous part). */
  received: number;
  /** The file's size, as its server said. */
  size: number | undefined;
  validators: Validators;
  parts: { start: number; end: number; key: string }[];
}

const NOTHING: HeldParts = { received: 0, size: undefined, validators: {}, parts: [] };

const partKey = (url: string, start: number) => `${url}${url.includes('?') ? '&' : '?'}slm-part=${start}`;
const partPrefix = (url: string) => partKey(url, 0).replace(/0$/, '');

/** The durable store of unfinished downloads (a no-op where Cache Storage is missing). */
export class PartStore {
  private opened: Promise<Cache | undefined> | undefined;

  private open(): Promise<Cache | undefined> {
    this.opened ??= typeof caches === 'undefined' ? Promise.resolve(undefined) : caches.open(PARTS_CACHE).catch(() => undefined);
    return this.opened;
  }

  /**
   * The parts held for `url`: the longest run from byte 0 whose parts agree on size and
   * validators. Parts that do not fit that run are deleted.
   */
  async held(url: string): Promise<HeldParts> {
    const cache = await this.open();
    if (!cache) return NOTHING;
    const prefix = partPrefix(url);
    const entries: { start: number; end: number; key: string; size?: number; validators: Validators }[] = [];
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(prefix)) continue;
      const response = await cache.match(request);
      if (!response) continue;
      const start = Number(response.headers.get('x-slm-part-start'));
      const end = Number(response.headers.get('x-slm-part-end'));
      const size = response.headers.get('x-slm-size');
      entries.push({
        start,
        end,
        key: request.url,
        size: size ? Number(size) : undefined,
        validators: {
          etag: response.headers.get('x-slm-etag') ?? undefined,
          lastModified: response.headers.get('x-slm-last-modified') ?? undefined,
        },
      });
      void response.body?.cancel();
    }
    entries.sort((a, b) => a.start - b.start);
    const run: typeof entries = [];
    for (const entry of entries) {
      const previous = run.at(-1);
      const fits = previous
        ? entry.start === previous.end &&
          entry.size === previous.size &&
          entry.validators.etag === previous.validators.etag &&
          entry.validators.lastModified === previous.validators.lastModified
        : entry.start === 0;
      if (fits && entry.end > entry.start) run.push(entry);
      else await cache.delete(entry.key);
    }
    const first = run[0];
    if (!first) return NOTHING;
    return {
      received: run.at(-1)!.end,
      size: first.size,
      validators: first.validators,
      parts: run.map(({ start, end, key }) => ({ start, end, key })),
    };
  }

  /** Keeps `bytes` as the part of `url` starting at `start`. Rejects when storage refuses (quota). */
  async put(url: string, start: number, bytes: Uint8Array, size: number | undefined, validators: Validators): Promise<string> {
    const cache = await this.open();
    const key = partKey(url, start);
    if (!cache) return key;
    const headers = new Headers({
      'content-type': 'application/octet-stream',
      'x-slm-part-start': String(start),
      'x-slm-part-end': String(start + bytes.byteLength),
    });
    if (size !== undefined) headers.set('x-slm-size', String(size));
    if (validators.etag) headers.set('x-slm-etag', validators.etag);
    if (validators.lastModified) headers.set('x-slm-last-modified', validators.lastModified);
    await cache.put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
    return key;
  }

  /** The bytes of the given parts, in order, as Blobs (backed by Cache Storage, not memory). */
  async blobs(parts: readonly { key: string }[]): Promise<Blob[]> {
    const cache = await this.open();
    if (!cache) return [];
    return Promise.all(
      parts.map(async ({ key }) => {
        const response = await cache.match(key);
        if (!response) throw new TypeError(`network error: a stored part of a download is gone (${key})`);
        return response.blob();
      }),
    );
  }

  /** Deletes every part of `url`. */
  async discard(url: string): Promise<void> {
    const cache = await this.open();
    if (!cache) return;
    const prefix = partPrefix(url);
    for (const request of await cache.keys()) if (request.url.startsWith(prefix)) await cache.delete(request);
  }

  /** Deletes every part of every file under `folderUrl` (a model's folder); resolves with how many. */
  async discardFolder(folderUrl: string): Promise<number> {
    const cache = await this.open();
    if (!cache) return 0;
    let deleted = 0;
    for (const request of await cache.keys()) if (request.url.startsWith(folderUrl) && (await cache.delete(request))) deleted++;
    return deleted;
  }

  /** Bytes held for each file under `folderUrl` (file URL → bytes), for sizes still to download. */
  async heldBytes(folderUrl: string): Promise<Map<string, number>> {
    const cache = await this.open();
    const held = new Map<string, number>();
    if (!cache) return held;
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(folderUrl)) continue;
      const url = request.url.replace(/[?&]slm-part=\d+$/, '');
      if (!held.has(url)) held.set(url, (await this.held(url)).received);
    }
    return held;
  }
}
