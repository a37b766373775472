/**
 * One specification for the four framework example apps (`examples/<framework>/`), in the spirit
 * of Custom Elements Everywhere: each app is the built page a developer would serve, loaded in an
 * iframe, and driven the way a user drives it (its own form fields, the chat's own field and
 * buttons). Every app binds the elements the same way, so the same checks apply to all of them:
 *
 * | binding                                  | channel                    |
 * | ---------------------------------------- | -------------------------- |
 * | chat `system-prompt` (string, state)     | attribute                  |
 * | chat `temperature="0"` (number, static)  | attribute                  |
 * | chat `maxNewTokens` (number, state)      | property                   |
 * | chat `showStats` (boolean, state)        | property                   |
 * | chat `strings` (object), `messages` (array of objects) | property     |
 * | complete `stopSequences` (array)         | property                   |
 * | complete `max-new-tokens="24"` (static)  | attribute                  |
 * | provider `model` (string, root prop)     | property                   |
 * | provider `model-base-url` (string)       | attribute                  |
 * | provider `preload` (boolean, static)     | attribute                  |
 *
 * The checks run the real tiny model (`npm run model`) through the script-tag build, like the
 * pages themselves: the elements in the page are not the test's copy of the library.
 */
import { expect } from '@open-wc/testing';
import type { SlmChatElement, SlmCompleteElement, SlmProviderElement } from '../../dist/index.js';
import { cutAtStop } from '../../dist/engine/worker/stop-sequences.js';
import { MODEL, MODEL_BASE, referenceGeneration, until } from '../helpers.js';

/** The example apps, by folder name under `examples/`. */
export type Framework = 'vue' | 'svelte' | 'react' | 'angular';

/** The page's window, with the constructors of its own realm. */
type PageWindow = Window & typeof globalThis;

/** A mounted example app and handles on what the checks touch. */
export interface ExampleApp {
  frame: HTMLIFrameElement;
  page: PageWindow;
  provider: SlmProviderElement;
  chat: SlmChatElement;
  complete: SlmCompleteElement;
  /** One of the app's own form fields, by `name`. */
  field<T extends HTMLInputElement | HTMLSelectElement | HTMLButtonElement>(name: string): T;
  /** The text of one activity entry (`data-testid`), which the app's event handlers fill in. */
  activity(id: 'model-status' | 'error' | 'sent' | 'last-sent' | 'streamed' | 'reply' | 'completion'): string;
  /** Errors and warnings the page logged or threw since it loaded. */
  problems: string[];
}

/** What the apps start with (their initial state). */
const INITIAL = {
  systemPrompt: 'You are a helpful, concise assistant.',
  maxNewTokens: 64,
  sendLabel: 'Ask',
  prompt: 'Once upon a time',
  stopSequences: ['\n\n', 'THE END'],
};

/** Opens `examples/<framework>/` in an iframe, on the tiny model unless `model` says otherwise. */
export async function openExample(framework: Framework, model = MODEL): Promise<ExampleApp> {
  const frame = document.createElement('iframe');
  const query = new URLSearchParams({ model, 'model-base-url': MODEL_BASE, device: 'wasm' });
  frame.src = `/examples/${framework}/index.html?${query}`;
  frame.style.cssText = 'width: 1000px; height: 900px; border: 0';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const page = frame.contentWindow as PageWindow;
  const doc = page.document;
  // A framework that rejects a binding usually says so on the console rather than throwing.
  const problems: string[] = [];
  for (const level of ['error', 'warn'] as const) {
    const original = page.console[level].bind(page.console);
    page.console[level] = (...args: unknown[]) => {
      problems.push(`console.${level}: ${args.map(String).join(' ')}`);
      original(...args);
    };
  }
  page.addEventListener('error', (event) => problems.push(`error: ${event.message}`));
  page.addEventListener('unhandledrejection', (event) => problems.push(`unhandled rejection: ${String(event.reason)}`));
  // The framework renders after its bundle ran; the elements must already be defined by then.
  await until(() => doc.querySelector('slm-chat') !== null, 20_000, `the ${framework} app to render`);
  const app: ExampleApp = {
    frame,
    page,
    provider: doc.querySelector('slm-provider') as SlmProviderElement,
    chat: doc.querySelector('slm-chat') as SlmChatElement,
    complete: doc.querySelector('slm-complete') as SlmCompleteElement,
    field: (name) => {
      const field = doc.querySelector(`[name="${name}"]`);
      if (!field) throw new Error(`No field named ${name}`);
      return field as never;
    },
    activity: (id) => doc.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '',
    problems,
  };
  await app.chat.updateComplete;
  return app;
}

/** Types into a text, number or select field of the app the way a browser reports user input. */
function setField(app: ExampleApp, field: HTMLInputElement | HTMLSelectElement, value: string): void {
  // The prototype's setter, not `field.value = …`: React tracks values set through the instance
  // and would swallow the following input event as "no change".
  const proto = field instanceof app.page.HTMLSelectElement ? app.page.HTMLSelectElement.prototype : app.page.HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(field, value);
  field.dispatchEvent(new app.page.Event('input', { bubbles: true }));
  field.dispatchEvent(new app.page.Event('change', { bubbles: true }));
}

