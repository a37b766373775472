/**
 * The script-tag build's size budget, and what it loads only on first need. Runs on the built
 * `dist/cdn/` (after `npm run build`). Sizes are brotli (quality 11), as CDNs serve them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUDGET, importsOf, measure } from '../../scripts/bundle-budget.mjs';

const sizes = await measure();
const initial = sizes.filter((s) => s.initial);

test(`the initial script (entry and its static imports) stays within ${BUDGET} B brotli`, () => {
  const total = initial.reduce((sum, s) => sum + s.brotli, 0);
  assert.ok(total <= BUDGET, `initial script is ${total} B brotli: ${initial.map((s) => `${s.file} ${s.brotli}`).join(', ')}`);
  // A real figure, not an empty file.
  assert.ok(total > 5_000);
});

test('transformers.js, ONNX Runtime, the worker and the markdown renderer are not part of it', () => {
  const files = initial.map((s) => s.file);
  assert.deepEqual(files.filter((file) => /transformers|worker|renderer|ort/.test(file)), []);
  const lazy = sizes.filter((s) => !s.initial).map((s) => s.file);
  assert.ok(lazy.some((file) => /^chunks\/transformers/.test(file)), `lazy files: ${lazy.join(', ')}`);
  assert.ok(lazy.some((file) => /^chunks\/renderer/.test(file)), `lazy files: ${lazy.join(', ')}`);
});

test('the import scanner tells static from dynamic imports in minified output', () => {
  const { staticImports, dynamicImports } = importsOf('import{a as b}from"./chunks/x.js";import"./y.js";const c=()=>import("./chunks/z.js");');
  assert.deepEqual(staticImports, ['./chunks/x.js', './y.js']);
  assert.deepEqual(dynamicImports, ['./chunks/z.js']);
});
