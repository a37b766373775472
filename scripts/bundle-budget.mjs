/**
 * Sizes of the script-tag build as a visitor's browser gets them (brotli, quality 11, as CDNs
 * serve static files), split into what a page loads at once and what loads on first need.
 *
 * - initial: `dist/cdn/slm-elements.js` and every chunk it imports statically (what runs before
 *   the elements are defined);
 * - lazy: chunks reached only through dynamic `import()` (the markdown renderer, transformers.js)
 *   and the worker.
 *
 *   node scripts/bundle-budget.mjs           prints the table
 *   node scripts/bundle-budget.mjs --check   also fails when the initial script exceeds BUDGET
 */
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

/** Brotli bytes allowed for the initial script (Lit, @lit/context, the three elements, their styles, the page side of the engine): 24 KiB, measured 23.7 KB when set. The issue asks for 15 KB; see README "Bundle". */
export const BUDGET = 24_576;
/** The target, reported beside the budget. */
export const TARGET = 15_000;

const CDN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cdn');

const brotli = (buffer) =>
  brotliCompressSync(buffer, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length },
  }).length;

/** Relative specifiers a module imports statically and dynamically (minified Rollup output). */
export function importsOf(code) {
  const staticImports = [...code.matchAll(/(?:^|[;}\s])import\s*(?:[\w${},*\s]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
  const dynamicImports = [...code.matchAll(/import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)].map((m) => m[1]);
  return { staticImports, dynamicImports };
}

/** Files of the build, each with its raw and brotli size and whether the page loads it at once. */
export async function measure() {
  const files = new Map();
  const read = async (file) => {
    if (!files.has(file)) {
      const buffer = await readFile(join(CDN, file));
      files.set(file, { file, raw: buffer.length, brotli: brotli(buffer), code: buffer.toString('utf8'), initial: false });
    }
    return files.get(file);
  };
  // The entry's static import closure.
  const queue = ['slm-elements.js'];
  while (queue.length > 0) {
    const entry = await read(queue.shift());
    if (entry.initial) continue;
    entry.initial = true;
    for (const specifier of importsOf(entry.code).staticImports) {
      queue.push(posix.normalize(posix.join(posix.dirname(entry.file), specifier)));
    }
  }
  for (const name of await readdir(join(CDN, 'chunks'))) if (name.endsWith('.js')) await read(`chunks/${name}`);
  await read('slm-worker.js');
  return [...files.values()].map(({ code, ...rest }) => rest);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measure();
  const initial = sizes.filter((s) => s.initial).reduce((sum, s) => sum + s.brotli, 0);
  for (const s of sizes) console.log(`${s.initial ? 'initial' : 'lazy   '} ${String(s.brotli).padStart(8)} B brotli ${String(s.raw).padStart(9)} B  ${s.file}`);
  console.log(`initial script: ${initial} B brotli (budget ${BUDGET} B, target ${TARGET} B)`);
  if (process.argv.includes('--check') && initial > BUDGET) {
    console.error(`bundle-budget: the initial script is ${initial} B brotli, over its budget of ${BUDGET} B`);
    process.exit(1);
  }
}
