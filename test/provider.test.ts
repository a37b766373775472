import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmProviderElement } from '../dist/index.js';
import { MODEL, MODEL_BASE, clearModelCache, failOnLitDevWarnings, requestCounts, resetRequestCounts } from './helpers.js';

describe('<slm-provider>', () => {
  failOnLitDevWarnings();

  it('does not load anything until a model is needed', async () => {
    await resetRequestCounts();
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(provider.status).to.equal('idle');
    const paths = Object.keys(await requestCounts());
    expect(paths.filter((path) => /worker|transformers|\/models\//.test(path))).to.deep.equal([]);
  });

  it('preloads, reports progress and fires slm-ready with what it loaded', async () => {
    await clearModelCache();
    const progress: number[] = [];
    const provider = document.createElement('slm-provider');
    provider.addEventListener('slm-progress', (event) => progress.push(event.detail.progress));
    const statuses: string[] = [];
    const observer = new MutationObserver(() => statuses.push(provider.getAttribute('status')!));
    observer.observe(provider, { attributes: true, attributeFilter: ['status'] });
    Object.assign(provider, { model: MODEL, modelBaseUrl: MODEL_BASE, device: 'wasm', preload: true });
    const ready = oneEvent(provider, 'slm-ready');
    document.body.append(provider);
    try {
      const { detail } = await ready;
      expect(detail).to.include({ model: MODEL, device: 'wasm', dtype: 'fp32' });
      expect(detail.loadMs).to.be.greaterThan(0);
      expect(provider.status).to.equal('ready');
      expect(statuses).to.include('loading');
      expect(statuses.at(-1)).to.equal('ready');
      expect(progress.length).to.be.greaterThan(0);
      expect(progress.at(-1)).to.equal(1);
      for (const value of progress) expect(value).to.be.within(0, 1);
    } finally {
      observer.disconnect();
      provider.remove();
    }
  });

  it('picks the dtype the model ships when dtype is auto', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" dtype="auto"></slm-provider>`,
    );
    const info = await provider.load();
    // The tiny model ships only onnx/model.onnx, so the preference list falls through to fp32.
    expect(info.dtype).to.equal('fp32');
  });

  it('reports an invalid device value as an error instead of crashing', async () => {
    const provider = document.createElement('slm-provider');
    Object.assign(provider, { model: MODEL, modelBaseUrl: MODEL_BASE, device: 'gpu' });
    const error = oneEvent(provider, 'slm-error');
    document.body.append(provider);
    try {
      const { detail } = await error;
      expect(detail.code).to.equal('invalid-option');
      expect(detail.message).to.contain('device="gpu"');
      expect(detail.message).to.contain('"wasm"');
      expect(provider.status).to.equal('error');
      let rejected: unknown;
      await provider.load().catch((e) => (rejected = e));
      expect((rejected as { code: string }).code).to.equal('invalid-option');

      // Correcting the attribute clears the error.
      provider.device = 'wasm';
      await provider.updateComplete;
      expect(provider.status).to.equal('idle');
    } finally {
      provider.remove();
    }
  });

  it('reports a missing weights file for an explicit dtype', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" dtype="q4"></slm-provider>`,
    );
    const error = oneEvent(provider, 'slm-error');
    await provider.load().catch(() => {});
    const { detail } = await error;
    expect(detail.code).to.equal('model-file-missing');
    expect(detail.message).to.contain('model_q4.onnx');
  });

  it('ends its worker when removed, and loads again when put back', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    await provider.load();
    const parent = provider.parentElement!;
    provider.remove();
    expect(provider.status).to.equal('idle');
    parent.append(provider);
    const info = await provider.load();
    expect(info.model).to.equal(MODEL);
    expect(provider.status).to.equal('ready');
  });
});
