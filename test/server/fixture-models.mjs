/**
 * Test-server switches for the fault tests:
 *
 * - Offline: `POST /__offline/on` makes every request for model files (`/models/`) and ONNX
 *   Runtime's WebAssembly binaries (`*.wasm`) fail as a dropped connection does (the browser's
 *   `fetch` rejects with "Failed to fetch"); `POST /__offline/off` ends it. Scripts (the page's,
 *   the library's, ONNX Runtime's small `.mjs` loader) stay reachable, as they would from the HTTP
 *   cache or a service worker on a real offline visit: Cache Storage holds what is big.
 * - Unreachable scripts: `POST /__unreachable?path=/dist/…` makes requests for exactly that path
 *   fail the same way (a script that cannot be fetched: offline before it was ever cached, or a
 *   CDN outage); `POST /__unreachable` with no path ends it. `POST /__slow?path=/dist/…` answers
 *   requests for that path 1.5 s late instead (a slow network), `POST /__slow` ends it.
 * - `slm-huge`: Range probes of `/models/slm-huge/onnx/*` report a petabyte-sized file (the
 *   files themselves are the tiny model's), so a storage check must refuse the download.
 *
 * The switches hold for the test file that set them (./browser-contexts.mjs): one file going
 * offline does not take the network from another one running at the same time.
 */
import { perContext } from './browser-contexts.mjs';

/** What an offline visit cannot fetch: model files and WebAssembly binaries. */
const isBlocked = (path) => path.startsWith('/models/') || path.endsWith('.wasm');
const PETABYTE = 10 ** 15;

export function fixtureModels() {
  const switchesOf = perContext(() => ({ offline: false, unreachable: '', slow: '' }));
  return async function fixtures(ctx, next) {
    const switches = switchesOf(ctx);
    if (ctx.path === '/__offline/on' || ctx.path === '/__offline/off') {
      switches.offline = ctx.path.endsWith('/on');
      ctx.body = { offline: switches.offline };
      return;
    }
    if (ctx.path === '/__unreachable') {
      switches.unreachable = String(ctx.query.path ?? '');
      ctx.body = { unreachable: switches.unreachable };
      return;
    }
    if (ctx.path === '/__slow') {
      switches.slow = String(ctx.query.path ?? '');
      ctx.body = { slow: switches.slow };
      return;
    }
    const { offline, unreachable, slow } = switches;
    if (slow && ctx.path === slow) await new Promise((resolve) => setTimeout(resolve, 1500));
    if ((offline && isBlocked(ctx.path)) || (unreachable && ctx.path === unreachable)) {
      // No HTTP answer at all: the connection closes, as when the network is gone.
      ctx.req.socket.destroy();
      ctx.respond = false;
      return;
    }
    if (ctx.path.startsWith('/models/slm-huge/onnx/') && ctx.get('range')) {
      ctx.status = 206;
      ctx.set('Content-Range', `bytes 0-0/${PETABYTE}`);
      ctx.set('Content-Type', 'application/octet-stream');
      ctx.body = Buffer.from([0]);
      return;
    }
    return next();
  };
}
