#!/usr/bin/env node
/**
 * `npm run build:examples`: bundles the framework example apps in `examples/<framework>/src/` into
 * `examples/<framework>/build/` (gitignored) with esbuild, in a few seconds.
 *
 * Each bundle holds the framework and the app code only. The pages load the elements themselves
 * from the script-tag build (`dist/cdn/slm-elements.js`) before the app: that build already turns
 * the engine's `new URL('./worker.js', import.meta.url)` into a real file, which esbuild would
 * leave pointing at a worker it never emitted, and it defines the tags before any framework
 * renders, so every framework sees the elements' properties on its first render.
 *
 * esbuild knows neither `.vue` nor `.svelte` files; the two small plugins below hand them to the
 * frameworks' own compilers (`vue/compiler-sfc`, `svelte/compiler`), with the options a Vite set-up
 * would pass (see docs/frameworks.md).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { compile as compileSvelte } from 'svelte/compiler';
import { compileScript, compileStyle, parse as parseVue } from 'vue/compiler-sfc';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Tags Vue must leave to the browser instead of resolving them as Vue components. */
const isCustomElement = (tag) => tag.startsWith('slm-');

/**
 * Compiles single-file components (`<script setup>`, template, optional `<style>`/`<style scoped>`)
 * the way `@vitejs/plugin-vue` does, with `compilerOptions.isCustomElement` set.
 */
function vuePlugin() {
  return {
    name: 'vue-sfc',
    setup(build) {
      build.onLoad({ filter: /\.vue$/ }, async ({ path }) => {
        const source = await readFile(path, 'utf8');
        // Vue 3.4+ decides "element or component" while parsing and reuses that tree when
        // compiling, so `isCustomElement` must reach the parser too, not only the template compiler.
        const { descriptor, errors } = parseVue(source, { filename: path, templateParseOptions: { isCustomElement } });
        if (errors.length > 0) return { errors: errors.map((error) => ({ text: String(error.message ?? error) })) };
        const id = createHash('sha256').update(relative(ROOT, path)).digest('hex').slice(0, 8);
        const scoped = descriptor.styles.some((style) => style.scoped);
        const script = compileScript(descriptor, {
          id,
          inlineTemplate: true,
          genDefaultAs: '_sfc_main',
          templateOptions: { compilerOptions: { isCustomElement } },
        });
        let code = script.content;
        if (scoped) code += `\n_sfc_main.__scopeId = ${JSON.stringify(`data-v-${id}`)};`;
        const css = descriptor.styles
          .map((style) => {
            const result = compileStyle({ source: style.content, filename: path, id: `data-v-${id}`, scoped: style.scoped });
            if (result.errors.length > 0) throw result.errors[0];
            return result.code;
          })
          .join('\n');
        if (css) code += `\ndocument.head.append(Object.assign(document.createElement('style'), { textContent: ${JSON.stringify(css)} }));`;
        code += '\nexport default _sfc_main;\n';
        return { contents: code, loader: script.lang === 'ts' ? 'ts' : 'js', resolveDir: dirname(path) };
      });
    },
  };
}

/**
 * Compiles Svelte 5 components for the browser (TypeScript in `<script lang="ts">` is handled by
 * Svelte itself). Compiler warnings (accessibility, unknown attributes, ...) fail the build.
 */
function sveltePlugin() {
  return {
    name: 'svelte',
    setup(build) {
      build.onLoad({ filter: /\.svelte$/ }, async ({ path }) => {
        const source = await readFile(path, 'utf8');
        const { js, warnings } = compileSvelte(source, { filename: basename(path), generate: 'client', css: 'injected' });
        return {
          contents: js.code,
          loader: 'js',
          resolveDir: dirname(path),
          errors: warnings.map((warning) => ({
            text: `${warning.code}: ${warning.message}`,
            location: warning.start ? { file: path, line: warning.start.line, column: warning.start.column } : null,
          })),
        };
      });
    },
  };
}

/** One entry per framework: the source entry and what esbuild needs for it. */
const EXAMPLES = {
  vue: { entry: 'examples/vue/src/main.ts', plugins: [vuePlugin()] },
  svelte: { entry: 'examples/svelte/src/main.ts', plugins: [sveltePlugin()] },
  react: { entry: 'examples/react/src/main.tsx', options: { jsx: 'automatic' } },
  angular: {
    entry: 'examples/angular/src/main.ts',
    // Angular's decorators are the legacy (experimental) kind; the app injects with `inject()`,
    // so no decorator metadata (which esbuild cannot emit) is needed.
    options: { tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } } },
  },
};

const only = process.argv.slice(2);
const names = only.length > 0 ? only : Object.keys(EXAMPLES);
const started = performance.now();

await Promise.all(
  names.map(async (name) => {
    const example = EXAMPLES[name];
    if (!example) throw new Error(`Unknown example "${name}" (known: ${Object.keys(EXAMPLES).join(', ')})`);
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [example.entry],
      outfile: `examples/${name}/build/main.js`,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      sourcemap: true,
      logLevel: 'warning',
      plugins: example.plugins ?? [],
      define: {
        'process.env.NODE_ENV': '"production"',
        // Vue's esm-bundler build expects its feature flags from the bundler.
        __VUE_OPTIONS_API__: 'false',
        __VUE_PROD_DEVTOOLS__: 'false',
        __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      },
      ...example.options,
    });
  }),
);

console.log(`build-examples: ${names.join(', ')} in ${Math.round(performance.now() - started)} ms`);
