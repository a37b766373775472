#!/usr/bin/env node
/**
 * Writes `dist/engine/worker/grammar/xgrammar.js`: XGrammar's web build (`@mlc-ai/web-xgrammar`,
 * Apache-2.0, the grammar engine WebLLM uses; C++ compiled to WebAssembly, the wasm inlined) as a
 * plain ES module, which the worker imports on the first constrained request.
 *
 * Why a copy and not the package itself: its `lib/index.js` is a UMD bundle whose Node branch
 * contains `await import('module')`. Browsers never run that branch, but the test server, Vite and
 * esbuild all fail to resolve `module` for the browser, and UMD gives bundlers three different
 * export shapes. The copy changes only the wrapper (UMD → ES module with named exports) and two
 * unreachable Node-only imports (`module`, and `url` behind rollup's `import.meta.url` stand-in);
 * everything else is byte for byte the published file.
 *
 *   node scripts/copy-xgrammar.mjs
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('@mlc-ai/web-xgrammar/package.json'));
const { version, license } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
const source = await readFile(join(packageDir, 'lib/index.js'), 'utf8');

const UMD_HEAD = /^\(function \(global, factory\) \{[\s\S]*?\}\)\(this, \(function \(exports\) \{ 'use strict';\n/;
const UMD_TAIL = /\n\}\)\);\n\/\/# sourceMappingURL=index\.js\.map\s*$/;
const NODE_IMPORT = "await import('module')";
// Rollup's stand-in for `import.meta.url` under Node; bundlers fold 'u' + 'rl' and see an import
// of Node's `url` module (the packed-package test lists every bare import of the build).
const NODE_URL = "require('u' + 'rl').pathToFileURL(__filename).href";
for (const [what, found] of [
  ['UMD head', UMD_HEAD.test(source)],
  ['UMD tail', UMD_TAIL.test(source)],
  ['Node-only import', source.split(NODE_IMPORT).length === 2],
  ['Node-only uses of `url`', source.split(NODE_URL).length === 4],
]) {
  if (!found) throw new Error(`copy-xgrammar: the ${what} of @mlc-ai/web-xgrammar ${version} is not where it was in 0.1.27; check the file`);
}

const NAMES = ['CompiledGrammar', 'Grammar', 'GrammarCompiler', 'GrammarMatcher', 'StructuralTagItem', 'Testings', 'TokenizerInfo'];
const body = source
  .replace(UMD_HEAD, `const xgrammar = {};\n(function (exports) { 'use strict';\n`)
  // Inside `if (ENVIRONMENT_IS_NODE)`: never reached in a browser or worker.
  .replace(NODE_IMPORT, '({})')
  // Also only under Node (no `document` and no `location`): never reached in a browser or worker.
  .replaceAll(NODE_URL, "''")
  .replace(UMD_TAIL, `\n})(xgrammar);\nexport default xgrammar;\nexport const { ${NAMES.join(', ')} } = xgrammar;\n`);

const header = `/* @mlc-ai/web-xgrammar ${version} (${license}, https://github.com/mlc-ai/xgrammar), as an ES module: see scripts/copy-xgrammar.mjs. */\n`;
const target = new URL('../dist/engine/worker/grammar/', import.meta.url);
await mkdir(target, { recursive: true });
await writeFile(new URL('xgrammar.js', target), header + body);
await writeFile(
  new URL('xgrammar.d.ts', target),
  `export * from '@mlc-ai/web-xgrammar';\nexport { default } from '@mlc-ai/web-xgrammar';\n`,
);
console.log(`copy-xgrammar: @mlc-ai/web-xgrammar ${version} → dist/engine/worker/grammar/xgrammar.js`);
