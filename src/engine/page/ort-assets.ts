/**
 * Where ONNX Runtime's WebAssembly files come from by default: the copy that ships with this
 * package (`dist/cdn/ort/`), never a third-party CDN.
 *
 * transformers.js 4.3 loads the `asyncify` build of `ort-wasm-simd-threaded` for both the wasm and
 * the WebGPU device (backends/onnx.js), so these two files are all a page needs. The URLs are
 * written as literal `new URL('…', import.meta.url)` expressions so that bundlers (Vite, webpack,
 * Rollup with our config) see and copy the files.
 */

/** File names of the ONNX Runtime build transformers.js loads. */
export const ORT_FILES = {
  mjs: 'ort-wasm-simd-threaded.asyncify.mjs',
  wasm: 'ort-wasm-simd-threaded.asyncify.wasm',
} as const;

/** Absolute URLs of the bundled ONNX Runtime files, or of `base` + file name when given. */
export function ortWasmPaths(base?: string): { mjs: string; wasm: string } {
  if (base) return { mjs: base + ORT_FILES.mjs, wasm: base + ORT_FILES.wasm };
  return {
    mjs: new URL('../../cdn/ort/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href,
    wasm: new URL('../../cdn/ort/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href,
  };
}
