/**
 * What npm users get: the packed file list and the package's entry points. Runs in Node
 * (`node --test test/node/`) after `npm run build`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: new URL('../..', import.meta.url),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }),
)[0].files.map((file) => file.path);

test('the package ships the builds, types, framework typings, editor data, manifest and README, and nothing else', () => {
  for (const file of [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/define.js',
    'dist/slm-chat.js',
    'dist/engine/worker/worker.js',
    'dist/cdn/slm-elements.js',
    'dist/cdn/slm-worker.js',
    'dist/cdn/ort/ort-wasm-simd-threaded.asyncify.wasm',
    'dist/cdn/ort/ort-wasm-simd-threaded.asyncify.mjs',
    'dist/types/jsx.d.ts',
    'dist/types/react.d.ts',
    'dist/types/preact.d.ts',
    'dist/types/solid.d.ts',
    'dist/types/vue.d.ts',
    'dist/types/svelte.d.ts',
    'dist/types/vscode.html-custom-data.json',
    'dist/types/vscode.css-custom-data.json',
    'dist/types/web-types.json',
    'custom-elements.json',
    'README.md',
    'package.json',
  ]) {
    assert.ok(packed.includes(file), `${file} is packed`);
  }
  const stray = packed.filter((file) => /^(src|test|scripts|models|bench|demo|stories|node_modules)\//.test(file));
  assert.deepEqual(stray, [], 'no sources, tests, scripts or models');
});

test('every export, side-effect module and the manifest named by package.json exist in the package', () => {
  const targets = Object.values(pkg.exports).flatMap((target) =>
    typeof target === 'string' ? [target] : Object.values(target),
  );
  for (const target of targets.filter((t) => !t.includes('*'))) {
    assert.ok(packed.includes(target.replace(/^\.\//, '')), `${target} is packed`);
  }
  for (const module of pkg.sideEffects.filter((m) => !m.includes('*'))) {
    assert.ok(packed.includes(module.replace(/^\.\//, '')), `${module} is packed`);
  }
  assert.ok(packed.includes(pkg.customElements));
  assert.ok(packed.includes(pkg['web-types'].replace(/^\.\//, '')), 'the web-types file is packed');
});

test('the class entry point registers no tags (side-effect free), the define modules do', () => {
  const index = readFileSync(new URL('../../dist/index.js', import.meta.url), 'utf8');
  assert.doesNotMatch(index, /customElements\.define/);
  for (const tag of ['provider', 'chat', 'complete']) {
    const define = readFileSync(new URL(`../../dist/slm-${tag}.js`, import.meta.url), 'utf8');
    assert.match(define, new RegExp(`customElements\\.define\\('slm-${tag}'`));
    assert.match(define, /customElements\.get\(/, 'registration is guarded');
  }
});
