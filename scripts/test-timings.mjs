/**
 * A web-test-runner reporter that prints how long each test file took in the browser, from the
 * moment its page started loading to its last result, slowest first, when the run ends. It is how
 * issue #18's "where does the time of `npm test` go" was answered:
 *
 *   WTR_TIMINGS=1 npm test                                   per file
 *   WTR_TIMINGS=tests npx web-test-runner test/x.test.ts     per file, and each test of it
 *
 * Wall time, not CPU time: with several files at once (`concurrency`) the figures overlap, and on a
 * shared machine they include what other processes took.
 */
import { relative } from 'node:path';

/** Every test of a session's result tree, with its suite names. */
function* testsOf(suite, path = []) {
  for (const test of suite?.tests ?? []) yield { name: [...path, test.name].join(' › '), ms: test.duration ?? 0 };
  for (const child of suite?.suites ?? []) yield* testsOf(child, [...path, child.name]);
}

const seconds = (ms) => `${(ms / 1000).toFixed(1).padStart(7)} s`;

/** The reporter; pass it alongside the default one in `reporters`. `perTest` also lists each test. */
export function testTimings({ perTest = false } = {}) {
  /** @type {Map<string, { file: string, group: string, started: number, finished?: number, results?: object }>} */
  const sessions = new Map();
  let runStarted = 0;
  return {
    start({ sessions: manager, startTime }) {
      runStarted = startTime;
      manager.on('session-status-updated', (session) => {
        // The first sessions may start before the reporter does: they started with the run.
        const entry = sessions.get(session.id) ?? { file: session.testFile, group: session.group.name, started: runStarted };
        if (session.status === 'INITIALIZING') entry.started = Date.now();
        if (session.status === 'FINISHED') {
          entry.finished = Date.now();
          entry.results = session.testResults;
        }
        sessions.set(session.id, entry);
      });
    },
    stop() {
      const rows = [...sessions.values()]
        .filter((entry) => entry.finished)
        .map((entry) => ({ ...entry, ms: entry.finished - entry.started }))
        .sort((a, b) => b.ms - a.ms);
      if (rows.length === 0) return;
      const total = Math.max(...rows.map((row) => row.finished)) - runStarted;
      const lines = rows.flatMap((row) => [
        `${seconds(row.ms)}  ${relative(process.cwd(), row.file)}${row.group === 'default' ? '' : ` (${row.group})`}`,
        ...(perTest
          ? [...testsOf(row.results)].sort((a, b) => b.ms - a.ms).map((test) => `  ${seconds(test.ms)}    ${test.name}`)
          : []),
      ]);
      console.log(`\nTest files by wall time (${rows.length} files, ${(total / 1000).toFixed(1)} s from start to the last result):\n${lines.join('\n')}`);
    },
  };
}
