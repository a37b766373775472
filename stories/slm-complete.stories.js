/**
 * Storybook (Component Story Format 3, `@storybook/web-components`) stories for `<slm-complete>`,
 * on the generated tiny model so they work offline.
 */
import { html } from 'lit';
import '../dist/define.js';

export default {
  title: 'Elements/slm-complete',
  component: 'slm-complete',
  args: { prompt: 'Once upon a time', maxNewTokens: 32, temperature: 0, stopSequences: '', mode: 'text' },
  argTypes: { mode: { control: 'inline-radio', options: ['text', 'chat'] } },
  render: ({ prompt, maxNewTokens, temperature, stopSequences, mode }) => html`
    <slm-provider model="slm-tiny" model-base-url="/models/" device="wasm">
      <slm-complete
        prompt=${prompt}
        mode=${mode}
        max-new-tokens=${maxNewTokens}
        temperature=${temperature}
        stop-sequences=${stopSequences}
      ></slm-complete>
    </slm-provider>
  `,
};

/** Before running: the prompt and a Complete button. */
export const Idle = {};

/** After a completion (with its copy button). */
export const Completed = {
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-complete').complete();
  },
};

/** Cut at the first stop sequence (`reason: "stop"` in `slm-response`). */
export const StopSequences = {
  args: { stopSequences: '["e", "a"]' },
  play: Completed.play,
};

/** An instruction answered through the chat template. */
export const ChatMode = {
  args: { mode: 'chat', prompt: 'Name three colours.' },
  play: Completed.play,
};

/** Completes by itself whenever the prompt changes. */
export const Autorun = {
  render: ({ prompt, maxNewTokens }) => html`
    <slm-provider model="slm-tiny" model-base-url="/models/" device="wasm">
      <label>Prompt <input .value=${prompt} @input=${(event) => (event.target.closest('slm-provider').querySelector('slm-complete').prompt = event.target.value)} /></label>
      <slm-complete autorun prompt=${prompt} max-new-tokens=${maxNewTokens}></slm-complete>
    </slm-provider>
  `,
};

/** Ghost text in a textarea: type, pause, then Tab accepts and Escape dismisses. */
export const GhostText = {
  render: () => html`
    <slm-provider model="slm-tiny" model-base-url="/models/" device="wasm">
      <label for="story-notes">Notes</label><br />
      <textarea id="story-notes" rows="5" cols="48" style="font: 1rem/1.5 serif; padding: 0.5rem"></textarea>
      <slm-complete for="story-notes"></slm-complete>
    </slm-provider>
  `,
  play: async ({ canvasElement }) => {
    const field = canvasElement.querySelector('textarea');
    field.focus();
    document.execCommand('insertText', false, 'Dear team, the plan for');
  },
};

/** Ghost text wrapping a single-line input (a suggestion ends at a line break). */
export const GhostTextInput = {
  render: () => html`
    <slm-provider model="slm-tiny" model-base-url="/models/" device="wasm">
      <slm-complete><input type="text" aria-label="Subject" size="40" /></slm-complete>
    </slm-provider>
  `,
};
