/**
 * The script-tag build's size budget, and what it loads only on first need. Runs on the built
 * `dist/cdn/` (after `npm run build`). Sizes are brotli (quality 11), as CDNs serve them.
 * (That the browser really does not fetch the lazy parts early is `test/cdn.test.ts`.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUDGET, firstUseBytes, importsOf, measure, staticClosure } from '../../scripts/bundle-budget.mjs';

const sizes = await measure();
const initial = sizes.filter((s) => s.initial);
const lazy = sizes.filter((s) => !s.initial).map((s) => s.file);

test(`the initial script (entry and its static imports) stays within ${BUDGET} B brotli`, () => {
  const total = initial.reduce((sum, s) => sum + s.brotli, 0);
  assert.ok(total <= BUDGET, `initial script is ${total} B brotli: ${initial.map((s) => `${s.file} ${s.brotli}`).join(', ')}`);
  // A real figure, not an empty file: Lit alone is about 6 KB.
  assert.ok(total > 8_000, `initial script is only ${total} B`);
});

test('the engine (LocalEngine’s implementation, the worker, transformers.js, ONNX Runtime) is not part of it', () => {
  const files = initial.map((s) => s.file);
  assert.deepEqual(files.filter((file) => /transformers|worker|ort/.test(file)), []);
  for (const pattern of [/^chunks\/worker-engine-/, /^chunks\/transformers\.web-/, /^slm-worker\.js$/]) {
    assert.ok(lazy.some((file) => pattern.test(file)), `${pattern} among the lazy files: ${lazy.join(', ')}`);
  }
  // The page side of the engine is reached from the entry only through import().
  const entry = sizes.find((s) => s.file === 'slm-elements.js');
  assert.ok(entry.dynamicImports.some((file) => /^chunks\/worker-engine-/.test(file)), entry.dynamicImports.join(', '));
});

test('each element’s view and the markdown renderer load on first use, not with the initial script', () => {
  const entry = sizes.find((s) => s.file === 'slm-elements.js');
  for (const pattern of [/^chunks\/chat-view-/, /^chunks\/complete-view-/]) {
    assert.ok(entry.dynamicImports.some((file) => pattern.test(file)), `${pattern} imported dynamically by the entry`);
    // A real view, not an empty shell (the chat's is about 6 KB with what it shares with the completion).
    assert.ok(firstUseBytes(sizes, pattern) > 3_000);
  }
  assert.ok(lazy.includes('slm-markdown.js'));
  assert.ok(!initial.some((s) => /markdown|renderer/.test(s.file)));
});

test('the worker does not load Lit or the elements', () => {
  const closure = staticClosure(new Map(sizes.map((s) => [s.file, s])), 'slm-worker.js');
  assert.ok(!closure.has('slm-elements.js'), [...closure].join(', '));
});

test('the import scanner tells static from dynamic imports in minified output', () => {
  const { staticImports, dynamicImports } = importsOf(
    'import{a as b}from"./chunks/x.js";import"./y.js";export{c}from"./w.js";const c=()=>import("./chunks/z.js");',
  );
  assert.deepEqual(staticImports, ['./chunks/x.js', './y.js', './w.js']);
  assert.deepEqual(dynamicImports, ['./chunks/z.js']);
});
