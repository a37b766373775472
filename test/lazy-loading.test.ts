/**
 * What loads when, on the real build: the tags are defined at once, each element's interface
 * arrives when its first instance connects, and the engine's code (LocalEngine's implementation,
 * the worker, transformers.js) only when a model is first needed. Every test runs in a fresh
 * iframe (a module map of its own), so "not fetched yet" means what it says.
 */
import { expect } from '@open-wc/testing';
import type { SlmChatElement, SlmCompleteElement, SlmErrorEvent, SlmProviderElement, SlmResponseEvent } from '../dist/index.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, referenceGeneration, requestCounts, resetRequestCounts, typeAndSend, until } from './helpers.js';

const ENGINE_CODE = ['/dist/engine/page/worker-engine.js', '/dist/engine/page/worker-client.js', '/dist/engine/worker/worker.js'];
const CHAT_VIEW = '/dist/components/chat/chat-view.js';
const COMPLETE_VIEW = '/dist/components/complete/complete-view.js';

type Page = Window & typeof globalThis;

const frames: HTMLIFrameElement[] = [];

/** A fresh page with the npm build's elements defined (`test/fixtures/esm-page.html`). */
async function freshPage(): Promise<Page> {
  const frame = document.createElement('iframe');
  frame.src = '/test/fixtures/esm-page.html';
  frame.style.cssText = 'width: 640px; height: 640px';
  frames.push(frame);
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const page = frame.contentWindow as Page;
  await until(() => Boolean(page.customElements.get('slm-complete')), 10_000, 'the elements to be defined');
  return page;
}

/** Puts `markup` into the page's body and returns its first element. */
function mount<T extends Element>(page: Page, markup: string): T {
  page.document.body.innerHTML = markup;
  return page.document.body.firstElementChild as T;
}

/** Makes requests for `path` fail as a dropped connection does (`''` ends it). */
const setUnreachable = (path: string) => fetch(`/__unreachable?path=${encodeURIComponent(path)}`, { method: 'POST' });

/** Makes the server answer requests for `path` 1.5 s late (`''` ends it). */
const setSlow = (path: string) => fetch(`/__slow?path=${encodeURIComponent(path)}`, { method: 'POST' });

/** Waits for `count` frames of `page`. */
async function nextFrames(page: Page, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => page.requestAnimationFrame(resolve));
}

/** Paths of `paths` that were requested since the last reset. */
async function requested(paths: string[]): Promise<string[]> {
  const counts = await requestCounts();
  return paths.filter((path) => counts[path]);
}

