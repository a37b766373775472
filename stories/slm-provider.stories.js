/**
 * `<slm-provider>` has no look of its own: these stories show what it does with the real engine on
 * the generated tiny model (`npm run model`), offline, whatever the toolbar says: loading with
 * progress events, sharing one model, and the error of a missing model.
 */
import { html } from 'lit';
import '../dist/define.js';
import { TINY_MODEL } from './support/engines.js';
import { createElement } from './support/manifest.js';

/** A provider on the tiny model (args from the controls) with a log of its events. */
function providerWithLog(args) {
  const provider = createElement('slm-provider', { ...TINY_MODEL, ...args });
  const log = document.createElement('output');
  log.setAttribute('aria-live', 'polite');
  log.style.cssText = 'display: block; font: 0.85rem/1.4 monospace; white-space: pre-wrap';
  const note = (line) => (log.textContent += `${line}\n`);
  provider.addEventListener('slm-progress', (event) => {
    if (event.target === provider) note(`slm-progress ${Math.round(event.detail.progress * 100)}% ${event.detail.file ?? ''}`);
  });
  provider.addEventListener('slm-ready', (event) => note(`slm-ready ${JSON.stringify(event.detail)}`));
  provider.addEventListener('slm-error', (event) => note(`slm-error ${event.detail.code}: ${event.detail.message}`));
  return html`${provider}${log}`;
}

export default {
  title: 'Elements/slm-provider',
  component: 'slm-provider',
  args: { preload: true },
  render: (args) => providerWithLog(args),
};

/** `preload` loads the model at once; the log shows its `slm-progress` and `slm-ready` events. */
export const Preload = {};

/** One model shared by a chat and a completion: one download, one worker. */
export const Shared = {
  args: { preload: false },
  render: (args) => {
    const provider = createElement('slm-provider', { ...TINY_MODEL, ...args });
    provider.innerHTML = `
      <slm-chat max-new-tokens="24" style="--slm-chat-height: 18rem"></slm-chat>
      <slm-complete prompt="Once upon a time" max-new-tokens="16"></slm-complete>`;
    return html`${provider}`;
  },
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-complete').complete();
  },
};

/** A model that does not exist: `slm-error` with code `model-not-found`. */
export const MissingModel = { args: { model: 'no-such-model' } };
