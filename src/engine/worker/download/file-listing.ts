/**
 * Which files a model has, with their sizes and SHA-256 where the host states them, known before
 * any of them is asked for (issue #16, "no console noise"): every request for a file that does
 * not exist is a red "404" line in the visitor's console, and transformers.js finds out which
 * precisions a model ships by asking for their files one by one.
 *
 * Sources, in order:
 * - the Hugging Face Hub's file listing (`/api/models/<id>/tree/<revision>?recursive=true`),
 *   whose `lfs.oid` is the SHA-256 of each weight file, for models read from the Hub;
 * - a self-hosted folder's `manifest.json` (written by `scripts/write-manifest.mjs`, format in
 *   docs/self-hosting.md): `{ "files": { "<path>": { "size": n, "sha256": "<hex>" } } }`;
 * - nothing: a folder without a manifest. The engine then reads the model's own
 *   `transformers.js_config` in `config.json` (see `declaredDtype`) and probes only what is
 *   still unknown.
 *
 * The parsers are pure (table-tested in `test/download-rules.test.ts`); `fetchListing` does the
 * requests.
 */

/** What is known about one file of a model before it is fetched. */
export interface ListedFile {
  /** Bytes, if stated. */
  size?: number;
  /** Lowercase hex SHA-256 of the file's bytes, if stated. */
  sha256?: string;
}

/** Every file of a model (paths relative to its folder, such as `onnx/model_q4.onnx`). */
export interface FileListing {
  /** Where the list came from. */
  source: 'manifest' | 'hub';
  files: ReadonlyMap<string, ListedFile>;
}

/** The manifest's file name in a self-hosted model folder. */
export const MANIFEST_FILE = 'manifest.json';

const SHA256 = /^[0-9a-f]{64}$/;

/** A SHA-256 in the forms hosts write it (`"<hex>"`, `sha256:<hex>`, upper case), or `undefined`. */
export function normalizeSha256(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value
    .trim()
    .replace(/^W\//, '')
    .replace(/^"|"$/g, '')
    .replace(/^sha256:/i, '')
    .toLowerCase();
  return SHA256.test(hex) ? hex : undefined;
}

const sizeOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

/**
 * The files of a `manifest.json`. Throws a `SyntaxError` naming the problem for a manifest that
 * is not one (a folder's manifest is a promise about its files; a broken one is worth saying so).
 */
export function parseManifest(json: unknown): Map<string, ListedFile> {
  const files = (json as { files?: unknown } | null)?.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new SyntaxError('manifest.json has no "files" object');
  }
  const listed = new Map<string, ListedFile>();
  for (const [path, entry] of Object.entries(files as Record<string, unknown>)) {
    const { size, sha256 } = (entry ?? {}) as { size?: unknown; sha256?: unknown };
    if (sha256 !== undefined && normalizeSha256(sha256) === undefined) {
      throw new SyntaxError(`manifest.json: "${path}" has a sha256 that is not 64 hex digits`);
    }
    listed.set(path.replace(/^\.?\//, ''), { size: sizeOf(size), sha256: normalizeSha256(sha256) });
  }
  return listed;
}

/**
 * The files of one page of the Hub's tree listing: entries `{ type: "file", path, size, lfs?: {
 * oid, size } }`, where `lfs.oid` is the SHA-256 of an LFS file (weights); plain git files
 * (config, tokenizer) carry a git blob id, which is not a content hash we can check.
 */
export function parseHubTree(json: unknown): Map<string, ListedFile> {
  if (!Array.isArray(json)) throw new SyntaxError('the Hub listing is not an array');
  const listed = new Map<string, ListedFile>();
  for (const entry of json as { type?: unknown; path?: unknown; size?: unknown; lfs?: { oid?: unknown; size?: unknown } }[]) {
    if (entry?.type !== 'file' || typeof entry.path !== 'string') continue;
    listed.set(entry.path, { size: sizeOf(entry.lfs?.size) ?? sizeOf(entry.size), sha256: normalizeSha256(entry.lfs?.oid) });
  }
  return listed;
}

/** The Hub's listing of every file of `model` at `revision`. */
export function hubTreeUrl(hubHost: string, model: string, revision = 'main'): string {
  const host = hubHost.endsWith('/') ? hubHost : `${hubHost}/`;
  return `${host}api/models/${model}/tree/${encodeURIComponent(revision)}?recursive=true`;
}

/** The next page of a paginated Hub listing (`Link: <…>; rel="next"`), if any. */
export function nextPageUrl(link: string | null, base: string): string | undefined {
  const next = link?.split(',').find((part) => /rel="?next"?/.test(part));
  const target = next && /<([^>]+)>/.exec(next)?.[1];
  return target ? new URL(target, base).href : undefined;
}

/**
 * The dtype a model's own `config.json` declares in `transformers.js_config.dtype` (the
 * convention of the onnx-community exports): its weights exist, so a folder without a manifest
 * can use it without asking for the others. `undefined` when absent or per-session.
 */
export function declaredDtype(config: unknown): string | undefined {
  const dtype = (config as { 'transformers.js_config'?: { dtype?: unknown } } | null)?.['transformers.js_config']?.dtype;
  return typeof dtype === 'string' ? dtype : undefined;
}

/** Where a model's listing is read from. */
export type ListingLocation = { kind: 'hub'; hubHost: string; model: string } | { kind: 'folder'; folderUrl: string };

/**
 * Reads the listing: the Hub's (following its pages) or the folder's manifest. Resolves `null`
 * when there is none (no manifest: a 404, an HTML page, not JSON; or the Hub did not answer with
 * a listing), so the caller falls back to asking file by file. Network failures reject
 * (`fetchFile` decides about retries); JSON that is not a manifest rejects with a `SyntaxError`.
 */
export async function fetchListing(
  where: ListingLocation,
  fetchFile: (url: string) => Promise<Response>,
): Promise<FileListing | null> {
  if (where.kind === 'folder') {
    const response = await fetchFile(`${where.folderUrl}${MANIFEST_FILE}`);
    // Some servers answer every unknown path with their index page (single-page-app fallbacks):
    // that is no manifest either.
    if (!response.ok || /html/i.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel().catch(() => {});
      return null;
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      return null;
    }
    return complete({ source: 'manifest', files: parseManifest(json) });
  }
  const files = new Map<string, ListedFile>();
  let url: string | undefined = hubTreeUrl(where.hubHost, where.model);
  for (let pages = 0; url && pages < 50; pages++) {
    const response = await fetchFile(url);
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return null;
    }
    for (const [path, file] of parseHubTree(await response.json())) files.set(path, file);
    url = nextPageUrl(response.headers.get('link'), url);
  }
  return complete({ source: 'hub', files });
}

/**
 * The listing, if it can be trusted to be whole: files it does not name are answered "not found"
 * without asking, so a list cut short (a page lost, a manifest written for another folder) would
 * hide files that exist. Every model has a `config.json`; a list without one is not used.
 */
function complete(listing: FileListing): FileListing | null {
  return listing.files.has('config.json') ? listing : null;
}
