/**
 * Lint rules (run by `npm run lint`, part of `npm test`; zero warnings allowed):
 * typescript-eslint's type-checked rules on the library's sources, its recommended rules on
 * tests, scripts and stories, and the Lit and web-components plugins on everything that defines or
 * renders elements. Templates are also checked by lit-analyzer (`npm run lint`).
 */
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'models/',
      'storybook-static/',
      'coverage/',
      'bench/out/',
      'examples/*/build/',
      'examples/**/*.d.ts',
      'scratch/',
      'screenshots/',
      '.gl/',
      '.gpu/',
      '.whl/',
      'custom-elements.json',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name`: a parameter a signature requires but this implementation does not read.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `promise.catch(() => {})`: a rejection deliberately ignored because it is reported elsewhere
      // (an `slm-error` event); the call site says why. Empty methods and functions still need a comment.
      '@typescript-eslint/no-empty-function': ['error', { allow: ['arrowFunctions'] }],
    },
  },
  {
    // The library: type-aware rules (floating promises, unsafe `any` flows, misused promises).
    files: ['src/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked, ...tseslint.configs.stylisticTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `void promise` marks a promise deliberately not awaited (an event handler's async work).
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // Lit event listeners in templates may be async; the element handles their errors itself.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false, arguments: false } }],
      // Errors cross the worker boundary as plain data and are rebuilt on the other side.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      // `text || fallback`, `size || known`: an empty string or a 0 means "none" for our strings and
      // byte counts, and boolean conditions read best with `||`.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true, number: true, boolean: true } }],
      // `typeof import('@huggingface/transformers')` names the lazily imported library's types
      // without importing it (the worker loads it on first need).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    files: ['src/**/*.ts', 'stories/**/*.js'],
    extends: [lit.configs['flat/recommended'], wc.configs['flat/recommended']],
  },
  {
    files: ['src/engine/worker/**/*.ts'],
    languageOptions: { globals: { ...globals.worker } },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'stories/**/*.js', 'bench/pages/**/*.js', 'examples/**/*.{ts,tsx,js}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.mjs', 'bench/**/*.js', '.storybook/**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The GPU bench: pages and a worker in the browser, and Node with Dawn's WebGPU globals.
    files: ['bench/gpu/pages/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['bench/gpu/**/*.{js,mjs}'],
    languageOptions: { globals: { GPUBufferUsage: 'readonly', GPUMapMode: 'readonly' } },
  },
  {
    // The bench page's API (bench/pages/bench.js), called inside `page.evaluate()`.
    files: ['bench/run.mjs'],
    languageOptions: { globals: { bench: 'readonly' } },
  },
  {
    // Node scripts that drive Chromium: the functions they hand to `page.evaluate()` run in the page.
    files: ['bench/*.mjs', 'scripts/screenshot-*.mjs', 'scripts/verify-tiny-model.mjs', 'test/storybook/**/*.mjs', 'test/demo/**/*.mjs', 'test/node/packed-package.test.mjs', 'test/fixtures/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Tests: chai's `expect(x).to.be.true` style expressions, and mocha's globals.
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
