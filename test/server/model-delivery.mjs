/**
 * Test-server middleware: serves the generated models (`/models/…`) the way real hosts do, and
 * breaks their delivery on request, for the download tests of issue #16 (`test/delivery.test.ts`).
 *
 * Always, like a static host and the Hugging Face Hub:
 * - `Range: bytes=N-` / `bytes=N-M` → 206 with `Content-Range`; past the end → 416;
 * - a strong `ETag` (the file's SHA-256, quoted) and `Last-Modified`; `If-Range` that matches
 *   neither → the whole file (200), as RFC 9110 says;
 * - for weight files (`*.onnx`), the Hub's LFS headers: `X-Linked-ETag` (the SHA-256) and
 *   `X-Linked-Size`;
 * - `Access-Control-Expose-Headers` for those, where the request is cross-origin (the CDN origin of
 *   `csp-pages.mjs` sets `Access-Control-Allow-Origin`).
 *
 * Faults, set with `POST /__delivery?<mode>&files=<regex>` (`files` picks the paths the mode
 * applies to, default `\.onnx$`; every POST resets the modes and the byte counts), for as long as
 * the test needs them:
 * - `break=0.3,0.7` → each matching file's transfer is cut (the connection closed, no more bytes)
 *   the first time it reaches 30 % of the file, and the first time it reaches 70 %;
 * - `ranges=0` → `Range` is ignored: every answer is the whole file (200) and no `Accept-Ranges`;
 * - `corrupt=N` → the first N transfers of a matching file that include its middle byte carry it
 *   flipped;
 * - `rate=B` → matching files are sent at about B bytes per second (a slow network);
 * - `down-after=F` → once a matching file's transfer reaches the fraction F of it, the host stops
 *   answering for matching files (every later request's connection is closed at once);
 * - `redirect=1` → matching files answer 302 to a CDN path (`/lfs-cdn/models/…`), as the Hub does
 *   for LFS files; the CDN serves the same bytes with an ETag of its own and no LFS headers.
 *
 * Modes and counts belong to one test file (test/server/browser-contexts.mjs), so that files running
 * at the same time never break each other's downloads.
 *
 * `GET /__delivery` answers `{ bytes: { "<path>": body bytes sent }, requests: { "<path>": [
 * "<status> <range or ->", … ] } }` since the last POST.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { ROOT, contentType, resolveFile } from '../../scripts/static-files.mjs';
import { perContext } from './browser-contexts.mjs';

const CDN_PREFIX = '/lfs-cdn';

/** Reads and hashes a file once per change (files are the small generated models). */
const files = new Map();
async function fileInfo(path) {
  const { mtimeMs, size } = await stat(path);
  const known = files.get(path);
  if (known && known.mtimeMs === mtimeMs && known.size === size) return known;
  const bytes = await readFile(path);
  const info = { mtimeMs, size, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  files.set(path, info);
  return info;
}

/** The requested byte range of a file of `size` bytes: `{ start, end }` (inclusive), `null` for none, `'unsatisfiable'`. */
function requestedRange(header, size) {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!match || (!match[1] && !match[2])) return null;
  let start;
  let end = size - 1;
  if (match[1]) {
    start = Number(match[1]);
    if (match[2]) end = Math.min(end, Number(match[2]));
  } else {
    start = Math.max(0, size - Number(match[2]));
  }
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function modelDelivery() {
  /** Per test file: its modes, byte counts, request log, per-path state (break offsets still to apply, transfers corrupted so far) and whether the host is down. */
  const deliveryOf = perContext(() => ({ mode: {}, bytes: new Map(), requests: new Map(), perFile: new Map(), down: false }));

  const stateOf = (d, path, size) => {
    let state = d.perFile.get(path);
    if (!state) {
      state = { breaks: (d.mode.breaks ?? []).map((fraction) => Math.floor(size * fraction)).sort((a, b) => a - b), corrupted: 0 };
      d.perFile.set(path, state);
    }
    return state;
  };

  return async function delivery(ctx, next) {
    const d = deliveryOf(ctx);
    if (ctx.path === '/__delivery') {
      if (ctx.method === 'POST') {
        const q = ctx.query;
        d.mode = {
          files: new RegExp(String(q.files ?? '\\.onnx$')),
          breaks: q.break ? String(q.break).split(',').map(Number) : undefined,
          noRanges: q.ranges === '0',
          corrupt: q.corrupt ? Number(q.corrupt) : 0,
          rate: q.rate ? Number(q.rate) : 0,
          downAfter: q['down-after'] ? Number(q['down-after']) : undefined,
          redirect: q.redirect === '1',
        };
        d.bytes = new Map();
        d.requests = new Map();
        d.perFile = new Map();
        d.down = false;
      }
      ctx.body = { bytes: Object.fromEntries(d.bytes), requests: Object.fromEntries(d.requests) };
      return;
    }

    const viaCdn = ctx.path.startsWith(`${CDN_PREFIX}/models/`);
    const path = viaCdn ? ctx.path.slice(CDN_PREFIX.length) : ctx.path;
    if (!path.startsWith('/models/') || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const file = await resolveFile(ROOT, path);
    if (!file) return next();
    const info = await fileInfo(file.path);
    const matching = d.mode.files?.test(path) ?? false;
    const log = (status, note = ctx.get('range') || '-') => {
      if (!d.requests.has(path)) d.requests.set(path, []);
      d.requests.get(path).push(`${status} ${note}`);
    };

    if (matching && d.down) {
      log('dropped');
      ctx.req.socket.destroy();
      ctx.respond = false;
      return;
    }
    if (matching && d.mode.redirect && !viaCdn) {
      log(302);
      ctx.status = 302;
      ctx.set('Location', `${CDN_PREFIX}${path}`);
      ctx.set('X-Linked-ETag', `"${info.sha256}"`);
      ctx.set('X-Linked-Size', String(info.size));
      return;
    }

    const etag = viaCdn ? `"cdn-${info.sha256.slice(0, 16)}"` : `"${info.sha256}"`;
    const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000).toUTCString();
    const headers = {
      'Content-Type': contentType(file.path),
      ETag: etag,
      'Last-Modified': lastModified,
    };
    if (!(matching && d.mode.noRanges)) headers['Accept-Ranges'] = 'bytes';
    if (path.endsWith('.onnx') && !viaCdn) {
      headers['X-Linked-ETag'] = `"${info.sha256}"`;
      headers['X-Linked-Size'] = String(info.size);
    }
    if (ctx.response.get('Access-Control-Allow-Origin')) {
      headers['Access-Control-Expose-Headers'] = 'ETag, Content-Range, Accept-Ranges, X-Linked-ETag, X-Linked-Size';
    }

    let range = matching && d.mode.noRanges ? null : requestedRange(ctx.get('range'), info.size);
    const ifRange = ctx.get('if-range');
    if (range && ifRange && ifRange !== etag && ifRange !== lastModified) range = null;
    if (range === 'unsatisfiable') {
      log(416);
      ctx.status = 416;
      ctx.set('Content-Range', `bytes */${info.size}`);
      return;
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : info.size - 1;
    const status = range ? 206 : 200;
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
    headers['Content-Length'] = String(end - start + 1);
    log(status);

    // Written by hand so that a transfer can be cut or slowed at an exact byte.
    ctx.respond = false;
    const res = ctx.res;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    // Headers set earlier by other middleware (request-log's Cache-Control, the CDN's CORS).
    for (const [name, value] of Object.entries(ctx.response.headers)) if (!res.hasHeader(name)) res.setHeader(name, value);
    res.statusCode = status;
    if (ctx.method === 'HEAD') {
      res.end();
      return;
    }
    let body = info.bytes.subarray(start, end + 1);
    const state = matching ? stateOf(d, path, info.size) : undefined;
    const flip = Math.floor(info.size / 2) - start;
    if (state && d.mode.corrupt > state.corrupted && flip >= 0 && flip < body.length) {
      // Counted only where the flipped byte is part of the transfer (not a 1-byte size probe).
      state.corrupted++;
      body = Buffer.from(body);
      body[flip] ^= 0xff;
    }
    // Where this transfer is cut: the first break point inside it.
    let cutAt;
    if (state) {
      const index = state.breaks.findIndex((offset) => offset > start && offset <= end);
      if (index >= 0) cutAt = state.breaks.splice(index, 1)[0] - start;
    }
    if (state && d.mode.downAfter !== undefined) {
      const offset = Math.floor(info.size * d.mode.downAfter);
      if (offset > start && offset <= end) {
        cutAt = offset - start;
        d.down = true;
      }
    }
    const limit = cutAt ?? body.length;
    const step = d.mode.rate && matching ? Math.max(1024, Math.floor(d.mode.rate / 20)) : 64 * 1024;
    let sent = 0;
    const count = (n) => d.bytes.set(path, (d.bytes.get(path) ?? 0) + n);
    const write = (chunk) => new Promise((resolve) => (res.write(chunk) ? resolve() : res.once('drain', resolve)));
    try {
      while (sent < limit && !res.destroyed) {
        const chunk = body.subarray(sent, Math.min(limit, sent + step));
        await write(chunk);
        count(chunk.length);
        sent += chunk.length;
        if (d.mode.rate && matching) await sleep((chunk.length / d.mode.rate) * 1000);
      }
    } catch {
      // The browser went away (a reload, a pause): nothing to do.
    }
    if (cutAt !== undefined) {
      // The connection drops mid-file: what was written arrives, the rest never does. The close
      // waits until the bytes have left (a bare `destroy()` drops what Node still buffers) and a
      // moment more: on loopback, bytes and close would otherwise reach Chromium in one read, and
      // it reports the broken body without handing over its last bytes (a real network spreads a
      // transfer over time).
      const socket = res.socket;
      if (socket) {
        while (socket.writableLength > 0 && !socket.destroyed) await sleep(10);
        await sleep(300);
        socket.destroy();
      }
    } else {
      res.end();
    }
  };
}