describe('what loads when', () => {
  failOnLitDevWarnings();

  afterEach(async () => {
    // Focus back to this page: a removed frame that held it would take it with it.
    window.focus();
    await setUnreachable('');
    await setSlow('');
    for (const frame of frames.splice(0)) frame.remove();
  });

  it('imports the engine only when a model is needed; a refused attribute or load="manual" never imports it', async () => {
    await resetRequestCounts();
    const page = await freshPage();
    const bad = mount<SlmProviderElement>(page, `<slm-provider model="${MODEL}" device="gpu"><slm-chat></slm-chat></slm-provider>`);
    const chat = bad.querySelector('slm-chat') as SlmChatElement;
    await chat.updateComplete;
    expect(bad.status).to.equal('error');
    const refused = await bad.load().catch((error: { code: string }) => error.code);
    expect(refused).to.equal('invalid-option');
    expect(await requested(ENGINE_CODE), 'engine code for a refused attribute').to.deep.equal([]);

    // load="manual": a request before the page's load() fails at once, and fetches nothing at all.
    const manual = mount<SlmProviderElement>(
      page,
      `<slm-provider load="manual" model="${MODEL}" model-base-url="${MODEL_BASE}"><slm-chat></slm-chat></slm-provider>`,
    );
    const manualChat = manual.querySelector('slm-chat') as SlmChatElement;
    const response = new Promise<SlmResponseEvent>((resolve) => manualChat.addEventListener('slm-response', (e) => resolve(e as SlmResponseEvent), { once: true }));
    expect(await manualChat.send('Before consent')).to.equal('');
    expect((await response).detail.error!.code).to.equal('not-loaded');
    expect(await requested(ENGINE_CODE), 'engine code before consent').to.deep.equal([]);

    const provider = mount<SlmProviderElement>(
      page,
      `<slm-provider model="${MODEL}" model-base-url="${MODEL_BASE}" device="wasm"><slm-chat></slm-chat></slm-provider>`,
    );
    await (provider.querySelector('slm-chat') as SlmChatElement).updateComplete;
    expect(provider.status).to.equal('idle');
    expect(await requested(ENGINE_CODE), 'engine code before a model is needed').to.deep.equal([]);

    // `load()` says `loading` at once, while the engine's code is still on its way; an unload
    // before it arrives ends the request as it would end a download.
    const abandoned = provider.load();
    expect(provider.status).to.equal('loading');
    provider.unload();
    expect(await abandoned.catch((error: { code: string }) => error.code)).to.equal('aborted');
    expect(provider.status).to.equal('idle');

    const ready = await provider.load();
    expect(ready.model).to.equal(MODEL);
    expect(await requested(ENGINE_CODE)).to.deep.equal(ENGINE_CODE);
  });

  it('draws each element’s frame at its final size at once, and the interface in it when its module arrives', async () => {
    await resetRequestCounts();
    await setSlow(CHAT_VIEW);
    const page = await freshPage();
    const chat = mount<SlmChatElement>(page, `<slm-chat placeholder="Early placeholder"></slm-chat>`);
    // Defined and upgraded at once: properties exist and take values before the view is there.
    expect(chat.placeholder).to.equal('Early placeholder');
    chat.messages = [{ role: 'user', content: 'Set before the view arrived' }];
    await nextFrames(page, 2);
    expect(chat.shadowRoot!.querySelector('textarea'), 'still without its interface (the module is slow)').to.equal(null);
    const frame = chat.shadowRoot!.querySelector('[part="base"]')!;
    const before = frame.getBoundingClientRect().height;
    expect(before, 'the frame has the chat’s height').to.be.greaterThan(200);
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('textarea')!.placeholder).to.equal('Early placeholder');
    expect(chat.shadowRoot!.querySelector('[part~="user-message"]')!.textContent).to.contain('Set before the view arrived');
    expect(chat.shadowRoot!.querySelector('[part="base"]')!.getBoundingClientRect().height).to.equal(before);
    // A page with a chat only fetched the chat's interface.
    expect(await requested([CHAT_VIEW, COMPLETE_VIEW])).to.deep.equal([CHAT_VIEW]);

    await setSlow(COMPLETE_VIEW);
    const complete = page.document.createElement('slm-complete') as SlmCompleteElement;
    complete.prompt = 'A prompt long enough to wrap onto a second line in a frame of this width, which is what the frame must already know.';
    const wrapper = page.document.createElement('div');
    wrapper.style.width = '360px';
    wrapper.append(complete);
    page.document.body.append(wrapper);
    await nextFrames(page, 2);
    expect(complete.shadowRoot!.querySelector('[part="run-button"]'), 'still without its interface').to.equal(null);
    const early = complete.getBoundingClientRect().height;
    expect(complete.shadowRoot!.querySelector('[part="prompt"]')!.textContent).to.equal(complete.prompt);
    await complete.updateComplete;
    expect(complete.shadowRoot!.querySelector('[part="run-button"]')).to.exist;
    expect(complete.getBoundingClientRect().height, 'no layout shift when the interface arrives').to.equal(early);
  });

  it('runs requests made before the view arrived, and applies a stop made meanwhile', async () => {
    const expected = (await referenceGeneration([{ role: 'user', content: 'Early bird' }], 8)).text;
    const page = await freshPage();
    const provider = mount<SlmProviderElement>(
      page,
      `<slm-provider model="${MODEL}" model-base-url="${MODEL_BASE}" device="wasm">
        <slm-chat max-new-tokens="8"></slm-chat><slm-complete max-new-tokens="8"></slm-complete>
      </slm-provider>`,
    );
    const chat = provider.querySelector('slm-chat') as SlmChatElement;
    const complete = provider.querySelector('slm-complete') as SlmCompleteElement;
    // A framework sets `value` as the element is created, before anything arrived.
    complete.value = 'Shown until replaced';
    expect(complete.value).to.equal('Shown until replaced');
    const stopped = complete.complete('Never mind');
    complete.stop();
    const reply = await chat.send('Early bird');
    expect(reply).to.equal(expected);
    expect(chat.messages.map((m) => m.content)).to.deep.equal(['Early bird', expected]);
    expect(await stopped, 'stopped before its view arrived').to.equal('');
    await complete.updateComplete;
    expect(complete.shadowRoot!.querySelector('[part="completion"]')!.textContent).to.equal('');
  });

  it('ghost text: keys typed before the interface arrived get their suggestion after the pause', async () => {
    await setSlow(COMPLETE_VIEW);
    const page = await freshPage();
    const provider = mount<SlmProviderElement>(
      page,
      `<slm-provider model="${MODEL}" model-base-url="${MODEL_BASE}" device="wasm">
        <textarea id="notes" aria-label="Notes"></textarea><slm-complete for="notes"></slm-complete>
      </slm-provider>`,
    );
    const complete = provider.querySelector('slm-complete') as SlmCompleteElement;
    const field = provider.querySelector('textarea')!;
    // The provider slots the field in its first update.
    await provider.updateComplete;
    field.focus();
    page.document.execCommand('insertText', false, 'Once upon a time');
    expect(field.value).to.equal('Once upon a time');
    expect(complete.field, 'no interface yet (the module is slow)').to.equal(null);
    const response = new Promise<SlmResponseEvent>((resolve) => complete.addEventListener('slm-response', (e) => resolve(e as SlmResponseEvent), { once: true }));
    await complete.updateComplete;
    expect(complete.field).to.equal(field);
    const { text } = (await response).detail;
    const reference = (await referenceGeneration('Once upon a time', 24)).text;
    expect(text).to.equal(reference.includes('\n\n') ? reference.slice(0, reference.indexOf('\n\n')) : reference);
    await until(() => complete.suggestion === text, 5_000, 'the suggestion on screen');
  });

  it('reports an interface that cannot be fetched, in the element and as slm-error, and retries', async () => {
    await setUnreachable(CHAT_VIEW);
    const page = await freshPage();
    const chat = page.document.createElement('slm-chat') as SlmChatElement;
    const errors: SlmErrorEvent['detail'][] = [];
    chat.addEventListener('slm-error', (event) => errors.push((event as SlmErrorEvent).detail));
    page.document.body.append(chat);
    await until(() => errors.length > 0, 10_000, 'slm-error');
    expect(errors[0]!.code).to.equal('network-error');
    expect(errors[0]!.message).to.contain('<slm-chat> could not load its interface');
    await chat.updateComplete;
    const shown = chat.shadowRoot!.querySelector('[part="error"]')!;
    expect(shown.textContent).to.contain('could not load its interface');
    // `send()` cannot send anything, and says so without throwing.
    expect(await chat.send('Hello?')).to.equal('');

    await setUnreachable('');
    (chat.shadowRoot!.querySelector('[part="retry-button"]') as HTMLButtonElement).click();
    await until(() => Boolean(chat.shadowRoot!.querySelector('textarea')), 10_000, 'the chat’s interface after a retry');
    await typeAndSend(chat, 'typed after the retry');
    expect(chat.messages[0]!.content).to.equal('typed after the retry');
  });

  it('reports engine code that cannot be fetched as network-error, and loads on the next request', async () => {
    await setUnreachable('/dist/engine/page/worker-engine.js');
    const page = await freshPage();
    const provider = mount<SlmProviderElement>(page, `<slm-provider model="${MODEL}" model-base-url="${MODEL_BASE}" device="wasm"></slm-provider>`);
    const errors: SlmErrorEvent['detail'][] = [];
    provider.addEventListener('slm-error', (event) => errors.push((event as SlmErrorEvent).detail));
    const failed = await provider.load().catch((error: { code: string; message: string }) => error);
    expect((failed as { code: string }).code).to.equal('network-error');
    expect(errors.map((e) => e.code)).to.deep.equal(['network-error']);
    expect(errors[0]!.message).to.contain("engine's code could not be loaded");
    expect(provider.status).to.equal('error');

    await setUnreachable('');
    const ready = await provider.load();
    expect(ready.model).to.equal(MODEL);
    expect(provider.status).to.equal('ready');
  });
});
