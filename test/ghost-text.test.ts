import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../dist/define.js';
import type { SlmCompleteElement, SlmProviderElement, SlmResponseEvent } from '../dist/index.js';
import { MODEL, MODEL_BASE, boxesInSharedProvider, failOnLitDevWarnings, referenceGeneration, until } from './helpers.js';

/** Ghost text's defaults: 24 tokens, greedy, cut at a blank line (textarea) or a line break (input). */
const GHOST_TOKENS = 24;
const cut = (text: string, stop: string) => (text.includes(stop) ? text.slice(0, text.indexOf(stop)) : text);

/** What a suggestion for `before` must be: the bare pipeline's continuation, cut at the default stop. */
async function expectedSuggestion(before: string, stop = '\n\n', tokens = GHOST_TOKENS): Promise<string> {
  return cut((await referenceGeneration(before, tokens)).text, stop);
}

/**
 * A textarea and `<slm-complete for>` in a box of a shared provider on the tiny model (`mount`,
 * from `boxesInSharedProvider()`), with the default debounce (300 ms: far longer than the pause
 * between two typed keys).
 */
async function ghostFixture(mount: ReturnType<typeof boxesInSharedProvider>, attributes = '') {
  const root = await mount(html`
    <label for="notes">Notes</label>
    <textarea id="notes" rows="4" cols="40"></textarea>
    <slm-complete for="notes"></slm-complete>
  `);
  const complete = root.querySelector('slm-complete')!;
  for (const [name, value] of new URLSearchParams(attributes)) complete.setAttribute(name, value);
  const field = root.querySelector('textarea')!;
  await complete.updateComplete;
  return { root, complete, field };
}

/** Types like a user (real key events through the browser). */
async function typeInto(field: HTMLElement, text: string) {
  field.focus();
  await sendKeys({ type: text });
}

/** Every suggestion the element ever drew, with the field's text at that moment. */
function recordSuggestions(complete: SlmCompleteElement, field: HTMLTextAreaElement | HTMLInputElement) {
  const seen: { suggestion: string; value: string }[] = [];
  const observer = new MutationObserver(() => {
    const suggestion = complete.shadowRoot!.querySelector('[part="suggestion"]')?.textContent ?? '';
    if (suggestion && seen.at(-1)?.suggestion !== suggestion) seen.push({ suggestion, value: field.value });
  });
  observer.observe(complete.shadowRoot!, { subtree: true, childList: true, characterData: true });
  return { seen, stop: () => observer.disconnect() };
}

/** The text of the element's polite live region. */
const announced = (complete: SlmCompleteElement) =>
  complete.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();

