/**
 * A bare transformers.js pipeline, shared by the worker baseline (`bare-worker.js`) and the
 * main-thread baseline (`bench.js`). It loads transformers.js' own browser build with ONNX
 * Runtime's JavaScript inlined, and the same ONNX Runtime wasm files the library ships.
 */
const TRANSFORMERS = '/node_modules/@huggingface/transformers/dist/transformers.js';

/** Loads `model` from `/models/` on `device` (fp32: the generated models ship only that). */
export async function bareLoad(model, device) {
  const { env, pipeline } = await import(TRANSFORMERS);
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = '/models/';
  // The baseline must not share (or fill) the Cache Storage the library is measured with.
  env.useBrowserCache = false;
  env.backends.onnx.wasm.wasmPaths = {
    mjs: '/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.mjs',
    wasm: '/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.wasm',
  };
  return pipeline('text-generation', model, { device, dtype: 'fp32' });
}

/**
 * Greedy generation from chat `messages`; `onToken(tokenId)` per generated token, as soon as
 * transformers.js hands it over (a minimal streamer: no text decoding at all).
 * @returns the number of tokens generated.
 */
export async function bareGenerate(generator, messages, maxNewTokens, onToken) {
  let sawPrompt = false;
  let tokens = 0;
  const streamer = {
    put(value) {
      // generate() hands the streamer the prompt first, then one token per step.
      if (!sawPrompt) {
        sawPrompt = true;
        return;
      }
      tokens++;
      onToken(Number(value[0][0]));
    },
    end() {
      // Every token was posted in put().
    },
  };
  await generator(messages, { max_new_tokens: maxNewTokens, do_sample: false, streamer });
  return tokens;
}
