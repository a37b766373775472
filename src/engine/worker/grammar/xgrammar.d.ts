/**
 * Types of `xgrammar.js`, the ES-module copy of `@mlc-ai/web-xgrammar` that
 * `scripts/copy-xgrammar.mjs` writes next to this module at build time.
 */
export * from '@mlc-ai/web-xgrammar';
export { default } from '@mlc-ai/web-xgrammar';