describe('<slm-complete for> ghost text on the real tiny model (wasm)', () => {
  failOnLitDevWarnings();
  // One provider for these tests (they are about suggestions, not loading: a new worker's first
  // ONNX Runtime session costs more than they do); each test's field in a box of its own.
  const mount = boxesInSharedProvider();

  it('suggests the bare-pipeline continuation of the text before the caret after a pause, announced once', async () => {
    const { complete, field } = await ghostFixture(mount);
    const typed = 'Once upon a time';
    const expected = await expectedSuggestion(typed);
    expect(expected.trim()).to.not.equal('');

    const announcements: string[] = [];
    const live = complete.shadowRoot!.querySelector('[role="status"]')!;
    const observer = new MutationObserver(() => {
      const text = live.textContent!.trim();
      if (text) announcements.push(text);
    });
    observer.observe(live, { subtree: true, childList: true, characterData: true });
    const record = recordSuggestions(complete, field);
    const requests: SlmResponseEvent['detail'][] = [];
    complete.addEventListener('slm-response', (event) => requests.push(event.detail));

    await typeInto(field, typed);
    await until(() => complete.suggestion === expected, 30_000, 'the suggestion');
    await until(() => announcements.length > 0, 5_000, 'the announcement');
    await new Promise((resolve) => setTimeout(resolve, 200));
    observer.disconnect();
    record.stop();

    expect(field.value, 'the field is untouched').to.equal(typed);
    expect(complete.suggestion).to.equal(expected);
    // One suggestion, for the whole text: requests for a prefix (only if a pause between two keys
    // outlasted the debounce) were cancelled by the next key.
    expect(requests.at(-1)!.text).to.equal(expected);
    for (const earlier of requests.slice(0, -1)) expect(earlier.reason).to.equal('stopped');
    // Streamed into view token by token, but announced once, complete.
    for (const { suggestion, value } of record.seen) {
      expect(value).to.equal(typed);
      expect(expected.startsWith(suggestion), `"${suggestion}" is a prefix of the suggestion`).to.equal(true);
    }
    expect(announcements).to.deep.equal([`Suggestion: ${expected}. Press Tab to accept or Escape to dismiss.`]);

    // The overlay lies exactly over the field and draws the suggestion after the typed text.
    const mirror = complete.shadowRoot!.querySelector<HTMLElement>('[part="ghost"]')!;
    const a = mirror.getBoundingClientRect();
    const b = field.getBoundingClientRect();
    expect([a.left, a.top, a.width, a.height]).to.deep.equal([b.left, b.top, b.width, b.height]);
    expect(getComputedStyle(mirror).pointerEvents).to.equal('none');
    expect(mirror.textContent).to.equal(typed + expected);
    await expect(complete).to.be.accessible();
    await expect(field).to.be.accessible();
  });

  it('accepts with Tab as one undoable edit: value, caret, input event', async () => {
    const { complete, field } = await ghostFixture(mount);
    const typed = 'The quick brown fox';
    const expected = await expectedSuggestion(typed);
    await typeInto(field, typed);
    await until(() => complete.suggestion === expected, 30_000, 'the suggestion');

    const inputs: InputEvent[] = [];
    field.addEventListener('input', (event) => inputs.push(event as InputEvent));
    await sendKeys({ press: 'Tab' });

    expect(field.value).to.equal(typed + expected);
    expect(field.selectionStart).to.equal(typed.length + expected.length);
    expect(field.selectionEnd).to.equal(typed.length + expected.length);
    expect(document.activeElement, 'Tab did not move focus').to.equal(field);
    expect(inputs).to.have.length(1);
    expect(inputs[0]!.inputType).to.equal('insertText');
    expect(inputs[0]!.data).to.equal(expected);
    expect(complete.suggestion).to.equal('');
    expect(announced(complete)).to.equal('Suggestion inserted.');

    // Exactly one undo step: the whole suggestion goes, the typed text stays.
    complete.dismiss();
    document.execCommand('undo');
    expect(field.value).to.equal(typed);
    document.execCommand('redo');
    expect(field.value).to.equal(typed + expected);

    // Frameworks that listen for `change` get one when the field loses focus.
    const change = oneEvent(field, 'change');
    field.blur();
    await change;
  });

  it('accepts with → at the end of the text, dismisses with Escape, and lets Tab move focus without a suggestion', async () => {
    const { root, complete, field } = await ghostFixture(mount);
    const after = document.createElement('button');
    after.textContent = 'Next';
    root.append(after);
    const typed = 'It was a dark and stormy night';
    const expected = await expectedSuggestion(typed);
    await typeInto(field, typed);
    await until(() => complete.suggestion === expected, 30_000, 'the suggestion');

    // Escape dismisses, without reaching listeners around the field (a dialog would close).
    let escapeReachedPage = false;
    root.addEventListener('keydown', (event) => (escapeReachedPage ||= event.key === 'Escape'));
    await sendKeys({ press: 'Escape' });
    expect(complete.suggestion).to.equal('');
    expect(field.value).to.equal(typed);
    expect(escapeReachedPage).to.equal(false);
    expect(announced(complete)).to.equal('');

    // Nothing comes back on its own after a dismissal...
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(complete.suggestion).to.equal('');
    // ... but asking again (or typing) does.
    complete.suggest();
    await until(() => complete.suggestion === expected, 30_000, 'the suggestion again');
    await sendKeys({ press: 'ArrowRight' });
    expect(field.value).to.equal(typed + expected);

    // With no suggestion on screen, Tab is the browser's: focus moves on.
    complete.dismiss();
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement).to.equal(after);
    expect(field.value).to.equal(typed + expected);
  });

  it('cancels a suggestion being generated at the next keystroke: the stale one never appears', async () => {
    const { complete, field } = await ghostFixture(mount, 'max-new-tokens=200');
    const first = 'Once upon a time';
    const second = `${first} there`;
    const stale = await expectedSuggestion(first, '\n\n', 200);
    const fresh = await expectedSuggestion(second, '\n\n', 200);
    expect(stale.length).to.be.greaterThan(20);

    const record = recordSuggestions(complete, field);
    const responses: SlmResponseEvent['detail'][] = [];
    complete.addEventListener('slm-response', (event) => responses.push(event.detail));
    await typeInto(field, first);
    await oneEvent(complete, 'slm-token');
    await sendKeys({ type: ' ' });
    // Gone at once: the keystroke took the suggestion off screen before anything else happened.
    await complete.updateComplete;
    expect(complete.shadowRoot!.querySelector('[part="suggestion"]')).to.equal(null);
    expect(complete.suggestion).to.equal('');
    await sendKeys({ type: 'there' });
    await until(() => complete.suggestion === fresh, 30_000, 'the fresh suggestion');
    await new Promise((resolve) => setTimeout(resolve, 300));
    record.stop();

    expect(field.value).to.equal(second);
    expect(responses[0]!.reason, 'the first generation was aborted').to.equal('stopped');
    expect(responses[0]!.tokens).to.be.lessThan(200);
    expect(responses.at(-1)!.text).to.equal(fresh);
    for (const between of responses.slice(1, -1)) expect(between.reason).to.equal('stopped');
    // Every suggestion ever drawn continued the text on screen at that moment: the first one
    // while "Once upon a time" was there, and after the keystroke only the fresh one.
    const expectedFor: Record<string, string> = { [first]: stale, [second]: fresh };
    expect(record.seen.length).to.be.greaterThan(0);
    for (const { suggestion, value } of record.seen) {
      expect(Object.keys(expectedFor), `"${suggestion}" was drawn while typing`).to.include(value);
      expect(expectedFor[value]!.startsWith(suggestion), `"${suggestion}" was drawn for "${value}"`).to.equal(true);
    }
    expect(record.seen.at(-1)).to.deep.equal({ suggestion: fresh, value: second });
    expect(complete.suggestion).to.equal(fresh);
  });

  it('suggests in a slotted <input>, stopping at a line break by default', async () => {
    const root = await mount(html`<slm-complete><input type="text" aria-label="Subject" /></slm-complete>`);
    const complete = root.querySelector('slm-complete')!;
    const field = root.querySelector('input')!;
    await complete.updateComplete;
    expect(complete.field).to.equal(field);
    const typed = 'Dear friend';
    const expected = await expectedSuggestion(typed, '\n');
    await typeInto(field, typed);
    await until(() => complete.suggestion === expected, 30_000, 'the suggestion');
    const mirror = complete.shadowRoot!.querySelector<HTMLElement>('[part="ghost"]')!;
    expect(mirror.getBoundingClientRect().width).to.equal(field.getBoundingClientRect().width);
    await expect(complete).to.be.accessible();
    await sendKeys({ press: 'Tab' });
    expect(field.value).to.equal(typed + expected);
  });

  it('works for a textarea inside another component’s shadow root', async () => {
    if (!customElements.get('test-note-editor')) {
      customElements.define(
        'test-note-editor',
        class extends HTMLElement {
          constructor() {
            super();
            this.attachShadow({ mode: 'open' }).innerHTML = `
              <label for="body">Body</label>
              <textarea id="body" rows="3"></textarea>
              <slm-complete for="body"></slm-complete>`;
          }
        },
      );
    }
    const root = await mount(html`<test-note-editor></test-note-editor>`);
    const editorRoot = root.querySelector('test-note-editor')!.shadowRoot!;
    const complete = editorRoot.querySelector('slm-complete')!;
    const field = editorRoot.querySelector('textarea')!;
    await complete.updateComplete;
    expect(complete.field).to.equal(field);

    const typed = 'Meeting notes';
    const expected = await expectedSuggestion(typed);
    await typeInto(field, typed);
    await until(() => complete.suggestion === expected, 30_000, 'the suggestion');
    const inputs: Event[] = [];
    field.addEventListener('input', (event) => inputs.push(event));
    await sendKeys({ press: 'Tab' });
    expect(field.value).to.equal(typed + expected);
    expect(inputs).to.have.length(1);
    complete.dismiss();
    document.execCommand('undo');
    expect(field.value).to.equal(typed);
    await expect(complete).to.be.accessible();
  });
});

