/**
 * Storybook (Component Story Format 3, `@storybook/web-components`) stories for `<slm-complete>`,
 * on the generated tiny model so they work offline.
 */
import { html } from 'lit';
import '../dist/define.js';

export default {
  title: 'Elements/slm-complete',
  component: 'slm-complete',
  args: { prompt: 'Once upon a time', maxNewTokens: 32, temperature: 0 },
  render: ({ prompt, maxNewTokens, temperature }) => html`
    <slm-provider model="slm-tiny" model-base-url="/models/" device="wasm">
      <slm-complete prompt=${prompt} max-new-tokens=${maxNewTokens} temperature=${temperature}></slm-complete>
    </slm-provider>
  `,
};

/** Before running: the prompt and a Complete button. */
export const Idle = {};

/** After a completion. */
export const Completed = {
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-complete').complete();
  },
};
