import { contextOf, perContext } from './browser-contexts.mjs';

/**
 * Counts the requests the test browser makes (page, workers and all), so tests can assert what
 * went over the network, e.g. "the model file was fetched once" or "one worker script was loaded".
 *
 * `GET /__requests` answers `{ "<path>": count }`; `POST /__requests/reset` empties the log.
 * Range requests (transformers.js probes file sizes and existence with `Range: bytes=0-0`) are
 * counted under `<path> (range)`, so a test can tell a probe from a download.
 *
 * Each test file has its own log (./browser-contexts.mjs), so files running at the same time do
 * not count each other's requests. Requests that carry no test file's cookie, those to the second
 * ("CDN") origin, go to a log that every file's answer includes and every reset empties: only
 * csp.test.ts makes them, and it runs on its own (web-test-runner.config.mjs).
 */
export function requestLog() {
  const countsOf = perContext(() => new Map());
  const unattributed = new Map();
  return async function log(ctx, next) {
    const counts = contextOf(ctx) === '' ? unattributed : countsOf(ctx);
    if (ctx.path === '/__requests') {
      const all = new Map(counts);
      for (const [path, count] of unattributed) if (counts !== unattributed) all.set(path, (all.get(path) ?? 0) + count);
      ctx.body = Object.fromEntries(all);
      return;
    }
    if (ctx.path === '/__requests/reset') {
      counts.clear();
      unattributed.clear();
      ctx.body = {};
      return;
    }
    // @web/test-runner marks every file cacheable for a year (its cacheMiddleware runs after ours
    // and sets the header last). The browser's HTTP cache would then answer repeat requests and
    // hide them from this log, so responses are `no-store` and later attempts to change that are
    // ignored: what tests count is what really crossed the network, and only Cache Storage caches.
    ctx.response.set('Cache-Control', 'no-store');
    const set = ctx.response.set.bind(ctx.response);
    ctx.response.set = (field, value) => {
      if (typeof field === 'string' && field.toLowerCase() === 'cache-control') return;
      set(field, value);
    };
    const key = ctx.get('range') ? `${ctx.path} (range)` : ctx.path;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return next();
  };
}
