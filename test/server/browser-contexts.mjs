/**
 * Tells the test server's requests apart by the test file that caused them, so that test files
 * can run at the same time (`concurrency` in web-test-runner.config.mjs) without seeing each
 * other's requests or switches: a request count, the offline switch or a slowed-down path belongs
 * to one test file.
 *
 * web-test-runner opens every test file in a browser context of its own, at
 * `/?wtr-session-id=<id>`. The answer to that page sets a cookie naming the session, and the
 * browser then sends it with every request of that context: the page, its iframes, its workers'
 * scripts and their `fetch`es (transformers.js and ONNX Runtime fetch with the default
 * `credentials: 'same-origin'`). Requests without the cookie (the second, "CDN" origin of
 * test/server/csp-pages.mjs, which never receives it) share one key, `''`.
 */

/** The cookie's name. */
const COOKIE = 'wtr-context';
/** web-test-runner's query parameter on a test file's page and its test module. */
const SESSION_PARAM = 'wtr-session-id';

/** The test file (web-test-runner session) a request belongs to, or `''` when unknown. */
export function contextOf(ctx) {
  return ctx.query[SESSION_PARAM] ?? ctx.cookies.get(COOKIE) ?? '';
}

/**
 * Koa middleware, first in the chain: names the session in a cookie on the answer to each test
 * file's page and module.
 */
export function browserContexts() {
  return async function browserContext(ctx, next) {
    const session = ctx.query[SESSION_PARAM];
    if (typeof session === 'string' && session !== ctx.cookies.get(COOKIE)) {
      ctx.cookies.set(COOKIE, session, { httpOnly: true, sameSite: 'lax', overwrite: true });
    }
    return next();
  };
}

/** A value per test file, made by `create` on first use. */
export function perContext(create) {
  const values = new Map();
  return (ctx) => {
    const key = contextOf(ctx);
    if (!values.has(key)) values.set(key, create());
    return values.get(key);
  };
}
