/**
 * `<slm-fill>` in each of its states, beside the form it fills. Controls come from
 * custom-elements.json; a scripted engine answers (with JSON for this form) unless the toolbar
 * selects the tiny model.
 */
import { html } from 'lit';
import '../dist/define.js';
import { StoryEngine, withEngine } from './support/engines.js';
import { createElement } from './support/manifest.js';

const TEXT = 'Hi, this is Jane Roe from Acme (jane.roe@acme.example, +44 20 7946 0000). We are a team of 12 and would like the newsletter.';
const VALUES = '{"name": "Jane Roe", "email": "jane.roe@acme.example", "phone": "+44 20 7946 0000", "size": "11-50", "newsletter": true}';

const form = html`<form id="story-contact" style="display: grid; gap: 0.5rem; max-width: 28rem; margin-bottom: 1rem">
  <label>Name <input name="name" required maxlength="60" /></label>
  <label>Email <input type="email" name="email" required /></label>
  <label>Phone <input type="tel" name="phone" /></label>
  <label
    >Company size
    <select name="size">
      <option value="">–</option>
      <option>1-10</option>
      <option>11-50</option>
      <option>51+</option>
    </select></label
  >
  <label><input type="checkbox" name="newsletter" /> Newsletter</label>
  <label>Password <input type="password" name="password" /></label>
</form>`;

const fill = (args) => createElement('slm-fill', { for: 'story-contact', ...args });
const fillOnLoad = async ({ canvasElement }) => {
  // Not awaited: a story that streams or loads forever would never finish its play function.
  canvasElement.querySelector('slm-fill').fill(TEXT);
};

export default {
  title: 'Elements/slm-fill',
  component: 'slm-fill',
  args: {},
  render: (args, context) =>
    withEngine(html`${form}${fill(args)}`, context, { engine: new StoryEngine({ replies: [VALUES], delay: 5 }) }),
};

/** Ready: paste text into its field and press Fill form (or Ctrl+Enter). */
export const Idle = {};

/** After a fill: the filled controls (marked `data-slm-filled`), the summary, and Undo fill. */
export const Filled = {
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-fill').fill(TEXT);
  },
};

/** The JSON still streaming (slowly, so there is time to look; Stop leaves the form as it was). */
export const Streaming = {
  render: (args, context) =>
    withEngine(html`${form}${fill(args)}`, context, { engine: new StoryEngine({ replies: [VALUES], delay: 200 }) }),
  play: fillOnLoad,
};

/** A fill undone in one step. */
export const Undone = {
  play: async ({ canvasElement }) => {
    const element = canvasElement.querySelector('slm-fill');
    await element.fill(TEXT);
    element.undo();
  },
};

/** Waiting for the model: the download's progress bar (held at 42%). */
export const Loading = {
  render: (args, context) =>
    withEngine(html`${form}${fill(args)}`, context, { engine: new StoryEngine({ loadMs: 400, holdAt: 0.42, cached: false }) }),
  play: fillOnLoad,
};

/** `for` names no form: the error shows in the status line. */
export const MissingForm = {
  render: (args, context) => withEngine(html`${fill({ ...args, for: 'no-such-form' })}`, context),
  play: fillOnLoad,
};
