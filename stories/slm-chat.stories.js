/**
 * `<slm-chat>` in each of its states. Controls come from custom-elements.json; a scripted engine
 * answers unless the toolbar selects the tiny model. Run `npm run build` (and `npm run model` for
 * the tiny model) first.
 */
import { html } from 'lit';
import '../dist/define.js';
import { StoryEngine, withEngine } from './support/engines.js';
import { createElement } from './support/manifest.js';

const MARKDOWN_REPLY = [
  'Here is a **three-step** plan:',
  '',
  '1. Load the model once, in a worker.',
  '2. Stream each token into the transcript.',
  '3. Keep the conversation cache for the next turn.',
  '',
  '```js',
  "document.querySelector('slm-chat').send('Hello');",
  '```',
  '',
  'See [the README](https://github.com/) for more.',
].join('\n');

const CONVERSATION = [
  { role: 'user', content: 'What runs this chat?' },
  { role: 'assistant', content: 'A small language model, **in your browser**: nothing you type leaves the device.' },
  { role: 'user', content: 'Can I style it?' },
  { role: 'assistant', content: 'Yes: `--slm-*` custom properties and `::part()` selectors.' },
];

const chat = (args) => createElement('slm-chat', args);
const sendOnLoad = (text) => async ({ canvasElement }) => {
  // Not awaited: a story that streams or loads forever would never finish its play function.
  canvasElement.querySelector('slm-chat').send(text);
};

export default {
  title: 'Elements/slm-chat',
  component: 'slm-chat',
  args: { 'system-prompt': 'You are a helpful assistant.', 'max-new-tokens': 48 },
  render: (args, context) => withEngine(html`${chat(args)}`, context),
};

/** Empty, ready for a first message. */
export const Empty = {};

/** A conversation set through the `messages` property. */
export const Conversation = { args: { messages: CONVERSATION } };

/** A reply after one exchange, rendered as safe markdown, with statistics under it (`show-stats`). */
export const Replied = {
  args: { 'show-stats': true },
  render: (args, context) =>
    withEngine(html`${chat(args)}`, context, { engine: new StoryEngine({ replies: [MARKDOWN_REPLY], delay: 1 }) }),
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-chat').send('How does this work?');
  },
};

/** A reply still streaming (slowly, so there is time to look; Stop keeps what was generated). */
export const Streaming = {
  render: (args, context) =>
    withEngine(html`${chat(args)}`, context, {
      engine: new StoryEngine({ replies: [MARKDOWN_REPLY.repeat(4)], delay: 150 }),
    }),
  play: sendOnLoad('Plan my week, please.'),
};

/** A message sent, no text yet: the typing indicator (the model is slow to start). */
export const Pending = {
  render: (args, context) => withEngine(html`${chat(args)}`, context, { engine: new StoryEngine({ delay: 600_000 }) }),
  play: sendOnLoad('Are you there?'),
};

/** The first message waits for the model: the download shows in the waiting reply (held at 40%). */
export const Loading = {
  render: (args, context) =>
    withEngine(html`${chat(args)}`, context, { engine: new StoryEngine({ loadMs: 400, holdAt: 0.42, cached: false }) }),
  play: sendOnLoad('Hello?'),
};

/**
 * Two elements on one model: the completion asked for it, so the completion shows the download;
 * the chat, which nobody used, shows nothing of it.
 */
export const LoadingForAnotherElement = {
  render: (args, context) =>
    withEngine(
      html`${chat({ ...args, '--slm-chat-height': '18rem' })}
        <slm-complete style="margin-top: 1rem" prompt="Once upon a time"></slm-complete>`,
      context,
      { engine: new StoryEngine({ loadMs: 400, holdAt: 0.42, cached: false }) },
    ),
  play: async ({ canvasElement }) => {
    canvasElement.querySelector('slm-complete').complete();
  },
};

/** Offline on a first visit: the error once, in the transcript, with Retry (the network may come back). */
export const Offline = {
  render: (args, context) =>
    withEngine(html`${chat(args)}`, context, {
      engine: new StoryEngine({
        loadMs: 100,
        error: {
          code: 'network-error',
          message:
            'Model "HuggingFaceTB/SmolLM2-360M-Instruct" could not be downloaded and is not in this browser\'s cache (Failed to fetch).',
        },
      }),
    }),
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-chat').send('Hello?');
  },
};

/**
 * The model does not exist: the error is shown once, the message kept, and no Retry (it would
 * fail the same way until the page picks another model).
 */
export const MissingModel = {
  render: (args, context) =>
    withEngine(html`${chat(args)}`, context, {
      engine: new StoryEngine({
        loadMs: 100,
        error: { code: 'model-not-found', message: 'The model "no-such-model" was not found (no config.json).' },
      }),
      provider: { model: 'no-such-model' },
    }),
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-chat').send('Is anyone there?');
  },
};

