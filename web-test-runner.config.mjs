/**
 * Tests run in Debian's Chromium (never a downloaded browser) with WebGPU exposed through
 * SwiftShader, against the built `dist/` (what users get) and the generated tiny model.
 */
import { defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';
import { untouchedFiles } from './scripts/static-files.mjs';
import { testTimings } from './scripts/test-timings.mjs';
import { browserContexts } from './test/server/browser-contexts.mjs';
import { consoleCapture } from './test/server/console-capture.mjs';
import { cspPages } from './test/server/csp-pages.mjs';
import { fixtureModels } from './test/server/fixture-models.mjs';
import { modelDelivery } from './test/server/model-delivery.mjs';
import { testBundles } from './test/server/test-bundles.mjs';
import { requestLog } from './test/server/request-log.mjs';
import { tabsPlugin } from './test/server/tabs.mjs';

/** Debian's Chromium with the given extra flags removed, running `concurrency` test files at once. */
function chromium({ without = [], concurrency = 1 } = {}) {
  return playwrightLauncher({
    product: 'chromium',
    concurrency,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS.filter((arg) => !without.includes(arg)),
    },
  });
}

/**
 * The one notice Lit's development build prints on every page. Tests load that build on purpose
 * (`exportConditions: ['development']`), so that `failOnLitDevWarnings()` (test/helpers.ts) fails a
 * test on any real dev-mode warning; this notice is no such warning, only noise in the log.
 */
const isLitDevModeNotice = ({ type, args }) =>
  type === 'warn' && typeof args[0] === 'string' && args[0].startsWith('Lit is in dev mode. Not recommended for production!');

/** `WTR_TIMINGS=1` adds a table of test files by duration; `WTR_TIMINGS=tests` lists each test too. */
const timings = process.env.WTR_TIMINGS ? [testTimings({ perTest: process.env.WTR_TIMINGS === 'tests' })] : [];

/**
 * Test files that run on their own, after the others: the WebGPU ones (SwiftShader keeps every
 * core busy, and a second file beside it pushed a test past its timeout), the ghost-text one (it
 * relies on keystrokes arriving well within a 300 ms pause), and the CSP one (its second origin's
 * requests and its reports cannot be told apart by test file: test/server/request-log.mjs).
 */
const ALONE = ['test/webgpu.test.ts', 'test/ghost-text.test.ts', 'test/csp.test.ts'];

/**
 * The slowest of the other files, slowest first (measured with `WTR_TIMINGS=1`): with two files at
 * a time, a long file started last would run alone at the end. Only an order; every file matching
 * `test/**\/*.test.ts` runs.
 */
const SLOWEST_FIRST = [
  'test/delivery.test.ts',
  'test/tools.test.ts',
  'test/faults.test.ts',
  'test/sharing-origin.test.ts',
  'test/sharing-relay.test.ts',
  'test/fill.test.ts',
  'test/scheduler.test.ts',
  'test/structured-output.test.ts',
  'test/bad-input.test.ts',
];

export default {
  files: [...SLOWEST_FIRST, 'test/**/*.test.ts', '!test/no-webgpu/**', ...ALONE.map((file) => `!${file}`)],
  nodeResolve: { exportConditions: ['development'] },
  // Two test files at a time, each in a browser context of its own (own Cache Storage) and with
  // its own request log and network switches on the server (test/server/browser-contexts.mjs).
  // Most of a file's time is one thread busy (a model worker starting ONNX Runtime, a reference
  // pipeline), so two files keep both cores of the 2-core CI machine working. The groups below
  // run after the default one, one browser at a time (`concurrentBrowsers`).
  concurrentBrowsers: 1,
  testsFinishTimeout: 20 * 60 * 1000,
  browserStartTimeout: 120 * 1000,
  testFramework: { config: { timeout: 120_000 } },
  middleware: [browserContexts(), requestLog(), fixtureModels(), cspPages(), modelDelivery(), testBundles(), untouchedFiles()],
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'test/tsconfig.json', target: 'es2022' }), consoleCapture(), tabsPlugin()],
  browsers: [chromium({ concurrency: 2 })],
  filterBrowserLogs: (log) => !isLitDevModeNotice(log),
  reporters: [defaultReporter(), ...timings],
  groups: [
    // The same tests' promise for visitors without WebGPU: a browser without the flag has no adapter.
    { name: 'no-webgpu', files: ['test/no-webgpu/**/*.test.ts'], browsers: [chromium({ without: ['--enable-unsafe-webgpu'] })] },
    { name: 'alone', files: ALONE, browsers: [chromium()] },
  ],
};
