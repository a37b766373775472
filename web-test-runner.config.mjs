/**
 * Tests run in Debian's Chromium (never a downloaded browser) with WebGPU exposed through
 * SwiftShader, against the built `dist/` (what users get) and the generated tiny model.
 */
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs';
import { untouchedFiles } from './scripts/static-files.mjs';
import { cspPages } from './test/server/csp-pages.mjs';
import { fixtureModels } from './test/server/fixture-models.mjs';
import { testBundles } from './test/server/test-bundles.mjs';
import { requestLog } from './test/server/request-log.mjs';


/** Debian's Chromium with the given extra flags removed. */
function chromium({ without = [] } = {}) {
  return playwrightLauncher({
    product: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS.filter((arg) => !without.includes(arg)),
    },
  });
}

export default {
  files: ['test/**/*.test.ts', '!test/no-webgpu/**'],
  nodeResolve: { exportConditions: ['development'] },
  // The model worker and the reference pipelines both need the CPU; two cores, one test file at a time.
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 20 * 60 * 1000,
  browserStartTimeout: 120 * 1000,
  testFramework: { config: { timeout: 120_000 } },
  middleware: [requestLog(), fixtureModels(), cspPages(), testBundles(), untouchedFiles()],
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'test/tsconfig.json', target: 'es2022' })],
  browsers: [chromium()],
  groups: [
    // The same tests' promise for visitors without WebGPU: a browser without the flag has no adapter.
    { name: 'no-webgpu', files: ['test/no-webgpu/**/*.test.ts'], browsers: [chromium({ without: ['--enable-unsafe-webgpu'] })] },
  ],
};
