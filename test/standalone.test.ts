import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmChatElement, SlmCompleteElement } from '../dist/index.js';
import { sharedEngineCount } from '../dist/engine/page/shared-engines.js';
import {
  MODEL,
  MODEL_BASE,
  clearModelCache,
  failOnLitDevWarnings,
  referenceGeneration,
  requestCounts,
  resetRequestCounts,
} from './helpers.js';

describe('elements without a provider', () => {
  failOnLitDevWarnings();

  it('share one page-wide engine per model configuration', async () => {
    const expectedA = (await referenceGeneration([{ role: 'user', content: 'A' }], 12)).text;
    const expectedB = (await referenceGeneration([{ role: 'user', content: 'B' }], 12)).text;
    await clearModelCache();
    await resetRequestCounts();
    const root = await fixture<HTMLElement>(html`
      <div>
        <slm-chat model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" max-new-tokens="12"></slm-chat>
        <slm-chat model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" max-new-tokens="12"></slm-chat>
      </div>
    `);
    const [first, second] = root.querySelectorAll('slm-chat') as unknown as SlmChatElement[];
    // The fixture waited for the <div> only; each chat takes its engine once its interface is there.
    await Promise.all([first!.updateComplete, second!.updateComplete]);
    expect(sharedEngineCount()).to.equal(1);
    const ready = oneEvent(first!, 'slm-ready');
    expect(await first!.send('A')).to.equal(expectedA);
    expect((await ready).detail.model).to.equal(MODEL);
    expect(await second!.send('B')).to.equal(expectedB);

    const counts = await requestCounts();
    expect(counts['/dist/engine/worker/worker.js'], 'one worker').to.equal(1);
    expect(counts[`${MODEL_BASE}${MODEL}/onnx/model.onnx`], 'weights downloaded once').to.equal(1);

    root.remove();
    expect(sharedEngineCount(), 'the last element to leave unloads the engine').to.equal(0);
  });

  it('report a missing model on the element itself and keep the message', async () => {
    const chat = await fixture<SlmChatElement>(
      html`<slm-chat model="nowhere-model" model-base-url=${MODEL_BASE} device="wasm"></slm-chat>`,
    );
    const error = oneEvent(chat, 'slm-error');
    await chat.send('Anyone?');
    expect((await error).detail.code).to.equal('model-not-found');
    expect(chat.messages).to.deep.equal([{ role: 'user', content: 'Anyone?' }]);
  });

  it('report a refused attribute at once', async () => {
    const chat = document.createElement('slm-chat');
    chat.setAttribute('model', MODEL);
    chat.setAttribute('device', 'gpu');
    const error = oneEvent(chat, 'slm-error');
    document.body.append(chat);
    try {
      const { detail } = await error;
      expect(detail.code).to.equal('invalid-option');
      expect(detail.message).to.contain('device="gpu"');
      chat.setAttribute('device', 'wasm');
      chat.setAttribute('model-base-url', MODEL_BASE);
      await chat.updateComplete;
      chat.setAttribute('max-new-tokens', '4');
      const reply = await chat.send('Fixed?');
      expect(reply.length).to.be.greaterThan(0);
    } finally {
      chat.remove();
    }
  });

  it('switch to a provider that appears later', async () => {
    const root = await fixture<HTMLElement>(html`<div><slm-chat model="unused-model"></slm-chat></div>`);
    const chat = root.querySelector('slm-chat')!;
    expect(sharedEngineCount()).to.equal(1);
    const provider = document.createElement('slm-provider');
    Object.assign(provider, { model: MODEL, modelBaseUrl: MODEL_BASE, device: 'wasm' });
    root.append(provider);
    provider.append(chat);
    await chat.updateComplete;
    expect(sharedEngineCount(), 'the page-wide engine was released').to.equal(0);
    chat.setAttribute('max-new-tokens', '4');
    await chat.send('Hi');
    expect(provider.status).to.equal('ready');
  });

  it('take their model settings as properties: made with createElement, given only properties, they load and generate', async () => {
    const expectedChat = (await referenceGeneration([{ role: 'user', content: 'Props' }], 8)).text;
    const expectedText = (await referenceGeneration('Once upon', 8)).text;
    // What React, Vue and Angular do: set properties, never attributes.
    const chat = Object.assign(document.createElement('slm-chat'), {
      model: MODEL,
      modelBaseUrl: MODEL_BASE,
      device: 'wasm',
      dtype: 'fp32',
      maxNewTokens: 8,
    }) as SlmChatElement;
    const complete = Object.assign(document.createElement('slm-complete'), {
      model: MODEL,
      modelBaseUrl: MODEL_BASE,
      device: 'wasm',
      dtype: 'fp32',
      maxNewTokens: 8,
    }) as SlmCompleteElement;
    document.body.append(chat, complete);
    try {
      const ready = oneEvent(chat, 'slm-ready');
      expect(await chat.send('Props')).to.equal(expectedChat);
      const info = (await ready).detail;
      expect(info.device).to.equal('wasm');
      expect(info.dtype).to.equal('fp32');
      expect(await complete.complete('Once upon')).to.equal(expectedText);
      expect(sharedEngineCount(), 'one engine for both: the same settings').to.equal(1);

      // A property changed from JavaScript takes effect: a refused value is reported, a valid one serves again.
      const error = oneEvent(chat, 'slm-error');
      chat.dtype = 'int3' as never;
      expect((await error).detail.message).to.contain('dtype="int3"');
      chat.dtype = 'auto';
      await chat.updateComplete;
      expect(await chat.send('Props')).to.be.a('string').and.not.equal('');
      expect(sharedEngineCount(), 'auto and fp32 are two configurations').to.equal(2);
    } finally {
      chat.remove();
      complete.remove();
    }
    expect(sharedEngineCount()).to.equal(0);
  });

  it('declare the model settings as the engine table has them, on every element', async () => {
    const { ENGINE_SETTINGS } = await import('../dist/engine/shared/settings.js');
    const identity = Object.entries(ENGINE_SETTINGS).filter(([, setting]) => setting.identity);
    for (const tag of ['slm-provider', 'slm-chat', 'slm-complete'] as const) {
      const properties = (customElements.get(tag) as unknown as { elementProperties: Map<string, { attribute?: string | boolean }> })
        .elementProperties;
      for (const [name, setting] of identity) {
        const declared = properties.get(name);
        expect(declared, `${tag}.${name}`).to.not.equal(undefined);
        const attribute = typeof declared!.attribute === 'string' ? declared!.attribute : name.toLowerCase();
        expect(attribute, `${tag}.${name}'s attribute`).to.equal(setting.attribute);
      }
    }
  });
});
