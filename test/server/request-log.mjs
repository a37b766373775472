/**
 * Counts the requests the test browser makes (page, workers and all), so tests can assert what
 * went over the network, e.g. "the model file was fetched once" or "one worker script was loaded".
 *
 * `GET /__requests` answers `{ "<path>": count }`; `POST /__requests/reset` empties the log.
 */
export function requestLog() {
  const counts = new Map();
  return async function log(ctx, next) {
    if (ctx.path === '/__requests') {
      ctx.body = Object.fromEntries(counts);
      return;
    }
    if (ctx.path === '/__requests/reset') {
      counts.clear();
      ctx.body = {};
      return;
    }
    counts.set(ctx.path, (counts.get(ctx.path) ?? 0) + 1);
    return next();
  };
}
