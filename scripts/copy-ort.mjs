#!/usr/bin/env node
/**
 * Copies the ONNX Runtime WebAssembly build that transformers.js loads into `dist/cdn/ort/`, the
 * one place both builds point at by default (see `src/engine/page/ort-assets.ts`). Shipping our own
 * copy means no page ever fetches code from a third-party CDN.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// onnxruntime-web's `exports` hide package.json; its main entry lives in `dist/`.
const ortDist = dirname(require.resolve('onnxruntime-web'));
const target = new URL('../dist/cdn/ort/', import.meta.url);

// transformers.js 4.3 uses the asyncify build for both wasm and WebGPU (src/backends/onnx.js).
const FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

await mkdir(target, { recursive: true });
for (const file of FILES) await copyFile(join(ortDist, file), new URL(file, target));
console.log(`copy-ort: ${FILES.length} files → dist/cdn/ort/`);
