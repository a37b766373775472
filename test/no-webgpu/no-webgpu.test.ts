/**
 * Runs in a Chromium started WITHOUT `--enable-unsafe-webgpu` (the `no-webgpu` group of
 * web-test-runner.config.mjs), where `navigator.gpu.requestAdapter()` resolves to null: what most
 * Linux visitors have today.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { SlmProviderElement } from '../../dist/index.js';
import '../../dist/define.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, referenceGeneration } from '../helpers.js';

describe('without WebGPU', () => {
  failOnLitDevWarnings();

  it('really has no adapter here', async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    expect(gpu ? await gpu.requestAdapter() : null).to.equal(null);
  });

  it('device="auto" chooses WebAssembly and reports it, and the model answers', async () => {
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="auto">
        <slm-chat max-new-tokens="8"></slm-chat>
      </slm-provider>
    `);
    const ready = oneEvent(provider, 'slm-ready');
    await provider.load();
    const { detail } = await ready;
    expect(detail.device).to.equal('wasm');
    expect(detail.capabilities).to.deep.equal({ webgpu: false, fallbackAdapter: false, shaderF16: false });
    expect(provider.capabilities).to.deep.equal(detail.capabilities);
    const expected = await referenceGeneration([{ role: 'user', content: 'No GPU' }], 8);
    expect(await provider.querySelector('slm-chat')!.send('No GPU')).to.equal(expected.text);
  });

  it('device="webgpu" fails with webgpu-unavailable, shown in the chat, without a hang', async () => {
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="webgpu">
        <slm-chat></slm-chat>
      </slm-provider>
    `);
    const chat = provider.querySelector('slm-chat')!;
    const error = oneEvent(provider, 'slm-error');
    const reply = chat.send('Needs a GPU');
    expect((await error).detail.code).to.equal('webgpu-unavailable');
    expect(await reply).to.equal('');
    await chat.updateComplete;
    expect(chat.messages).to.deep.equal([{ role: 'user', content: 'Needs a GPU' }]);
    expect(chat.shadowRoot!.querySelector('[part="status"]')!.textContent).to.contain('no WebGPU adapter');
  });
});
