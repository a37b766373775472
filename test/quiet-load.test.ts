/**
 * A healthy load prints nothing red (issue #16): the engine knows which files a model has before
 * asking for them (the folder's `manifest.json`, the Hub's listing, the model's own
 * `transformers.js_config`), so no request answers 404. Seen from outside the page, as DevTools
 * sees it (`test/server/console-capture.mjs`): console errors and warnings of the page and its
 * workers, and every response of 400 or more.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { SlmProviderElement } from '../dist/index.js';
import '../dist/define.js';
import { MODEL, MODEL_BASE, clearModelCache, failOnLitDevWarnings, referenceGeneration, requestCounts, resetRequestCounts } from './helpers.js';

interface Captured {
  messages: { type: string; text: string; where: string }[];
  failedResponses: { status: number; url: string }[];
}

/** Loads `model` into an empty cache and returns what the browser printed and which requests failed. */
async function coldLoad(model: string, dtype = 'auto'): Promise<{ captured: Captured; provider: SlmProviderElement }> {
  await clearModelCache();
  await resetRequestCounts();
  await executeServerCommand('console-capture-start');
  const provider = await fixture<SlmProviderElement>(
    html`<slm-provider model=${model} model-base-url=${MODEL_BASE} device="wasm" dtype=${dtype}>
      <slm-chat max-new-tokens="8"></slm-chat>
    </slm-provider>`,
  );
  await provider.load();
  const captured = (await executeServerCommand('console-capture-take')) as Captured;
  return { captured, provider };
}

describe('quiet loads (no console noise)', () => {
  failOnLitDevWarnings();

  it('a cold load of a folder with a manifest (dtype="auto") makes no failed request and prints no error', async () => {
    const { captured, provider } = await coldLoad(MODEL);
    expect(captured.failedResponses).to.deep.equal([]);
    expect(captured.messages.filter((m) => m.type === 'error')).to.deep.equal([]);
    // Lit's dev-mode notice is the page's only warning.
    expect(captured.messages.filter((m) => !/dev mode/i.test(m.text))).to.deep.equal([]);
    // dtype="auto" on WebAssembly prefers q8, then q4: the manifest says neither exists, so
    // neither is asked for; fp32 is loaded.
    const counts = await requestCounts();
    const modelRequests = Object.keys(counts).filter((path) => path.startsWith(`/models/${MODEL}/`)).sort();
    expect(modelRequests).to.deep.equal(
      [
        'config.json',
        'generation_config.json',
        'manifest.json',
        'onnx/model.onnx',
        'tokenizer.json',
        'tokenizer_config.json',
      ].map((file) => `/models/${MODEL}/${file}`),
    );
    for (const path of modelRequests) expect(counts[path], path).to.equal(1);
    expect(provider.engine.info?.dtype).to.equal('fp32');

    const expected = await referenceGeneration([{ role: 'user', content: 'Quiet?' }], 8);
    const chat = provider.querySelector('slm-chat')!;
    expect(await chat.send('Quiet?')).to.equal(expected.text);
  });

  it('without a manifest, the dtype the model declares in config.json is used without probing the others', async () => {
    const { captured, provider } = await coldLoad('slm-plain');
    // One request can fail: the manifest the folder does not have. No weights are probed.
    expect(captured.failedResponses.map((r) => new URL(r.url).pathname)).to.deep.equal(['/models/slm-plain/manifest.json']);
    // The declared file's size is asked for (the storage check needs it); no other weights are.
    const counts = await requestCounts();
    const weights = Object.keys(counts).filter((path) => path.includes('/onnx/'));
    expect(weights.map((path) => path.replace(' (range)', ''))).to.include('/models/slm-plain/onnx/model.onnx');
    expect(weights.filter((path) => !path.startsWith('/models/slm-plain/onnx/model.onnx'))).to.deep.equal([]);
    expect(provider.engine.info?.dtype).to.equal('fp32');
  });

  it('a warm load asks for nothing, not even the manifest', async () => {
    await coldLoad(MODEL);
    await resetRequestCounts();
    await executeServerCommand('console-capture-start');
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    await provider.load();
    const captured = (await executeServerCommand('console-capture-take')) as Captured;
    expect(captured.failedResponses).to.deep.equal([]);
    const counts = await requestCounts();
    expect(Object.keys(counts).filter((path) => path.startsWith('/models/'))).to.deep.equal([]);
  });

  it('isCached() and downloadSize() answer from the manifest without probing', async () => {
    await clearModelCache();
    await resetRequestCounts();
    await executeServerCommand('console-capture-start');
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider load="manual" model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    expect(await provider.isCached()).to.equal(false);
    const size = await provider.downloadSize();
    // Everything the load will fetch but config.json, which the question itself read.
    expect(size).to.be.greaterThan(450_000);
    const captured = (await executeServerCommand('console-capture-take')) as Captured;
    expect(captured.failedResponses).to.deep.equal([]);
    const counts = await requestCounts();
    expect(Object.keys(counts).filter((path) => path.endsWith(' (range)'))).to.deep.equal([]);
  });
});
