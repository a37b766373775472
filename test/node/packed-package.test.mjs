/**
 * The package as npm users get it: `npm pack`, the tarball installed into a scratch project, and
 * checks there. Runs in Node (`node --test test/node/`) after `npm run build`, and before
 * `npm publish` (`prepublishOnly`).
 *
 * The scratch project is a temporary folder laid out as `npm install <tarball>` lays it out: the
 * tarball unpacked in `node_modules/slm-elements`, beside it the package's dependencies and theirs
 * (linked to this repository's copies, so nothing is downloaded), plus the frameworks an app would
 * bring for the typings it imports. That the package's modules import only declared dependencies
 * is checked separately, since npm's flat layout would let an undeclared one resolve.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { contentType, resolveFile } from '../../scripts/static-files.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Packages an app brings itself for the framework typings it imports (`slm-elements/react`, …). */
const APP_PACKAGES = ['react', '@types/react', 'preact', 'solid-js', 'vue', 'svelte'];

let project = '';
let installed = '';
let pkg;

before(async () => {
  project = await mkdtemp(join(tmpdir(), 'slm-packed-'));
  // `--ignore-scripts`: the build is already there (npm test and prepublishOnly build first).
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' }),
  );
  installed = join(project, 'node_modules', 'slm-elements');
  await mkdir(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(project, filename), '-C', installed, '--strip-components=1']);
  pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  for (const name of dependencyClosure([...Object.keys(pkg.dependencies ?? {}), ...APP_PACKAGES])) {
    await mkdir(dirname(join(project, 'node_modules', name)), { recursive: true });
    await symlink(join(ROOT, 'node_modules', name), join(project, 'node_modules', name), 'dir');
  }
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
});

after(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

/** `names` and everything they depend on that this repository's install hoisted to `node_modules/`. */
function dependencyClosure(names) {
  const seen = new Set();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.shift();
    if (seen.has(name) || !existsSync(join(ROOT, 'node_modules', name, 'package.json'))) continue;
    seen.add(name);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8'));
    queue.push(...Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies }));
  }
  return seen;
}

/** Every file of the installed package below `folder`, relative to the package. */
function filesUnder(folder) {
  return readdirSync(join(installed, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(installed, join(entry.parentPath, entry.name)));
}

test('every JavaScript entry point in `exports` resolves to a file of the installed package', () => {
  const require = createRequire(join(project, 'app.js'));
  const entries = Object.entries(pkg.exports).filter(([subpath, target]) => !subpath.includes('*') && (typeof target === 'string' || target.default));
  assert.ok(entries.length >= 8, `${entries.length} entries`);
  for (const [subpath] of entries) {
    const specifier = `slm-elements${subpath.slice(1)}`;
    const resolved = require.resolve(specifier);
    assert.ok(resolved.startsWith(installed), `${specifier} → ${resolved}`);
  }
  // The script-tag build through its wildcard export.
  assert.ok(require.resolve('slm-elements/cdn/slm-elements.js').startsWith(installed));
});

test('the script-tag build holds the script, its worker, its chunks and ONNX Runtime', () => {
  const cdn = filesUnder('dist/cdn');
  for (const file of [
    'dist/cdn/slm-elements.js',
    'dist/cdn/slm-worker.js',
    'dist/cdn/slm-markdown.js',
    'dist/cdn/ort/ort-wasm-simd-threaded.asyncify.mjs',
    'dist/cdn/ort/ort-wasm-simd-threaded.asyncify.wasm',
  ]) {
    assert.ok(cdn.includes(file), `${file} is in the tarball`);
  }
  assert.ok(cdn.some((file) => /^dist\/cdn\/chunks\/transformers\.web-.*\.js$/.test(file)), 'transformers.js as a chunk');
});

test('its modules import only the declared dependencies, and the script-tag build imports nothing', async () => {
  /** Bare specifiers imported by the package's own modules, by importer. */
  const imports = [];
  const record = {
    name: 'record-bare-imports',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        imports.push({ specifier: args.path, importer: relative(installed, args.importer) });
        return { external: true };
      });
    },
  };
  const modules = filesUnder('dist').filter((file) => file.endsWith('.js'));
  await esbuild.build({
    entryPoints: modules.map((file) => join(installed, file)),
    bundle: true,
    write: false,
    outdir: join(project, 'out'),
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    plugins: [record],
  });
  const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  const declared = new Set([...Object.keys(pkg.dependencies), pkg.name]);
  const undeclared = imports.filter(({ specifier }) => !declared.has(packageOf(specifier)));
  assert.deepEqual(undeclared, [], 'imports of packages that are not dependencies');
  const fromCdn = imports.filter(({ importer }) => importer.startsWith('dist/cdn/'));
  assert.deepEqual(fromCdn, [], 'the script-tag build is self-contained');
  assert.ok(imports.some(({ specifier }) => specifier === 'lit'), 'the npm build leaves Lit to the app');
});