describe('a chat and ghost text sharing one <slm-provider>', () => {
  failOnLitDevWarnings();

  it('keeps the chat’s conversation cache valid, and both outputs equal their references', async () => {
    const MAX = 16;
    const root = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-chat max-new-tokens=${MAX} temperature="0"></slm-chat>
        <textarea id="draft" aria-label="Draft"></textarea>
        <slm-complete for="draft"></slm-complete>
      </slm-provider>
    `);
    const chat = root.querySelector('slm-chat')!;
    const complete = root.querySelector('slm-complete')!;
    const field = root.querySelector('textarea')!;

    const firstReply = (await referenceGeneration([{ role: 'user', content: 'Hi!' }], MAX)).text;
    const draft = 'Dear team, the plan for';
    const suggestion = await expectedSuggestion(draft);

    // Turn one while the user types in the field: the suggestion queues behind the reply.
    const turn1 = chat.send('Hi!');
    await typeInto(field, draft);
    expect(await turn1).to.equal(firstReply);
    await until(() => complete.suggestion === suggestion, 30_000, 'the suggestion');
    await sendKeys({ press: 'Tab' });
    expect(field.value).to.equal(draft + suggestion);

    // Another suggestion after accepting, then turn two reuses the chat's cache.
    const next = await expectedSuggestion(draft + suggestion);
    await until(() => complete.suggestion === next, 30_000, 'the next suggestion');
    const history = [
      { role: 'user', content: 'Hi!' },
      { role: 'assistant', content: firstReply },
      { role: 'user', content: 'Tell me more.' },
    ];
    const secondReply = (await referenceGeneration(history, MAX)).text;
    const response = oneEvent(chat, 'slm-response');
    expect(await chat.send('Tell me more.')).to.equal(secondReply);
    const { detail } = await response;
    expect(detail.cachedTokens, 'tokens reused from the chat’s cache').to.be.greaterThan(0);
    expect(complete.suggestion, 'a suggestion for unchanged text stays').to.equal(next);
  });
});
