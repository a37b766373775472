/**
 * The baseline of the GPU benchmark, in a worker: a bare transformers.js text-generation pipeline
 * (its own browser build, the same ONNX Runtime files the library ships), greedy, every token id
 * posted to the page as it comes, no KV cache kept between calls (each call gets the whole
 * conversation, as a hand-written chat loop does). Like `bench/pages/bare-worker.js`, with the
 * dtype and device as parameters.
 *
 * In: `{ type: 'load', model, device, dtype }`, `{ type: 'generate', id, messages, maxNewTokens }`.
 * Out: `{ type: 'ready' }`, `{ type: 'token', id }`, `{ type: 'done', id, tokens, text }`, `{ type: 'error', message }`.
 */
const TRANSFORMERS = '/node_modules/@huggingface/transformers/dist/transformers.js';
let generator;

self.addEventListener('message', async ({ data }) => {
  try {
    if (data.type === 'load') {
      const { env, pipeline } = await import(TRANSFORMERS);
      env.allowLocalModels = true;
      env.allowRemoteModels = false;
      env.localModelPath = '/models/';
      // Not the library's Cache Storage, and no second copy of multi-GB files on disk.
      env.useBrowserCache = false;
      env.backends.onnx.wasm.wasmPaths = {
        mjs: '/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.mjs',
        wasm: '/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.wasm',
      };
      generator = await pipeline('text-generation', data.model, { device: data.device, dtype: data.dtype });
      self.postMessage({ type: 'ready' });
    } else if (data.type === 'generate') {
      let sawPrompt = false;
      let tokens = 0;
      const streamer = {
        put() {
          // generate() hands the streamer the prompt first, then one token per step.
          if (!sawPrompt) {
            sawPrompt = true;
            return;
          }
          tokens++;
          self.postMessage({ type: 'token', id: data.id });
        },
        end() {
          // Every token was posted in put().
        },
      };
      const [output] = await generator(data.messages, { max_new_tokens: data.maxNewTokens, do_sample: false, streamer });
      const text = output.generated_text.at(-1).content;
      self.postMessage({ type: 'done', id: data.id, tokens, text });
    }
  } catch (error) {
    self.postMessage({ type: 'error', id: data.id, message: String(error?.stack ?? error) });
  }
});
