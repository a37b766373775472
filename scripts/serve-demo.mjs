#!/usr/bin/env node
/**
 * `npm start`: serves the demo page (demo/index.html) with the script-tag build and the generated
 * tiny model, exactly as a static host would: files byte for byte, no rewriting.
 */
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { ROOT, contentType, resolveFile } from './static-files.mjs';

const port = Number(process.env.PORT ?? 8000);
const host = process.env.HOST ?? '127.0.0.1';
/** Only these folders are public; `/` is the demo page (`/examples/<framework>/index.html` after `npm run build:examples`). */
const PUBLIC = ['/demo/', '/dist/cdn/', '/models/', '/examples/'];

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = url.pathname === '/' ? '/demo/index.html' : url.pathname;
  const file = PUBLIC.some((prefix) => path.startsWith(prefix)) ? await resolveFile(ROOT, path) : null;
  if (!file) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  response.writeHead(200, {
    'Content-Type': contentType(file.path),
    'Content-Length': file.size,
    'Cache-Control': 'no-cache',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file.path).pipe(response);
});

server.listen(port, host, () => {
  console.log(`slm-elements demo: http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`);
  console.log(`Offline, with the bundled tiny model: http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/?model=slm-tiny`);
});
