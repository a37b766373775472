/**
 * The import rules of docs/ARCHITECTURE.md, checked on the TypeScript sources: the engine imports
 * no Lit, the page and the worker meet only in `engine/shared` (the message protocol and plain
 * data), a view never imports its element, and there are no import cycles (type imports included:
 * a cycle of types is still a knot a reader has to untie).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

/** Every `.ts` file under `src/`, relative to it. */
function sources(dir = src) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [relative(src, join(dir, entry.name))] : [],
  );
}

/** The modules a file imports or re-exports (statically or with `import()`): bare names as they are, relative ones as `src/` paths. */
function importsOf(file) {
  const text = readFileSync(join(src, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map(
    (match) => match[1] ?? match[2] ?? match[3],
  );
  return specifiers.map((specifier) =>
    specifier.startsWith('.') ? relative(src, resolve(dirname(join(src, file)), specifier)).replace(/\.js$/, '.ts') : specifier,
  );
}

const files = sources();
const graph = new Map(files.map((file) => [file, importsOf(file)]));

test('the engine imports nothing from Lit', () => {
  for (const [file, imports] of graph) {
    if (!file.startsWith('engine/')) continue;
    assert.deepEqual(imports.filter((name) => /^(lit|@lit\/)/.test(name)), [], file);
  }
});

test('page and worker meet only in engine/shared; shared imports nothing else of ours', () => {
  const side = (file) => /^engine\/(page|worker|shared)\//.exec(file)?.[1];
  for (const [file, imports] of graph) {
    const from = side(file);
    for (const target of imports.filter((name) => name.startsWith('engine/'))) {
      const to = side(target);
      if (from === 'page') assert.notEqual(to, 'worker', `${file} imports ${target}`);
      if (from === 'worker') assert.notEqual(to, 'page', `${file} imports ${target}`);
      if (from === 'shared') assert.equal(to, 'shared', `${file} imports ${target}`);
    }
    if (from === 'worker' || from === 'shared') {
      // The worker's two libraries: transformers.js, and XGrammar (types only: its code is our
      // ES-module copy, `engine/worker/grammar/xgrammar.js`, written by scripts/copy-xgrammar.mjs).
      const library = from === 'worker' ? /^(@huggingface\/transformers|@mlc-ai\/web-xgrammar)$/ : /^@huggingface\/transformers$/;
      assert.deepEqual(imports.filter((name) => !name.startsWith('engine/') && !library.test(name)), [], file);
    }
  }
});

test('views never import their element', () => {
  for (const [file, imports] of graph) {
    if (!file.endsWith('-view.ts')) continue;
    assert.deepEqual(imports.filter((name) => /-element\.ts$/.test(name)), [], file);
  }
});

test('no import cycles', () => {
  const state = new Map();
  const stack = [];
  const visit = (file) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') assert.fail(`import cycle: ${[...stack.slice(stack.indexOf(file)), file].join(' → ')}`);
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target);
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) visit(file);
});
