/**
 * `<slm-complete>`, standalone and as ghost text, in each of its states. Controls come from
 * custom-elements.json; a scripted engine answers unless the toolbar selects the tiny model.
 */
import { html } from 'lit';
import '../dist/define.js';
import { StoryEngine, withEngine } from './support/engines.js';
import { createElement } from './support/manifest.js';

const complete = (args) => createElement('slm-complete', args);
const completeOnLoad = async ({ canvasElement }) => {
  // Not awaited: a story that streams or loads forever would never finish its play function.
  canvasElement.querySelector('slm-complete').complete();
};

export default {
  title: 'Elements/slm-complete',
  component: 'slm-complete',
  args: { prompt: 'The three best things about the sea are', 'max-new-tokens': 32 },
  render: (args, context) =>
    withEngine(html`${complete(args)}`, context, {
      engine: new StoryEngine({ replies: [' the light, the salt air and the sound of waves at night.'] }),
    }),
};

/** Before running: the prompt and a Complete button. */
export const Idle = {};

/** After a completion, with its copy button. */
export const Completed = {
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-complete').complete();
  },
};

/** A completion still streaming (slowly, so there is time to look). */
export const Streaming = {
  render: (args, context) =>
    withEngine(html`${complete(args)}`, context, {
      engine: new StoryEngine({ replies: [' the light, the salt air and the sound of waves at night. '.repeat(8)], delay: 150 }),
    }),
  play: completeOnLoad,
};

/** Waiting for the model: the download's progress bar (held at 42%). */
export const Loading = {
  render: (args, context) =>
    withEngine(html`${complete(args)}`, context, { engine: new StoryEngine({ loadMs: 400, holdAt: 0.42, cached: false }) }),
  play: completeOnLoad,
};

/** The model does not exist: the error shows in the status line. */
export const MissingModel = {
  render: (args, context) =>
    withEngine(html`${complete(args)}`, context, {
      engine: new StoryEngine({ loadMs: 100, error: { code: 'model-not-found', message: 'The model "no-such-model" was not found (no config.json).' } }),
      provider: { model: 'no-such-model' },
    }),
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-complete').complete();
  },
};

/** An instruction answered through the chat template (`mode="chat"`). */
export const ChatMode = {
  args: { mode: 'chat', prompt: 'Name three colours.' },
  play: Completed.play,
};

/** Ghost text in a textarea: type, pause, then Tab accepts and Escape dismisses. */
export const GhostText = {
  render: (args, context) =>
    withEngine(
      html`<label for="story-notes">Notes</label><br />
        <textarea id="story-notes" rows="5" cols="48" style="font: 1rem/1.5 serif; padding: 0.5rem"></textarea>
        ${complete({ for: 'story-notes', debounce: 150 })}`,
      context,
      { engine: new StoryEngine({ replies: [' next week is to ship the new search page.'], delay: 20 }) },
    ),
  play: async ({ canvasElement }) => {
    canvasElement.querySelector('textarea').focus();
    document.execCommand('insertText', false, 'Dear team, the plan for');
  },
};

/** Ghost text wrapping a single-line input (a suggestion ends at a line break). */
export const GhostTextInput = {
  render: (args, context) => {
    const element = complete({});
    element.innerHTML = '<input type="text" aria-label="Subject" size="40" />';
    return withEngine(html`${element}`, context, { engine: new StoryEngine({ replies: [' for the quarterly review'], delay: 20 }) });
  },
  play: async ({ canvasElement }) => {
    canvasElement.querySelector('input').focus();
    document.execCommand('insertText', false, 'Agenda');
  },
};

/** Themed through `--slm-*` custom properties, and the ghost text's colour. */
export const Themed = {
  args: {
    '--slm-color-accent': '#0f766e',
    '--slm-color-surface': '#f0fdfa',
    '--slm-radius': '0',
    '--slm-font-family': 'Georgia, serif',
  },
  play: Completed.play,
};

/** Right to left: the output and buttons mirror under `dir="rtl"`. */
export const RightToLeft = {
  args: { prompt: 'أفضل ثلاثة أشياء في البحر هي', strings: { run: 'أكمل', stop: 'إيقاف', copy: 'نسخ', outputLabel: 'الإكمال' } },
  render: (args, context) =>
    html`<div dir="rtl" lang="ar">
      ${withEngine(html`${complete(args)}`, context, { engine: new StoryEngine({ replies: [' الضوء والهواء المالح وصوت الأمواج.'] }) })}
    </div>`,
  play: Completed.play,
};

/** With `schema`, the completion is JSON that validates (`slm-response` carries it parsed). */
export const JsonCompletion = {
  args: { mode: 'chat', prompt: 'Ada Lovelace, born 10 December 1815 in London.', schema: JSON.stringify({ type: 'object', properties: { name: { type: 'string' }, born: { type: 'string', format: 'date' } }, required: ['name', 'born'] }) },
  render: (args, context) =>
    withEngine(html`${complete(args)}`, context, { engine: new StoryEngine({ replies: ['{"name": "Ada Lovelace", "born": "1815-12-10"}'] }) }),
  play: Completed.play,
};
