/**
 * A first visit's download on the real engine and tiny model, slowed by the test server
 * (`POST /__slow`, see `test/server/fixture-models.mjs`): the download shows only in the element
 * whose request waits for it, and no element moves or changes size before, during or after it
 * (issue #18, item 3).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmChatElement, SlmCompleteElement, SlmProviderElement } from '../dist/index.js';
import { MODEL, MODEL_BASE, clearModelCache, failOnLitDevWarnings, until } from './helpers.js';

const WEIGHTS = `${MODEL_BASE}${MODEL}/onnx/model.onnx`;
const setSlow = (path: string) => fetch(`/__slow?path=${encodeURIComponent(path)}`, { method: 'POST' });

const part = (element: SlmChatElement | SlmCompleteElement, name: string) =>
  element.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

function rect(element: Element | null) {
  const { x, y, width, height } = element!.getBoundingClientRect();
  return { x, y, width, height };
}

describe('a slow first download (tiny model)', () => {
  failOnLitDevWarnings();

  afterEach(() => setSlow(''));

  it('shows in the chat that waits, in its reply, and moves nothing in the chat or the completion', async () => {
    await clearModelCache();
    await setSlow(WEIGHTS);
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" style="display: block; width: 600px">
        <slm-chat style="--slm-chat-height: 20rem"></slm-chat>
        <slm-complete prompt="Once upon a time" max-new-tokens="8"></slm-complete>
      </slm-provider>
    `);
    const chat = provider.querySelector('slm-chat')!;
    const complete = provider.querySelector('slm-complete')!;
    await Promise.all([chat.updateComplete, complete.updateComplete]);
    // A conversation under way: the chat's status row has its height (it appears with the first message).
    chat.messages = [
      { role: 'user', content: 'Earlier' },
      { role: 'assistant', content: 'An answer.' },
    ];
    await chat.updateComplete;
    const layout = () => ({
      chat: rect(chat),
      composer: rect(part(chat, 'composer')),
      input: rect(part(chat, 'input')),
      complete: rect(complete),
      output: rect(part(complete, 'output')),
      toolbar: rect(complete.shadowRoot!.querySelector('.toolbar')),
    });
    const before = layout();

    const reply = chat.send('Hello');
    await until(() => provider.status === 'loading' && Boolean(part(chat, 'progress')), 20_000, 'the download in the chat');
    expect(part(chat, 'progress')!.closest('[part~="assistant-message"]'), 'in the waiting reply').to.exist;
    expect(part(complete, 'progress'), 'not in the completion nobody used').to.equal(null);
    expect(part(complete, 'status')!.textContent).to.equal('');
    expect(layout()).to.deep.equal(before);
    await expect(chat).to.be.accessible();

    await reply;
    await Promise.all([chat.updateComplete, complete.updateComplete]);
    expect(provider.status).to.equal('ready');
    expect(part(chat, 'progress')).to.equal(null);
    expect(layout()).to.deep.equal(before);
  });

  it('shows in the completion that waits, within its toolbar, and moves nothing', async () => {
    await clearModelCache();
    await setSlow(WEIGHTS);
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" style="display: block; width: 600px">
        <slm-chat style="--slm-chat-height: 20rem"></slm-chat>
        <slm-complete prompt="Once upon a time" max-new-tokens="8"></slm-complete>
      </slm-provider>
    `);
    const chat = provider.querySelector('slm-chat')!;
    const complete = provider.querySelector('slm-complete')!;
    await Promise.all([chat.updateComplete, complete.updateComplete]);
    const layout = () => ({ chat: rect(chat), complete: rect(complete), output: rect(part(complete, 'output')) });
    const before = layout();

    const done = complete.complete();
    await until(() => provider.status === 'loading' && Boolean(part(complete, 'progress')), 20_000, 'the download in the completion');
    expect(part(chat, 'progress'), 'not in the chat nobody used').to.equal(null);
    expect(part(chat, 'status')!.textContent).to.equal('');
    expect(layout()).to.deep.equal(before);
    await expect(complete).to.be.accessible();

    await done;
    await complete.updateComplete;
    expect(part(complete, 'progress')).to.equal(null);
    expect(layout()).to.deep.equal(before);
  });
});
