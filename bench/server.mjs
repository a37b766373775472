/**
 * The benchmark's static file server: the repository root (built library, generated models,
 * transformers.js for the naive baselines, the bench pages), files sent byte for byte as a plain
 * static host would (ONNX Runtime's `.mjs` loaders break under rewriting dev servers), with a
 * log of every request so the runner can count model loads, worker starts and bytes.
 *
 * Like common static hosts (nginx, CDNs) it answers single `Range` requests with 206 and
 * revalidates with `ETag` (`Cache-Control: no-cache`): the browser's HTTP cache may keep a file
 * but must ask first, so every use of a file shows up in the log, and a 304 costs no body bytes.
 * What the library caches itself (Cache Storage) never reaches the server at all. `faults` makes
 * the connection flaky on demand (weights transfers cut mid-file).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { ROOT, contentType, resolveFile } from '../scripts/static-files.mjs';

/** Only these folders are served. */
const PUBLIC = ['/bench/', '/dist/', '/models/', '/node_modules/'];

/**
 * @typedef {object} RequestRecord
 * @property {number} at `performance.now()` in the runner when the request arrived.
 * @property {string} path URL path.
 * @property {number} status HTTP status sent.
 * @property {boolean} range Whether the request carried a `Range` header.
 * @property {number} bytes Body bytes sent.
 */

/**
 * Faults of a flaky connection, for the load benchmark (issue #16): while `breaks` is set, every
 * transfer of a weights file (`*.onnx`) is cut (the connection closed, the rest never sent) the
 * first time it reaches each of these fractions of the file. Setting `faults.breaks` anew forgets
 * which cuts were made.
 * @typedef {object} Faults
 * @property {number[] | undefined} breaks Fractions of the file, e.g. `[0.3, 0.7]`.
 */

/**
 * Starts the server on a free loopback port.
 * @returns {Promise<{ origin: string, log: RequestRecord[], faults: Faults, close(): Promise<void> }>}
 */
export async function startBenchServer() {
  /** @type {RequestRecord[]} */
  const log = [];
  /** @type {Faults} */
  const faults = { breaks: undefined };
  /** Per weights file: the cuts still to make (byte offsets), for the current `faults.breaks`. */
  let cuts = new Map();
  let cutsFor;
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const record = { at: performance.now(), path: url.pathname, status: 404, range: Boolean(request.headers.range), bytes: 0 };
    log.push(record);
    const file = PUBLIC.some((prefix) => url.pathname.startsWith(prefix)) ? await resolveFile(ROOT, url.pathname) : null;
    if (!file) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    const { mtimeMs } = await stat(file.path);
    const etag = `"${file.size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
    const headers = {
      'Content-Type': contentType(file.path),
      'Cache-Control': 'no-cache',
      ETag: etag,
      'Accept-Ranges': 'bytes',
    };
    if (url.searchParams.has('isolated') && file.path.endsWith('.html')) {
      // Cross-origin isolation, only for pages that ask: it refines performance.now() from
      // 100 µs to 5 µs (the render benchmark times sub-millisecond work). It would also give ONNX
      // Runtime threads, so pages that run a model never ask for it.
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    if (request.headers['if-none-match'] === etag) {
      record.status = 304;
      response.writeHead(304, headers).end();
      return;
    }
    let start = 0;
    let end = file.size - 1;
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    if (range && (range[1] || range[2])) {
      if (range[1]) {
        start = Number(range[1]);
        if (range[2]) end = Math.min(end, Number(range[2]));
      } else {
        start = Math.max(0, file.size - Number(range[2]));
      }
      if (start > end) {
        record.status = 416;
        response.writeHead(416, { 'Content-Range': `bytes */${file.size}` }).end();
        return;
      }
      record.status = 206;
      response.writeHead(206, { ...headers, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${file.size}` });
    } else {
      record.status = 200;
      response.writeHead(200, { ...headers, 'Content-Length': file.size });
    }
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    // A flaky connection: the first cut inside this transfer ends it there.
    let last = end;
    let cut = false;
    if (faults.breaks && file.path.endsWith('.onnx')) {
      if (cutsFor !== faults.breaks) {
        cuts = new Map();
        cutsFor = faults.breaks;
      }
      if (!cuts.has(url.pathname)) cuts.set(url.pathname, faults.breaks.map((f) => Math.floor(file.size * f)));
      const pending = cuts.get(url.pathname);
      const index = pending.findIndex((offset) => offset > start && offset <= end);
      if (index >= 0) {
        last = pending.splice(index, 1)[0] - 1;
        cut = true;
      }
    }
    const stream = createReadStream(file.path, { start, end: last });
    stream.on('data', (chunk) => (record.bytes += chunk.length));
    if (!cut) {
      stream.pipe(response);
      return;
    }
    stream.pipe(response, { end: false });
    stream.on('end', () => {
      // Once the bytes have left (and a moment more, as on a real network), the connection drops.
      const socket = response.socket;
      const close = () => (socket && socket.writableLength > 0 ? setTimeout(close, 10) : setTimeout(() => socket?.destroy(), 300));
      close();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    faults,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
