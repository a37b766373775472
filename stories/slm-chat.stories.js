/**
 * Storybook (Component Story Format 3, `@storybook/web-components`) stories for `<slm-chat>`.
 * They run on the generated tiny model (`npm run model`), so they work offline.
 */
import { html } from 'lit';
import '../dist/define.js';

export default {
  title: 'Elements/slm-chat',
  component: 'slm-chat',
  args: { systemPrompt: 'You are a helpful assistant.', maxNewTokens: 48, temperature: 0 },
  render: ({ systemPrompt, maxNewTokens, temperature }) => html`
    <slm-provider model="slm-tiny" model-base-url="/models/" device="wasm">
      <slm-chat system-prompt=${systemPrompt} max-new-tokens=${maxNewTokens} temperature=${temperature}></slm-chat>
    </slm-provider>
  `,
};

/** An empty chat, ready for a first message. */
export const Empty = {};

/** A chat after one exchange. */
export const AfterOneTurn = {
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-chat').send('Hello! What can you do?');
  },
};

/** A model that does not exist: the error is shown and the message kept. */
export const MissingModel = {
  render: () => html`
    <slm-provider model="no-such-model" model-base-url="/models/" device="wasm">
      <slm-chat></slm-chat>
    </slm-provider>
  `,
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-chat').send('Is anyone there?');
  },
};

/** Themed through custom properties. */
export const Themed = {
  render: () => html`
    <slm-provider model="slm-tiny" model-base-url="/models/" device="wasm">
      <slm-chat style="--slm-color-accent: #7c3aed; --slm-radius: 0.25rem; --slm-chat-height: 24rem"></slm-chat>
    </slm-provider>
  `,
};
