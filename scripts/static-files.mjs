/**
 * Files that must reach the browser byte for byte. The dev server rewrites import specifiers in
 * every JavaScript file it serves, which breaks ONNX Runtime's `ort-wasm-*.mjs` loaders and would
 * make the script-tag bundle something other than what users get. Both the test server and the
 * demo server send these paths untouched.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** URL path prefixes served untouched. */
export const UNTOUCHED_PREFIXES = ['/dist/cdn/', '/node_modules/onnxruntime-web/dist/', '/models/'];

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** MIME type for a file name. */
export function contentType(file) {
  return TYPES[extname(file)] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file under `root`, refusing paths that escape it.
 * Returns `null` when the path is outside `root` or not a file.
 */
export async function resolveFile(root, urlPath) {
  const path = normalize(join(root, decodeURIComponent(urlPath.split('?')[0])));
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size } : null;
  } catch {
    return null;
  }
}

/** Koa middleware for @web/dev-server and @web/test-runner: sends untouched files as they are. */
export function untouchedFiles(root = ROOT) {
  return async function untouched(ctx, next) {
    if (!UNTOUCHED_PREFIXES.some((prefix) => ctx.path.startsWith(prefix))) return next();
    const file = await resolveFile(root, ctx.path);
    if (!file) return next();
    ctx.set('Content-Type', contentType(file.path));
    ctx.set('Content-Length', String(file.size));
    ctx.body = createReadStream(file.path);
  };
}