/** Shadow-DOM part of an element. */
function part<T extends HTMLElement>(host: HTMLElement, name: string): T {
  const found = host.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
  if (!found) throw new Error(`No part ${name} in <${host.localName}>`);
  return found;
}

/** Sends `text` through the chat's own field and send button, as a user would. */
async function sendThroughChat(app: ExampleApp, text: string): Promise<void> {
  const input = part<HTMLTextAreaElement>(app.chat, 'input');
  input.value = text;
  input.dispatchEvent(new app.page.InputEvent('input', { bubbles: true, composed: true }));
  await app.chat.updateComplete;
  part<HTMLButtonElement>(app.chat, 'send-button').click();
}

/** Where a framework's way of passing data differs from the table above. */
export interface FrameworkQuirks {
  /**
   * A static attribute whose name is also a property of the element (`temperature="0"`,
   * `preload`) is set as that property, with the attribute's string (or `true` for an empty
   * boolean attribute) as value, and no attribute is written.
   */
  staticAttributesBecomeProperties?: boolean;
}

/** The `describe` block every framework's test file runs. */
export function describeExampleApp(framework: Framework, quirks: FrameworkQuirks = {}): void {
  let app: ExampleApp | undefined;
  const open = async (model?: string) => (app = await openExample(framework, model));

  afterEach(function () {
    const problems = app?.problems ?? [];
    app?.frame.remove();
    app = undefined;
    if (this.currentTest?.state === 'passed' && problems.length > 0) throw new Error(`The page logged:\n${problems.join('\n')}`);
  });

  it('passes strings, numbers and booleans through the attribute or property the app binds', async () => {
    const { chat, complete, provider } = await open();
    // Strings bound as attributes arrive as attributes and, through them, as properties.
    expect(chat.getAttribute('system-prompt')).to.equal(INITIAL.systemPrompt);
    expect(chat.systemPrompt).to.equal(INITIAL.systemPrompt);
    expect(provider.getAttribute('model-base-url')).to.equal(MODEL_BASE);
    expect(provider.modelBaseUrl).to.equal(MODEL_BASE);
    if (quirks.staticAttributesBecomeProperties) {
      // Vue and Svelte set a static attribute as a property whenever the element has one of that
      // name: the element receives the string "0" (which it accepts) and no attribute is written.
      expect(chat.temperature).to.equal('0');
      expect(chat.hasAttribute('temperature')).to.equal(false);
      expect(provider.hasAttribute('preload')).to.equal(false);
    } else {
      // A number written as a static attribute is converted by the element...
      expect(chat.getAttribute('temperature')).to.equal('0');
      expect(chat.temperature).to.equal(0);
      expect(provider.hasAttribute('preload')).to.equal(true);
    }
    // (a kebab-case name is never a property, so this one is an attribute everywhere)
    expect(complete.getAttribute('max-new-tokens')).to.equal('24');
    expect(complete.maxNewTokens).to.equal(24);
    // ...a number bound from state arrives as a number property, with no attribute written.
    expect(chat.maxNewTokens).to.equal(INITIAL.maxNewTokens);
    expect(chat.hasAttribute('max-new-tokens')).to.equal(false);
    // Booleans: a static attribute (see above), and a property from state.
    expect(provider.preload).to.equal(true);
    expect(chat.showStats).to.equal(true);
    expect(chat.hasAttribute('show-stats')).to.equal(false);
    expect(provider.model).to.equal(MODEL);
  });

  it('passes arrays and objects as properties, never as stringified attributes', async () => {
    const { chat, complete, page } = await open();
    expect(complete.stopSequences).to.be.an.instanceOf(page.Array);
    expect(complete.stopSequences).to.deep.equal(INITIAL.stopSequences);
    expect(complete.hasAttribute('stop-sequences')).to.equal(false);
    expect(chat.strings).to.be.an.instanceOf(page.Object);
    expect(chat.strings.send).to.equal(INITIAL.sendLabel);
    expect(chat.hasAttribute('strings')).to.equal(false);
    expect(part(chat, 'send-button').textContent!.trim()).to.equal(INITIAL.sendLabel);
    expect(chat.messages).to.be.an.instanceOf(page.Array);
    expect(chat.messages).to.deep.equal([]);
    expect(chat.hasAttribute('messages')).to.equal(false);
  });

  it("renders the app's children in the chat's named slots", async () => {
    const { chat } = await open();
    const slotted = (name: string) => chat.querySelector(`[slot="${name}"]`);
    expect(slotted('header')?.assignedSlot?.name).to.equal('header');
    expect(slotted('empty')?.assignedSlot?.name).to.equal('empty');
    expect(slotted('footer')?.assignedSlot?.name).to.equal('footer');
    expect(slotted('header')!.textContent).to.equal('Chat');
    // The app's content replaces the element's own empty-state text.
    const emptySlot = chat.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="empty"]')!;
    expect(emptySlot.assignedElements()).to.deep.equal([slotted('empty')]);
  });

  it("updates the elements when the app's state changes", async () => {
    const current = await open();
    const { chat, complete, field } = current;
    setField(current, field('system-prompt'), 'Answer in one word.');
    setField(current, field('max-new-tokens'), '12');
    field<HTMLInputElement>('show-stats').click();
    setField(current, field('language'), 'fr');
    setField(current, field('prompt'), 'The frameworks agree');
    await until(
      () => chat.systemPrompt === 'Answer in one word.' && chat.maxNewTokens === 12 && !chat.showStats && chat.strings.send === 'Demander',
      5_000,
      'the chat to follow the app state',
    );
    expect(chat.getAttribute('system-prompt')).to.equal('Answer in one word.');
    // `false` must remove the behaviour, not become the string "false" (which an attribute would).
    expect(chat.showStats).to.equal(false);
    expect(chat.hasAttribute('show-stats')).to.equal(false);
    await chat.updateComplete;
    expect(part(chat, 'send-button').textContent!.trim()).to.equal('Demander');
    expect(part<HTMLTextAreaElement>(chat, 'input').placeholder).to.equal('Votre question…');
    await until(() => complete.prompt === 'The frameworks agree', 5_000, 'the completion prompt to follow');

    field<HTMLButtonElement>('example').click();
    await until(() => chat.messages.length === 2, 5_000, 'the example conversation');
    expect(chat.messages).to.deep.equal([
      { role: 'user', content: 'What runs this chat?' },
      { role: 'assistant', content: 'A small language model, right here in your browser.' },
    ]);
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelectorAll('[part~="message"]')).to.have.length(2);
    expect(chat.shadowRoot!.querySelector('slot[name="empty"]')).to.equal(null);
  });

  it("hears slm-ready from the provider in the app's handler, with its detail", async () => {
    const { provider, activity } = await open();
    // `preload` starts loading at once; the app writes what the event's detail says.
    await until(() => activity('model-status').startsWith(`${MODEL} on`), 60_000, 'the app to see slm-ready');
    const info = (provider as unknown as { engine: { info: { model: string; device: string; dtype: string } } }).engine.info;
    expect(activity('model-status')).to.match(new RegExp(`^${info.model} on ${info.device} \\(${info.dtype}\\), loaded in \\d+ ms$`));
    expect(info.device).to.equal('wasm');
    expect(activity('error')).to.equal('');
  });

  it("hears slm-error in the app's handler, with its detail", async () => {
    const { activity, provider } = await open('no-such-model');
    await until(() => activity('error') !== '', 30_000, 'the app to see slm-error');
    expect(activity('error')).to.match(/^model-not-found: \S/);
    expect(provider.status).to.equal('error');
    expect(activity('model-status')).to.equal('Not loaded');
  });

  it('streams a chat reply from the real model; slm-send, slm-token and slm-response reach the app', async () => {
    const current = await open();
    const { chat, field, activity } = current;
    const maxNewTokens = 16;
    setField(current, field('max-new-tokens'), String(maxNewTokens));
    await until(() => chat.maxNewTokens === maxNewTokens, 5_000, 'max-new-tokens to follow');
    const question = `Hello from ${framework}`;
    const expected = await referenceGeneration(
      [
        { role: 'system', content: INITIAL.systemPrompt },
        { role: 'user', content: question },
      ],
      maxNewTokens,
    );
    expect(expected.tokenIds.length, 'the reference generated something').to.be.greaterThan(0);

    await sendThroughChat(current, question);
    await until(() => activity('reply') !== '', 60_000, 'the app to see slm-response');
    expect(activity('sent')).to.equal('1');
    expect(activity('last-sent')).to.equal(question);
    // One slm-token event per generated (non-special) token reached the app's handler.
    expect(activity('streamed')).to.equal(String(expected.tokenIds.length));
    const reason = expected.tokens === maxNewTokens ? 'length' : 'eos';
    expect(activity('reply')).to.equal(`${reason}, ${expected.tokens} tokens`);
    expect(chat.messages).to.deep.equal([
      { role: 'user', content: question },
      { role: 'assistant', content: expected.text },
    ]);
    // `showStats` (a property bound from state) is in effect.
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('[part~="stats"]')).to.not.equal(null);
  });

  it('completes the prompt the app binds; slm-response reaches the app', async () => {
    const current = await open();
    const { complete, field, activity } = current;
    const prompt = `The ${framework} app says`;
    setField(current, field('prompt'), prompt);
    await until(() => complete.prompt === prompt, 5_000, 'the prompt to follow');
    const maxNewTokens = 24;
    const expected = await referenceGeneration(prompt, maxNewTokens);
    const text = cutAtStop(expected.text, INITIAL.stopSequences);

    await complete.updateComplete;
    part<HTMLButtonElement>(complete, 'run-button').click();
    await until(() => activity('completion') !== '', 60_000, 'the app to see slm-response');
    expect(complete.value).to.equal(text);
    if (text !== expected.text) expect(activity('completion')).to.match(/^stop, \d+ tokens$/);
    else expect(activity('completion')).to.equal(`${expected.tokens === maxNewTokens ? 'length' : 'eos'}, ${expected.tokens} tokens`);
  });
}
