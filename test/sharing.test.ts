import { expect, fixture, html } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmProviderElement } from '../dist/index.js';
import {
  MODEL,
  MODEL_BASE,
  clearModelCache,
  failOnLitDevWarnings,
  referenceGeneration,
  requestCounts,
  resetRequestCounts,
} from './helpers.js';

describe('one <slm-provider> shared by a chat and a completion', () => {
  failOnLitDevWarnings();

  it('fetches the model once, starts one worker, and serves both elements', async () => {
    // References first: the bare pipeline fetches the model too, and must not be counted.
    const expectedReply = (await referenceGeneration([{ role: 'user', content: 'Hi!' }], 16)).text;
    const expectedCompletion = (await referenceGeneration('Hello', 16)).text;
    await clearModelCache();
    await resetRequestCounts();
    const root = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <section>
          <slm-chat max-new-tokens="16" temperature="0"></slm-chat>
          <slm-complete prompt="Hello" max-new-tokens="16" temperature="0"></slm-complete>
        </section>
      </slm-provider>
    `);
    const chat = root.querySelector('slm-chat')!;
    const complete = root.querySelector('slm-complete')!;

    const reply = await chat.send('Hi!');
    const completion = await complete.complete();

    expect(reply).to.equal(expectedReply);
    expect(completion).to.equal(expectedCompletion);

    // Downloads, not probes: transformers.js checks files with `Range: bytes=0-0` requests first.
    const counts = await requestCounts();
    const modelFolder = `${MODEL_BASE}${MODEL}/`;
    const downloads = Object.entries(counts).filter(([path]) => path.startsWith(modelFolder) && !path.endsWith('(range)'));
    expect(downloads.map(([path]) => path)).to.include.members([
      `${modelFolder}config.json`,
      `${modelFolder}tokenizer.json`,
      `${modelFolder}onnx/model.onnx`,
    ]);
    for (const [path, times] of downloads) expect(times, `${path} downloads`).to.equal(1);
    const workerScripts = Object.entries(counts).filter(([path]) => path.endsWith('/engine/worker/worker.js'));
    expect(workerScripts, 'one worker script').to.deep.equal([['/dist/engine/worker/worker.js', 1]]);
  });

  it('uses the Cache Storage copy on the next load', async () => {
    const first = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    await first.load();
    first.remove();
    await resetRequestCounts();
    const second = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    await second.load();
    const counts = await requestCounts();
    const downloads = Object.keys(counts).filter((path) => path.startsWith(MODEL_BASE) && !path.endsWith('(range)'));
    expect(downloads, 'model files downloaded again').to.deep.equal([]);
  });
});
