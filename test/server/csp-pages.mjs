/**
 * Test-server support for `test/csp.test.ts`: pages under a strict Content-Security-Policy, and a
 * second origin that serves the script-tag bundle the way a CDN does.
 *
 * - **Policy pages.** Files under `/test/fixtures/csp/` are sent as written, with the policy named
 *   by the page's `?csp=` query parameter as a `Content-Security-Policy` header. A test states the
 *   exact policy it proves, and the server adds only `report-uri` so that violations are seen.
 *   These pages are served here, not by the dev server, for two reasons: the dev server injects
 *   a `/__web-dev-server__web-socket.js` script into every HTML page (a user's page has none, so it
 *   has no place in a page whose every request is being judged), and `%CDN%` in a page stands for
 *   the CDN origin below, whose port is only known at run time.
 * - **The worker's own policy.** A dedicated worker does not inherit its creator's policy: it gets
 *   the one delivered with its script (CSP3 §4.2.2 "Initialize a global object's CSP list"); only
 *   `blob:`/`data:` workers inherit. A site with a strict policy sends the header with every
 *   response, worker script included, so the worker script requested by a policy page (its
 *   `Referer`) gets the page's policy too. Without this the test would prove nothing about the
 *   worker, which is where WebAssembly is compiled.
 * - **Reports.** `report-uri` points every policy page and worker at `POST /__csp-reports`;
 *   `GET /__csp-reports` answers the list, `POST /__csp-reports/reset` empties it. This is the only
 *   way to observe a violation inside the worker, where a page cannot listen for
 *   `securitypolicyviolation` events.
 * - **The CDN.** The test page is `http://localhost:PORT`; the same server reached as
 *   `http://127.0.0.1:PORT` is another origin. There it serves only `/dist/cdn/` and `/models/`,
 *   with `Access-Control-Allow-Origin: *` as public CDNs (jsDelivr, unpkg) do, and 404 for
 *   everything else, so nothing can be loaded from it by accident. `GET /__cdn-requests` (on the
 *   test origin) answers `{ "<path>": count }` of what the CDN served; `POST /__cdn-requests/reset`
 *   empties it.
 *
 * The reports and the CDN's counts are not kept per test file (./browser-contexts.mjs): neither a
 * report nor a request to the other origin carries the test file's cookie. Only csp.test.ts uses
 * them, and it runs on its own.
 */
import { readFile } from 'node:fs/promises';
import { ROOT, contentType, resolveFile } from '../../scripts/static-files.mjs';

/** URL path of the pages served under a policy. */
const PAGES = '/test/fixtures/csp/';
/** Host name of the second origin (the test page runs on `localhost`). */
const CDN_HOST = '127.0.0.1';
/** What the CDN origin hosts. */
const CDN_PREFIXES = ['/dist/cdn/', '/models/'];

/** The policy a policy page asked for, or `null` for a page (or referrer) that is not one. */
function requestedPolicy(url) {
  if (!url || url.origin === 'null' || !url.pathname.startsWith(PAGES)) return null;
  return url.searchParams.get('csp');
}

/** Parses a URL without throwing. */
function parse(href) {
  try {
    return new URL(href);
  } catch {
    return null;
  }
}

/** Koa middleware; put it before `untouchedFiles()` so CDN headers land on the files it sends. */
export function cspPages() {
  /** @type {object[]} */
  const reports = [];
  const cdnCounts = new Map();

  return async function csp(ctx, next) {
    const port = ctx.host.split(':').at(-1);
    const testOrigin = `http://localhost:${port}`;
    const withReports = (policy) => `${policy}; report-uri ${testOrigin}/__csp-reports`;

    if (ctx.hostname === CDN_HOST) {
      if (!CDN_PREFIXES.some((prefix) => ctx.path.startsWith(prefix))) {
        ctx.status = 404;
        return;
      }
      cdnCounts.set(ctx.path, (cdnCounts.get(ctx.path) ?? 0) + 1);
      ctx.set('Access-Control-Allow-Origin', '*');
      return next();
    }

    if (ctx.path === '/__csp-reports') {
      if (ctx.method === 'POST') {
        // Chromium posts `{ "csp-report": { ... } }` as `application/csp-report`.
        const body = await new Promise((resolve, reject) => {
          let text = '';
          ctx.req.setEncoding('utf8');
          ctx.req.on('data', (chunk) => (text += chunk));
          ctx.req.on('end', () => resolve(text));
          ctx.req.on('error', reject);
        });
        let report;
        try {
          report = JSON.parse(body);
        } catch {
          report = { unparsed: body };
        }
        reports.push(report['csp-report'] ?? report);
        ctx.status = 204;
        return;
      }
      ctx.body = reports;
      return;
    }
    if (ctx.path === '/__csp-reports/reset') {
      reports.length = 0;
      ctx.body = [];
      return;
    }
    if (ctx.path === '/__cdn-requests') {
      ctx.body = Object.fromEntries(cdnCounts);
      return;
    }
    if (ctx.path === '/__cdn-requests/reset') {
      cdnCounts.clear();
      ctx.body = {};
      return;
    }

    if (ctx.path.startsWith(PAGES)) {
      const file = await resolveFile(ROOT, ctx.path);
      if (!file) return next();
      const policy = requestedPolicy(parse(ctx.href));
      if (policy) ctx.set('Content-Security-Policy', withReports(policy));
      ctx.set('Content-Type', contentType(file.path));
      const text = await readFile(file.path, 'utf8');
      ctx.body = text.replaceAll('%CDN%', `http://${CDN_HOST}:${port}`);
      return;
    }

    // The worker script a policy page starts carries that page's policy (see above).
    const workerPolicy = ctx.get('sec-fetch-dest') === 'worker' ? requestedPolicy(parse(ctx.get('referer'))) : null;
    await next();
    if (workerPolicy) ctx.set('Content-Security-Policy', withReports(workerPolicy));
  };
}