test('the typings compile in an app that imports the package by its name', async () => {
  await writeFile(
    join(project, 'app.tsx'),
    [
      "import 'slm-elements/define.js';",
      "import type {} from 'slm-elements/react';",
      "import type {} from 'slm-elements/vue';",
      "import type {} from 'slm-elements/svelte';",
      "import type { CustomElements } from 'slm-elements/jsx';",
      "import { SlmChatElement, type SlmResponseEvent } from 'slm-elements';",
      "import { renderMarkdown } from 'slm-elements/markdown.js';",
      '',
      "const chat = document.createElement('slm-chat');",
      'const typed: SlmChatElement = chat;',
      "typed.addEventListener('slm-response', (event: SlmResponseEvent) => event.detail.text.length);",
      "export const props: CustomElements['slm-chat'] = { 'system-prompt': 'Be brief.' };",
      "export const element = <slm-chat system-prompt=\"Be brief.\" onslm-response={(event) => event.detail.tokens} />;",
      'export { renderMarkdown };',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'bundler',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        jsx: 'react-jsx',
        strict: true,
        noEmit: true,
        // The package's own declaration files are checked too.
        skipLibCheck: false,
        types: [],
      },
      files: ['app.tsx'],
    }),
  );
  const typescriptPackage = createRequire(import.meta.url).resolve('typescript/package.json');
  const tsc = join(dirname(typescriptPackage), JSON.parse(readFileSync(typescriptPackage, 'utf8')).bin.tsc);
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', project], { cwd: project, encoding: 'utf8' }).catch((error) => error);
  assert.equal(result.code ?? 0, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
});

test('a page that loads dist/cdn/slm-elements.js from the installed package runs a chat (README example)', async () => {
  // The README's page, with the repository's tiny model instead of a Hub model.
  const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <script type="module" src="slm-elements/slm-elements.js"></script>
  </head>
  <body>
    <slm-provider model="slm-tiny" model-base-url="/models/" device="wasm">
      <slm-chat system-prompt="You are a helpful, concise assistant." max-new-tokens="16"></slm-chat>
    </slm-provider>
  </body>
</html>`;
  const requests = [];
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push(path);
    if (path === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    // The package's dist/cdn/ copied to the site as /slm-elements/, and the tiny model.
    const file = path.startsWith('/slm-elements/')
      ? await resolveFile(join(installed, 'dist', 'cdn'), path.slice('/slm-elements'.length))
      : path.startsWith('/models/')
        ? await resolveFile(ROOT, path)
        : null;
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': contentType(file.path), 'Content-Length': file.size });
    createReadStream(file.path).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (error) => errors.push(String(error)));
    tab.on('console', (message) => message.type() === 'error' && !/404/.test(message.text()) && errors.push(message.text()));
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    const reply = await tab.evaluate(async () => {
      await customElements.whenDefined('slm-chat');
      const chat = document.querySelector('slm-chat');
      await chat.updateComplete;
      const response = new Promise((resolve) => chat.addEventListener('slm-response', (event) => resolve(event.detail), { once: true }));
      await chat.send('Hello');
      const { reason, tokens, text } = await response;
      return { reason, tokens, text, transcript: chat.messages.map((message) => message.role) };
    });
    assert.deepEqual(reply.transcript, ['user', 'assistant']);
    assert.ok(['eos', 'length'].includes(reply.reason), `reason ${reply.reason}`);
    assert.ok(reply.tokens > 0 && reply.text.length > 0, JSON.stringify(reply));
    assert.deepEqual(errors, []);
    // Everything came from the copied folder and the model's: the worker and ONNX Runtime included.
    // (Chromium asks for /favicon.ico on its own.)
    const outside = requests.filter((path) => !['/', '/favicon.ico'].includes(path) && !/^\/(slm-elements|models)\//.test(path));
    assert.deepEqual(outside, []);
    for (const path of ['/slm-elements/slm-worker.js', '/slm-elements/ort/ort-wasm-simd-threaded.asyncify.wasm']) {
      assert.ok(requests.includes(path), `${path} was requested`);
    }
  } finally {
    await browser.close();
    server.close();
  }
});
