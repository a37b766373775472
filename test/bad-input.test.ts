/**
 * Every bad attribute value a page author can write: a specific `slm-error`, a readable message in
 * the element, no hang, no unhandled rejection, and the user's text kept.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { SlmChatElement, SlmErrorEvent } from '../dist/index.js';
import '../dist/define.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, typeInto, until } from './helpers.js';

/** [where the attribute goes, attribute, bad value, what the message must name]. */
const CASES: ['provider' | 'chat', string, string, RegExp][] = [
  ['provider', 'device', 'gpu', /device="gpu".*"auto", "webgpu", "wasm"/],
  ['provider', 'dtype', 'int3', /dtype="int3"/],
  ['provider', 'load', 'sometimes', /load="sometimes".*"lazy", "eager", "manual"/],
  ['chat', 'max-new-tokens', '-3', /max-new-tokens/],
  ['chat', 'temperature', 'hot', /temperature/],
  ['chat', 'context-window', '0', /context-window/],
];

describe('bad attribute values', () => {
  failOnLitDevWarnings();
  const rejections: unknown[] = [];
  const onRejection = (event: PromiseRejectionEvent) => rejections.push(event.reason);
  before(() => window.addEventListener('unhandledrejection', onRejection));
  after(() => window.removeEventListener('unhandledrejection', onRejection));
  beforeEach(() => (rejections.length = 0));

  for (const [where, attribute, value, names] of CASES) {
    it(`${where} ${attribute}="${value}": invalid-option, shown in the chat, the message kept`, async () => {
      const provider = await fixture<HTMLElement>(html`
        <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"><slm-chat></slm-chat></slm-provider>
      `);
      const chat = provider.querySelector('slm-chat') as SlmChatElement;
      const errors: SlmErrorEvent['detail'][] = [];
      provider.addEventListener('slm-error', (event) => errors.push(event.detail));
      (where === 'provider' ? provider : chat).setAttribute(attribute, value);
      await chat.updateComplete;

      await typeInto(chat, 'Please keep this');
      const reply = await chat.send();
      expect(reply).to.equal('');
      // One specific error, naming the attribute and what is allowed (from the provider or the chat).
      await until(() => errors.length > 0, 5_000, 'slm-error');
      expect(errors.map((error) => error.code)).to.include('invalid-option');
      const message = errors.find((error) => error.code === 'invalid-option')!.message;
      expect(message).to.match(names);
      // In the element, in words (announced by the status line, shown in the transcript), and the
      // user's text is still there; no Retry while retrying would fail the same way.
      await until(
        () => chat.shadowRoot!.querySelector('[part="status"]')!.textContent!.includes(message),
        5_000,
        'the message in the status line',
      );
      expect(chat.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain(message);
      expect(chat.messages).to.deep.equal([{ role: 'user', content: 'Please keep this' }]);
      expect(chat.shadowRoot!.querySelector('[part="retry-button"]')).to.equal(null);
      expect(chat.shadowRoot!.querySelector('[part="stop-button"]')!.hasAttribute('hidden')).to.equal(true);

      // Corrected, Retry appears and the same message is answered: nothing was lost and nothing hangs.
      (where === 'provider' ? provider : chat).removeAttribute(attribute);
      await chat.updateComplete;
      await until(() => Boolean(chat.shadowRoot!.querySelector('[part="retry-button"]')), 5_000, 'the retry button');
      expect(await chat.regenerate()).to.be.a('string').and.not.equal('');
      expect(rejections).to.deep.equal([]);
    });
  }
});
