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

    const counts = await requestCounts();
    const model = `${MODEL_BASE}${MODEL}/onnx/model.onnx`;
    expect(counts[model], 'model weights fetched').to.equal(1);
    expect(counts[`${MODEL_BASE}${MODEL}/config.json`], 'config fetched').to.equal(1);
    const workerScripts = Object.entries(counts).filter(([path]) => path.endsWith('/engine/worker.js'));
    expect(workerScripts, 'one worker script').to.deep.equal([['/dist/engine/worker.js', 1]]);
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
    expect(counts[`${MODEL_BASE}${MODEL}/onnx/model.onnx`] ?? 0, 'weights from the network').to.equal(0);
  });
});
