/**
 * Static server of the GPU benchmark: the built library, transformers.js for the bare baseline,
 * the pages, and the generated models (from any folder), sent byte for byte with single `Range`
 * requests answered as static hosts do; plus two endpoints the autonomous page posts to:
 * `POST /gpu/result` (one JSON record, appended to the results) and `POST /gpu/done`.
 *
 * The page reports by itself, so the runner needs no DevTools connection: any browser binary that
 * opens a URL will do, which matters on a machine where only a bare `headless_shell` runs.
 */
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { contentType, resolveFile } from '../../scripts/static-files.mjs';

/** Only these folders are served (models come from `modelsDir`). */
const PUBLIC = ['/bench/', '/dist/', '/node_modules/@huggingface/transformers/dist/'];

/**
 * @param {object} options
 * @param {string} options.root Repository root (or a copy with the same layout).
 * @param {string} options.modelsDir Folder whose sub-folders are the models, served as `/models/`.
 * @param {(record: object) => void} options.onResult Called with every posted record.
 * @param {string} [options.plan] JSON served as `/gpu/plan.json`.
 * @returns {Promise<{ origin: string, done: Promise<void>, close(): Promise<void> }>}
 */
export async function startGpuServer({ root, modelsDir, onResult, plan = '{}' }) {
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'POST') {
      const chunks = [];
      for await (const chunk of request) chunks.push(chunk);
      response.writeHead(204).end();
      if (url.pathname === '/gpu/result') onResult(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      if (url.pathname === '/gpu/done') finish();
      return;
    }
    if (url.pathname === '/gpu/plan.json') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(plan);
      return;
    }
    let file = null;
    if (url.pathname.startsWith('/models/')) file = await resolveFile(modelsDir, url.pathname.slice('/models'.length));
    else if (PUBLIC.some((prefix) => url.pathname.startsWith(prefix))) file = await resolveFile(root, url.pathname);
    if (!file) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    const headers = { 'Content-Type': contentType(file.path), 'Cache-Control': 'no-cache', 'Accept-Ranges': 'bytes' };
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
        response.writeHead(416, { 'Content-Range': `bytes */${file.size}` }).end();
        return;
      }
      response.writeHead(206, { ...headers, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${file.size}` });
    } else {
      response.writeHead(200, { ...headers, 'Content-Length': file.size });
    }
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(file.path, { start, end }).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    origin: `http://127.0.0.1:${port}`,
    done,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
