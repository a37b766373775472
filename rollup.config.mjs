/**
 * The script-tag build: `dist/cdn/slm-elements.js` plus everything it needs at run time beside it
 * (the worker, transformers.js as a lazily loaded chunk, ONNX Runtime's wasm in `ort/`), so the
 * folder works when copied to any origin, offline.
 *
 * Input is the unbundled ESM build that `tsc` wrote to `dist/` (TypeScript 7 has no JS API for a
 * Rollup TypeScript plugin, and bundling the very files npm users get keeps both builds honest).
 */
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/**
 * Handles `new URL('<relative path>', import.meta.url)` in our modules the way Vite and webpack
 * do: a `…/worker.js` or `…/shared-worker.js` URL becomes an emitted chunk (the module worker and
 * its imports: `slm-worker.js`, `slm-shared-worker.js`), any other
 * file an emitted asset, and the expression points at the emitted file wherever the chunk lands.
 */
function importMetaUrlFiles() {
  const pattern = /new URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;
  /** One emitted file per path, however many expressions name it. */
  const refs = new Map();
  return {
    name: 'import-meta-url-files',
    buildStart() {
      refs.clear();
    },
    transform(code, id) {
      if (!id.includes('/dist/') || !code.includes('import.meta.url')) return null;
      let changed = false;
      const out = code.replace(pattern, (_match, _quote, relative) => {
        const file = resolve(dirname(id), relative);
        const worker = /\/((?:shared-)?worker)\.js$/.exec(relative)?.[1];
        const ref = refs.get(file) ?? (worker
          ? this.emitFile({ type: 'chunk', id: file, fileName: `slm-${worker}.js` })
          : this.emitFile({
              type: 'asset',
              fileName: `ort/${basename(file)}`,
              source: readFileSync(file),
            }));
        refs.set(file, ref);
        changed = true;
        return `new URL(import.meta.ROLLUP_FILE_URL_${ref})`;
      });
      return changed ? { code: out, map: null } : null;
    },
  };
}

/**
 * Strips comments and collapses whitespace in the CSS of our `*.styles.js` modules (0.7 KB brotli
 * of the first script). Only whitespace and comments change: our styles hold no strings where
 * that matters and no interpolations. The npm build keeps the source text (bundlers there have
 * their own minifiers); the demo, its screenshots and test/cdn.test.ts run on this build.
 */
function minifyStyles() {
  const minify = (text) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};])\s*/g, '$1')
      .replace(/;}/g, '}')
      .trim();
  return {
    name: 'minify-styles',
    transform(code, id) {
      if (!/[\\/]dist[\\/].*\.styles\.js$/.test(id)) return null;
      return { code: code.replace(/\bcss\s*`([^`$]*)`/g, (_match, text) => `css\`${minify(text)}\``), map: null };
    },
  };
}

// Chunk names carry content hashes: without this, every build would leave the last one's behind.
rmSync(new URL('./dist/cdn/chunks/', import.meta.url), { recursive: true, force: true });

export default {
  // The elements (defined at once), and the markdown renderer for pages that use it directly
  // (the chat loads the same chunk lazily).
  input: { 'slm-elements': 'dist/define.js', 'slm-markdown': 'dist/markdown.js' },
  // The lazy chunks (element views, the engine) import Lit and the rest from the entry itself:
  // without this Rollup would move all of it into a chunk of its own behind a re-exporting entry,
  // one more request before any element is defined.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: 'dist/cdn',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
  plugins: [
    nodeResolve({ browser: true }),
    importMetaUrlFiles(),
    minifyStyles(),
    terser({ ecma: 2022, module: true, format: { comments: false } }),
  ],
  onwarn(warning, warn) {
    // transformers.js' web build uses `eval`-free dynamic requires guarded at run time; its
    // circular imports and `this` rewrites are known and harmless.
    if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED') return;
    warn(warning);
  },
};
