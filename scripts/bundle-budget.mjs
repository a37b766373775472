/**
 * Sizes of the script-tag build as a visitor's browser gets them (brotli, quality 11, as CDNs
 * serve static files), split into what a page loads at once and what loads on first need.
 *
 * - initial: `dist/cdn/slm-elements.js` and every chunk it imports statically: what runs before
 *   the three tags are defined. This is "the elements' bundle without the engine" the budget is for.
 * - on first use of an element: the chunks its view needs (`<slm-chat>`'s transcript and composer,
 *   `<slm-complete>`'s output and ghost text), imported when its first instance connects.
 * - engine: `LocalEngine`'s implementation, the worker and transformers.js, imported when a model
 *   is first needed (a request, `load()`, `isCached()`, ...); the markdown renderer, on a chat's
 *   first render with `markdown="on"`.
 *
 *   node scripts/bundle-budget.mjs           prints the table
 *   node scripts/bundle-budget.mjs --check   also fails when the initial script exceeds BUDGET
 */
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

/** Brotli bytes allowed for the initial script (Lit, @lit/context, the three tag definitions with their properties and styles, the provider, events): the issue's 15 KB. Measured 13.5 KB when set (CSS minified in the bundle). */
export const BUDGET = 15_000;

const CDN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cdn');

const brotli = (buffer) =>
  brotliCompressSync(buffer, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length },
  }).length;

/** Relative specifiers a module imports statically and dynamically (minified Rollup output). */
export function importsOf(code) {
  // `import … from "./x"`, `import "./x"` and `export … from "./x"` all load "./x" before the module runs.
  const staticImports = [...code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w${},*\s]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
  const dynamicImports = [...code.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)].map((m) => m[1]);
  return { staticImports, dynamicImports };
}

/**
 * Every file of the build (`slm-*.js` and `chunks/*.js`) with its raw and brotli size, its static
 * and dynamic imports (as build paths), and whether the page loads it at once (`initial`).
 */
export async function measure() {
  const files = new Map();
  const names = [
    ...(await readdir(CDN)).filter((name) => name.endsWith('.js')),
    ...(await readdir(join(CDN, 'chunks'))).filter((name) => name.endsWith('.js')).map((name) => `chunks/${name}`),
  ];
  for (const file of names) {
    const buffer = await readFile(join(CDN, file));
    const { staticImports, dynamicImports } = importsOf(buffer.toString('utf8'));
    const resolve = (specifier) => posix.normalize(posix.join(posix.dirname(file), specifier));
    files.set(file, {
      file,
      raw: buffer.length,
      brotli: brotli(buffer),
      staticImports: staticImports.map(resolve),
      dynamicImports: dynamicImports.map(resolve),
      initial: false,
    });
  }
  for (const file of staticClosure(files, 'slm-elements.js')) files.get(file).initial = true;
  return [...files.values()];
}

/** `file` and every file it imports statically, directly or not. */
export function staticClosure(files, file) {
  const seen = new Set();
  const queue = [file];
  while (queue.length > 0) {
    const next = queue.shift();
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(files.get(next)?.staticImports ?? []));
  }
  return seen;
}

/**
 * Brotli bytes a page adds when it first uses what `chunk` holds (the chunk the entry imports
 * dynamically, and its static imports not already loaded).
 */
export function firstUseBytes(sizes, chunkPattern) {
  const files = new Map(sizes.map((s) => [s.file, s]));
  const chunk = sizes.find((s) => chunkPattern.test(s.file));
  if (!chunk) throw new Error(`no chunk matches ${chunkPattern}`);
  return [...staticClosure(files, chunk.file)].filter((file) => !files.get(file).initial).reduce((sum, file) => sum + files.get(file).brotli, 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measure();
  const initial = sizes.filter((s) => s.initial).reduce((sum, s) => sum + s.brotli, 0);
  for (const s of sizes) console.log(`${s.initial ? 'initial' : 'lazy   '} ${String(s.brotli).padStart(8)} B brotli ${String(s.raw).padStart(9)} B  ${s.file}`);
  console.log(`initial script: ${initial} B brotli (budget ${BUDGET} B)`);
  console.log(`first <slm-chat> adds ${firstUseBytes(sizes, /^chunks\/chat-view-/)} B, first <slm-complete> ${firstUseBytes(sizes, /^chunks\/complete-view-/)} B (shared parts counted in both), the markdown renderer ${firstUseBytes(sizes, /^slm-markdown\.js$/)} B`);
  console.log(`engine, on first need: ${firstUseBytes(sizes, /^chunks\/worker-engine-/)} B on the page, then the worker ${firstUseBytes(sizes, /^slm-worker\.js$/)} B and transformers.js ${firstUseBytes(sizes, /^chunks\/transformers/)} B`);
  if (process.argv.includes('--check') && initial > BUDGET) {
    console.error(`bundle-budget: the initial script is ${initial} B brotli, over its budget of ${BUDGET} B`);
    process.exit(1);
  }
}
