import { expect, fixture, html } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmProviderElement } from '../dist/index.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, referenceGeneration } from './helpers.js';

describe('queue priorities on one model', () => {
  failOnLitDevWarnings();

  it('runs a waiting chat before waiting completions, never interleaving, outputs unchanged', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    await provider.load();
    const engine = provider.engine;
    const settings = { maxNewTokens: 16, temperature: 0 };
    const events: string[] = [];
    const track = (name: string) => (update: { tokenId: number }) => {
      if (events.at(-1) !== name) events.push(name);
      void update;
    };
    // A long generation holds the model while the others queue up behind it.
    const running = engine.generate({ kind: 'text', prompt: 'Hold' }, { maxNewTokens: 120, temperature: 0 }, { onToken: track('running') });
    const background1 = engine.generate({ kind: 'text', prompt: 'One' }, settings, { priority: 'background', onToken: track('background1') });
    const background2 = engine.generate({ kind: 'text', prompt: 'Two' }, settings, { priority: 'background', onToken: track('background2') });
    const chat = engine.generate({ kind: 'chat', messages: [{ role: 'user', content: 'Me first' }] }, settings, {
      onToken: track('chat'),
    });
    const results = await Promise.all([running, background1, background2, chat]);

    // Each generation's tokens arrive as one run (no interleaving), the chat right after the one
    // that was running, then the completions in their order of arrival.
    expect(events).to.deep.equal(['running', 'chat', 'background1', 'background2']);
    expect(results[1]!.text).to.equal((await referenceGeneration('One', 16)).text);
    expect(results[3]!.text).to.equal((await referenceGeneration([{ role: 'user', content: 'Me first' }], 16)).text);
  });

  it('gives completions and ghost text background priority, chats the default', async () => {
    const { FakeEngine, provideEngine } = await import('./fake-engine.js');
    const engine = new FakeEngine();
    const wrapper = document.createElement('div');
    provideEngine(wrapper, engine);
    wrapper.innerHTML = '<slm-chat></slm-chat><slm-complete prompt="x"></slm-complete>';
    await fixture(wrapper);
    await wrapper.querySelector('slm-chat')!.send('hi');
    await wrapper.querySelector('slm-complete')!.complete();
    expect(engine.calls.map((call) => call.options.priority)).to.deep.equal([undefined, 'background']);
  });
});
