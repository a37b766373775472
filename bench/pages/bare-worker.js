/**
 * The naive baseline in a worker: a bare transformers.js text-generation pipeline, the leanest
 * loop one would write by hand. Chat template applied by the pipeline, greedy decoding, every
 * generated token id posted to the page at once (a page must receive tokens to show them), no
 * KV cache between calls: each call is given the whole conversation.
 *
 * Messages in: `{ type: 'load', model, device }`, `{ type: 'generate', id, messages, maxNewTokens }`.
 * Messages out: `{ type: 'ready' }`, `{ type: 'token', id, tokenId }`, `{ type: 'done', id, tokens }`,
 * `{ type: 'error', message }`.
 */
import { bareLoad, bareGenerate } from './bare-pipeline.js';

let generator;

self.addEventListener('message', async ({ data }) => {
  try {
    if (data.type === 'load') {
      generator = await bareLoad(data.model, data.device);
      self.postMessage({ type: 'ready' });
    } else if (data.type === 'generate') {
      const tokens = await bareGenerate(generator, data.messages, data.maxNewTokens, (tokenId) =>
        self.postMessage({ type: 'token', id: data.id, tokenId }),
      );
      self.postMessage({ type: 'done', id: data.id, tokens });
    }
  } catch (error) {
    self.postMessage({ type: 'error', message: String(error?.stack ?? error) });
  }
});