/** A configuration error (`device="gpu"` on the provider): shown where the user acted, without Retry. */
export const ConfigurationError = {
  render: (args, context) =>
    withEngine(html`${chat(args)}`, context, {
      engine: new StoryEngine({
        loadMs: 0,
        error: { code: 'invalid-option', message: 'device="gpu" is not supported: use one of "auto", "webgpu", "wasm".' },
      }),
      provider: { device: 'gpu' },
    }),
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-chat').send('Hello?');
  },
};

/** Editing an earlier message: the banner above the field, the message outlined. */
export const Editing = {
  args: { messages: CONVERSATION },
  play: async ({ canvasElement }) => {
    const element = canvasElement.querySelector('slm-chat');
    await element.updateComplete;
    element.edit(2);
  },
};

/** Themed through `--slm-*` custom properties (each one is a control in the CSS section). */
export const Themed = {
  args: {
    messages: CONVERSATION,
    '--slm-color-accent': '#7c3aed',
    '--slm-color-user-background': '#ede9fe',
    '--slm-color-user-text': '#2e1065',
    '--slm-radius': '1.25rem',
    '--slm-font-family': 'Georgia, serif',
    '--slm-chat-height': '26rem',
  },
};

/** A dark look from the same tokens (the elements also follow `prefers-color-scheme` by themselves). */
export const Dark = {
  args: {
    messages: CONVERSATION,
    '--slm-color-background': '#0f172a',
    '--slm-color-surface': '#1e293b',
    '--slm-color-text': '#e2e8f0',
    '--slm-color-text-muted': '#94a3b8',
    '--slm-color-border': '#334155',
    '--slm-color-accent': '#38bdf8',
    '--slm-color-accent-text': '#0f172a',
    '--slm-color-assistant-background': '#1e293b',
    '--slm-color-assistant-text': '#e2e8f0',
  },
  render: (args, context) => html`<div style="background: #020617; padding: 1rem; color-scheme: dark">${withEngine(html`${chat(args)}`, context)}</div>`,
};

/** Right to left: the layout mirrors under `dir="rtl"`; `strings` translates the interface. */
export const RightToLeft = {
  args: {
    messages: [
      { role: 'user', content: 'ما الذي يشغّل هذه المحادثة؟' },
      { role: 'assistant', content: 'نموذج لغوي صغير يعمل **في متصفحك**، ولا يغادر ما تكتبه جهازك.' },
    ],
    strings: { placeholder: 'اكتب رسالة…', send: 'إرسال', stop: 'إيقاف', clear: 'مسح', conversationLabel: 'المحادثة', inputLabel: 'الرسالة' },
  },
  render: (args, context) => html`<div dir="rtl" lang="ar">${withEngine(html`${chat(args)}`, context)}</div>`,
};

/** Slotted header, empty state and footer. */
export const Slots = {
  render: (args, context) => {
    const element = chat(args);
    element.innerHTML = `
      <strong slot="header">Assistant</strong>
      <p slot="empty">Ask about the weather, recipes or code.</p>
      <small slot="footer">Answers can be wrong. Nothing leaves this device.</small>`;
    return withEngine(html`${element}`, context);
  },
};

const PERSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 40 }, born: { type: 'string', format: 'date' }, fields: { type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 3 } },
  required: ['name', 'born'],
};

/** With `schema`, every reply is JSON that validates, shown as a code block (on the tiny model too: XGrammar as Vite bundles it). */
export const JsonReplies = {
  args: { schema: JSON.stringify(PERSON_SCHEMA), 'max-new-tokens': 300 },
  render: (args, context) =>
    withEngine(html`${chat(args)}`, context, {
      engine: new StoryEngine({ replies: ['{"name": "Ada Lovelace", "born": "1815-12-10", "fields": ["mathematics", "computing"]}'], delay: 10 }),
    }),
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-chat').send('Who wrote the first program?');
  },
};

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'The current weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 40 } }, required: ['city'] },
};

/** A tool call and its result, shown compactly (open the disclosure for the result), then the answer. */
export const ToolCalls = {
  render: (args, context) => {
    const host = withEngine(html`${chat(args)}`, context, {
      engine: new StoryEngine({ replies: ['It is 21 °C and sunny in Paris.'], toolCalls: [[{ name: 'get_weather', arguments: { city: 'Paris' } }]], delay: 5 }),
    });
    host.querySelector('slm-chat').tools = [{ ...WEATHER_TOOL, run: () => ({ temperature: 21, sky: 'sunny' }) }];
    return host;
  },
  play: async ({ canvasElement }) => {
    await canvasElement.querySelector('slm-chat').send('What is the weather in Paris?');
  },
};

/** A tool call waiting for the page's answer: the status line names the tool; Stop ends the turn. */
export const ToolRunning = {
  render: (args, context) => {
    const host = withEngine(html`${chat(args)}`, context, {
      engine: new StoryEngine({ toolCalls: [[{ name: 'get_weather', arguments: { city: 'Oslo' } }]], delay: 5 }),
    });
    const element = host.querySelector('slm-chat');
    element.tools = [WEATHER_TOOL];
    element.addEventListener('slm-tool-call', (event) => event.respondWith(new Promise(() => {})));
    return host;
  },
  play: sendOnLoad('And in Oslo?'),
};
