import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../dist/define.js';
import type { SlmCompleteElement } from '../dist/index.js';
import { FakeEngine, provideEngine } from './fake-engine.js';
import { FailingEngine, LoadingEngine } from './scripted-engines.js';
import { failOnLitDevWarnings, until } from './helpers.js';

/** `template` inside an element that provides a scripted engine. */
async function withFakeEngine(template: unknown, engine = new FakeEngine()) {
  const wrapper = document.createElement('div');
  provideEngine(wrapper, engine);
  const root = await fixture(html`<div>${template}</div>`);
  wrapper.append(...root.childNodes);
  root.append(wrapper);
  const complete = root.querySelector('slm-complete')!;
  await complete.updateComplete;
  return { root, complete, engine };
}

/** Puts `text` in the field with the caret at `caret` (default: the end) and fires `input`, as typing does. */
function typeText(field: HTMLTextAreaElement | HTMLInputElement, text: string, caret = text.length, init: InputEventInit = {}) {
  field.focus();
  field.value = text;
  field.setSelectionRange(caret, caret);
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', ...init }));
}

function key(target: Element, init: KeyboardEventInit) {
  const event = new KeyboardEvent('keydown', { bubbles: true, composed: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const part = (complete: SlmCompleteElement, name: string) =>
  complete.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

/** Width of `text` in the field's font, as the browser lays it out. */
function textWidth(field: HTMLElement, text: string): number {
  const context = document.createElement('canvas').getContext('2d')!;
  const style = getComputedStyle(field);
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return context.measureText(text).width;
}

describe('<slm-complete> standalone controls (scripted engine)', () => {
  failOnLitDevWarnings();

  it('copies the completion, and takes a value set from outside', async () => {
    const { complete, engine } = await withFakeEngine(html`<slm-complete prompt="Hello"></slm-complete>`);
    engine.replies = [' world'];
    const copied: string[] = [];
    const clipboard = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void copied.push(text) },
    });
    try {
      expect(part(complete, 'copy-button')!.hidden, 'nothing to copy yet').to.equal(true);
      await complete.complete();
      await complete.updateComplete;
      const button = part(complete, 'copy-button')!;
      expect(button.hidden).to.equal(false);
      button.click();
      await until(() => button.textContent!.trim() === 'Copied', 2_000, 'the feedback');
      expect(copied).to.deep.equal([' world']);
      await expect(complete).to.be.accessible();
    } finally {
      delete (navigator as { clipboard?: unknown }).clipboard;
      if (clipboard) Object.defineProperty(Navigator.prototype, 'clipboard', clipboard);
    }

    complete.value = ' there';
    await complete.updateComplete;
    expect(complete.value).to.equal(' there');
    expect(part(complete, 'completion')!.textContent).to.equal(' there');
  });

  it('translates every string it shows', async () => {
    const { complete, engine } = await withFakeEngine(html`<slm-complete prompt="Hallo"></slm-complete>`);
    complete.strings = { run: 'Vervollständigen', stop: 'Anhalten', copy: 'Kopieren', outputLabel: 'Ergebnis', done: 'Fertig.' };
    await complete.updateComplete;
    expect(part(complete, 'run-button')!.textContent!.trim()).to.equal('Vervollständigen');
    expect(part(complete, 'stop-button')!.textContent!.trim()).to.equal('Anhalten');
    expect(part(complete, 'output')!.getAttribute('aria-label')).to.equal('Ergebnis');
    engine.replies = [' Welt'];
    await complete.complete();
    await complete.updateComplete;
    expect(part(complete, 'copy-button')!.textContent!.trim()).to.equal('Kopieren');
    expect(part(complete, 'status')!.textContent).to.equal('Fertig.');
  });

  it('with autorun, waits for the prompt to settle, and drops the output of an old prompt at once', async () => {
    const { complete, engine } = await withFakeEngine(html`<slm-complete autorun debounce="80"></slm-complete>`);
    engine.replies = ['first', 'second'];
    complete.prompt = 'A';
    await complete.updateComplete;
    complete.prompt = 'AB';
    await complete.updateComplete;
    await sleep(40);
    expect(engine.calls, 'nothing before the pause').to.have.length(0);
    await until(() => complete.value === 'first', 2_000, 'the completion');
    expect(engine.calls.map((call) => call.input)).to.deep.equal([{ kind: 'text', prompt: 'AB' }]);
    expect(engine.calls[0]!.options.conversationId).to.equal(undefined);

    complete.prompt = 'ABC';
    await complete.updateComplete;
    expect(complete.value).to.equal('');
    await until(() => complete.value === 'second', 2_000, 'the next completion');
    complete.prompt = '';
    await complete.updateComplete;
    await sleep(120);
    expect(engine.calls, 'no request for an empty prompt').to.have.length(2);
  });

  it('passes mode, system prompt and stop sequences to the engine', async () => {
    const { complete, engine } = await withFakeEngine(
      html`<slm-complete mode="chat" system-prompt="Be brief." prompt="Hi" stop-sequences='["\\n\\n", "END"]'></slm-complete>`,
    );
    await complete.complete();
    expect(engine.calls[0]!.input).to.deep.equal({
      kind: 'chat',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(engine.calls[0]!.settings).to.deep.equal({ maxNewTokens: 256, temperature: 0, stopSequences: ['\n\n', 'END'] });
    complete.stopSequences = '\\n';
    await complete.complete();
    expect(engine.calls[1]!.settings.stopSequences).to.deep.equal(['\n']);
  });

  it('reports invalid debounce, context-chars, mode and suffix-aware values', async () => {
    const { complete } = await withFakeEngine(html`<slm-complete></slm-complete>`);
    for (const [name, value, words] of [
      ['debounce', 'soon', 'debounce="soon"'],
      ['context-chars', '0', 'context-chars="0"'],
      ['mode', 'poem', 'mode="poem"'],
      ['suffix-aware', '', 'not supported'],
    ] as const) {
      const error = oneEvent(complete, 'slm-error');
      complete.setAttribute(name, value);
      const { detail } = await error;
      expect(detail.code).to.equal('invalid-option');
      expect(detail.message).to.contain(words);
      await complete.updateComplete;
      expect(part(complete, 'status')!.textContent).to.contain(words);
      complete.removeAttribute(name);
      await complete.updateComplete;
    }
    expect(part(complete, 'status')!.textContent).to.equal('');
  });
});

describe('<slm-complete> standalone look and feedback (scripted engine)', () => {
  failOnLitDevWarnings();

  it('shows three dots until the first token, then the completion with a cursor', async () => {
    const { complete, engine } = await withFakeEngine(html`<slm-complete prompt="Once"></slm-complete>`);
    engine.delay = 200;
    const done = complete.complete();
    await complete.updateComplete;
    expect(part(complete, 'typing-indicator')).to.exist;
    await expect(complete).to.be.accessible();
    await oneEvent(complete, 'slm-token');
    await complete.updateComplete;
    expect(part(complete, 'typing-indicator')).to.equal(null);
    complete.stop();
    await done;
  });

  it('shows the download it waits for within the toolbar’s height, and nothing of a load it did not ask for', async () => {
    const engine = new LoadingEngine();
    const { complete } = await withFakeEngine(html`<slm-complete prompt="Once"></slm-complete>`, engine);
    const frame = part(complete, 'base')!;
    const before = frame.getBoundingClientRect();
    engine.startLoading(0.2);
    await complete.updateComplete;
    expect(part(complete, 'progress'), 'another element’s load').to.equal(null);
    expect(part(complete, 'status')!.textContent).to.equal('');

    const done = complete.complete();
    engine.startLoading(0.6);
    await complete.updateComplete;
    const bar = part(complete, 'progress')!;
    expect(bar.getAttribute('aria-valuenow')).to.equal('60');
    expect(part(complete, 'status')!.textContent).to.equal('Loading fake-model…');
    await expect(complete).to.be.accessible();
    const during = frame.getBoundingClientRect();
    expect(during.height, 'the frame keeps its height').to.equal(before.height);
    expect(during.top).to.equal(before.top);

    engine.finishLoading();
    await done;
    await complete.updateComplete;
    expect(part(complete, 'progress')).to.equal(null);
  });

  it('shows its own failure in the status line, and no failure of a request it did not make', async () => {
    const engine = new FailingEngine('network-error', 'Model "x" could not be downloaded.');
    const { complete } = await withFakeEngine(html`<slm-complete prompt="Once"></slm-complete>`, engine);
    // Another element's request failed: the engine is in error, this element says nothing.
    await engine.generate({ kind: 'text', prompt: 'elsewhere' }, { maxNewTokens: 1, temperature: 0, stopSequences: [] }).catch(() => {});
    await complete.updateComplete;
    expect(part(complete, 'status')!.textContent).to.equal('');
    await complete.complete();
    await complete.updateComplete;
    expect(part(complete, 'status')!.textContent).to.contain('could not be downloaded');
    expect(part(complete, 'status')!.classList.contains('error')).to.equal(true);
    await expect(complete).to.be.accessible();
  });
});

describe('<slm-complete> ghost text (scripted engine)', () => {
  failOnLitDevWarnings();

  async function ghost(fieldHtml: unknown, attributes: Record<string, string> = {}) {
    const setup = await withFakeEngine(html`${fieldHtml}<slm-complete for="field" debounce="20"></slm-complete>`);
    for (const [name, value] of Object.entries(attributes)) setup.complete.setAttribute(name, value);
    await setup.complete.updateComplete;
    setup.engine.delay = 1;
    const field = setup.root.querySelector<HTMLTextAreaElement | HTMLInputElement>('#field')!;
    return { ...setup, field };
  }

  it('asks without a conversation, greedily, for 24 tokens, with the field’s default stop sequences and context-chars', async () => {
    const { complete, engine, field } = await ghost(html`<textarea id="field" aria-label="Text"></textarea>`, {
      'context-chars': '6',
    });
    engine.replies = [' suggestion'];
    typeText(field, 'Hello there world');
    await until(() => complete.suggestion === ' suggestion', 2_000, 'the suggestion');
    expect(engine.calls).to.have.length(1);
    const [call] = engine.calls;
    expect(call!.input).to.deep.equal({ kind: 'text', prompt: ' world' });
    expect(call!.settings).to.deep.equal({ maxNewTokens: 24, temperature: 0, stopSequences: ['\n\n'] });
    expect(call!.options.conversationId).to.equal(undefined);

    // At the end of a line in the middle of the text: a line break always ends the suggestion.
    typeText(field, 'one\ntwo', 3);
    await until(() => engine.calls.length === 2, 2_000, 'the second request');
    expect(engine.calls[1]!.input).to.deep.equal({ kind: 'text', prompt: 'one' });
    expect(engine.calls[1]!.settings.stopSequences).to.deep.equal(['\n\n', '\n']);

    // Own settings win.
    complete.setAttribute('stop-sequences', '["."]');
    complete.setAttribute('max-new-tokens', '8');
    complete.setAttribute('temperature', '0.5');
    typeText(field, 'Hello');
    await until(() => engine.calls.length === 3, 2_000, 'the third request');
    expect(engine.calls[2]!.settings).to.deep.equal({ maxNewTokens: 8, temperature: 0.5, stopSequences: ['.'] });
  });

  it('stops at a line break by default in an <input>', async () => {
    const { complete, engine, field } = await ghost(html`<input id="field" aria-label="Subject" />`);
    engine.replies = [' there'];
    typeText(field, 'Hi');
    await until(() => complete.suggestion === ' there', 2_000, 'the suggestion');
    expect(engine.calls[0]!.settings.stopSequences).to.deep.equal(['\n']);
  });

  it('never asks in the middle of a line, with a selection, without focus, in a read-only field or a password input', async () => {
    const { complete, engine, field, root } = await ghost(html`<textarea id="field" aria-label="Text"></textarea>`);
    const textarea = field as HTMLTextAreaElement;
    typeText(textarea, 'Hello world', 5);
    await sleep(80);
    textarea.value = 'Hello world';
    textarea.setSelectionRange(0, 5);
    textarea.dispatchEvent(new InputEvent('input'));
    await sleep(80);
    typeText(textarea, 'Hello');
    textarea.blur();
    await sleep(80);
    textarea.readOnly = true;
    typeText(textarea, 'Hello');
    await sleep(80);
    typeText(textarea, '   ');
    await sleep(80);
    expect(engine.calls).to.deep.equal([]);

    const password = document.createElement('input');
    password.type = 'password';
    password.id = 'secret';
    root.append(password);
    complete.htmlFor = 'secret';
    await complete.updateComplete;
    expect(complete.field, 'never attaches to a password field').to.equal(null);
  });

  it('makes no request and accepts nothing while an IME composes', async () => {
    const { complete, engine, field } = await ghost(html`<textarea id="field" aria-label="Text"></textarea>`);
    engine.replies = ['すし'];
    field.focus();
    field.dispatchEvent(new CompositionEvent('compositionstart'));
    typeText(field, 'にほ', 2, { isComposing: true });
    await sleep(80);
    expect(engine.calls, 'no request while composing').to.have.length(0);
    field.dispatchEvent(new CompositionEvent('compositionend', { data: '日本' }));
    typeText(field, '日本');
    await until(() => complete.suggestion === 'すし', 2_000, 'the suggestion');
    expect(engine.calls).to.have.length(1);

    // A Tab that belongs to the IME is left alone.
    const composingTab = key(field, { key: 'Tab', isComposing: true });
    expect(composingTab.defaultPrevented).to.equal(false);
    expect(field.value).to.equal('日本');
    const tab = key(field, { key: 'Tab' });
    expect(tab.defaultPrevented).to.equal(true);
    expect(field.value).to.equal('日本すし');
  });

  it('lines the overlay up with the field’s font, padding, wrapping and scroll position', async () => {
    const { complete, engine, field } = await ghost(
      html`<textarea
        id="field"
        aria-label="Text"
        style="font: 15px/1.7 monospace; padding: 7px 11px 5px 13px; border: 3px solid; width: 220px; height: 90px; letter-spacing: 0.5px"
      ></textarea>`,
    );
    const suggestion = 'ok';
    engine.replies = [suggestion];
    const lastLine = 'end here';
    // Long lines that wrap, more lines than fit: the field scrolls.
    const text = `${'lorem ipsum dolor sit amet '.repeat(6)}\n${'x'.repeat(70)}\n${lastLine}`;
    typeText(field, text);
    field.scrollTop = field.scrollHeight;
    await until(() => complete.suggestion === suggestion, 2_000, 'the suggestion');
    await complete.updateComplete;
    expect(field.scrollTop).to.be.greaterThan(0);

    const mirror = part(complete, 'ghost')!;
    const fieldRect = field.getBoundingClientRect();
    const mirrorRect = mirror.getBoundingClientRect();
    expect([mirrorRect.left, mirrorRect.top, mirrorRect.width, mirrorRect.height]).to.deep.equal([
      fieldRect.left,
      fieldRect.top,
      fieldRect.width,
      fieldRect.height,
    ]);
    const styles = getComputedStyle(mirror);
    expect(styles.fontFamily).to.equal(getComputedStyle(field).fontFamily);
    expect(styles.lineHeight).to.equal(getComputedStyle(field).lineHeight);
    expect(styles.paddingLeft).to.equal('13px');

    // Same wrapping: the text before the caret plus a short suggestion is exactly as tall as the field's text.
    const content = mirror.firstElementChild as HTMLElement;
    expect(content.offsetHeight).to.equal(field.scrollHeight - 7 - 5);

    // The suggestion starts where the last line ends, on the last visible line.
    const rect = part(complete, 'suggestion')!.getClientRects()[0]!;
    const expectedLeft = fieldRect.left + 3 + 13 + textWidth(field, lastLine) + lastLine.length * 0.5;
    expect(Math.abs(rect.left - expectedLeft), `left ${rect.left} vs ${expectedLeft}`).to.be.lessThan(1.5);
    // Scrolled to the end, the last line ends at the bottom padding: the suggestion is centred on it.
    const lineHeight = 15 * 1.7;
    const lastLineMiddle = fieldRect.top + 3 + field.clientHeight - 5 - lineHeight / 2;
    expect(Math.abs((rect.top + rect.bottom) / 2 - lastLineMiddle), 'on the last line').to.be.lessThan(2);
  });

  it('never moves the text before the caret: a suggestion continuing the last word starts the next line', async () => {
    const { complete, engine, field } = await ghost(
      html`<textarea id="field" aria-label="Text" style="font: 16px monospace; padding: 0; border: 0; width: 15.5ch; height: 1.2em; line-height: 1.2em"></textarea>`,
    );
    // "going to" fills the line up to the last column; the suggestion glues onto "to".
    engine.replies = ['morrow it is'];
    const text = 'we are going to';
    typeText(field, text);
    await until(() => complete.suggestion === 'morrow it is', 2_000, 'the suggestion');
    await complete.updateComplete;
    const before = complete.shadowRoot!.querySelector('.before')!.getClientRects();
    const fieldRect = field.getBoundingClientRect();
    const lines = new Set([...before].map((rect) => rect.top));
    expect(lines.size, 'the typed text stays on one line, as in the field').to.equal(1);
    expect(field.scrollHeight, 'the field shows it on one line (its height)').to.equal(field.clientHeight);
    const suggestion = part(complete, 'suggestion')!.getClientRects()[0]!;
    expect(suggestion.top, 'the suggestion starts a new line').to.be.greaterThan(before[0]!.bottom - 1);
    expect(Math.abs(suggestion.left - fieldRect.left)).to.be.lessThan(1);
  });

  it('lines the overlay up with an <input>, centred vertically and scrolled horizontally', async () => {
    const { complete, engine, field } = await ghost(
      html`<input id="field" aria-label="Subject" style="font: 14px monospace; padding: 4px 9px; height: 40px; width: 160px" />`,
    );
    engine.replies = ['++'];
    const text = 'a rather long subject line that scrolls';
    typeText(field, text);
    field.scrollLeft = field.scrollWidth;
    await until(() => complete.suggestion === '++', 2_000, 'the suggestion');
    await complete.updateComplete;
    const fieldRect = field.getBoundingClientRect();
    const rect = part(complete, 'suggestion')!.getBoundingClientRect();
    const border = parseFloat(getComputedStyle(field).borderLeftWidth);
    const expectedLeft = fieldRect.left + border + 9 + textWidth(field, text) - field.scrollLeft;
    expect(Math.abs(rect.left - expectedLeft), `left ${rect.left} vs ${expectedLeft}`).to.be.lessThan(1.5);
    const middle = (rect.top + rect.bottom) / 2;
    expect(Math.abs(middle - (fieldRect.top + fieldRect.bottom) / 2)).to.be.lessThan(2);
  });

  it('inserts with setRangeText when execCommand is unavailable, firing input and, on blur, change', async () => {
    const { complete, engine, field } = await ghost(html`<textarea id="field" aria-label="Text"></textarea>`);
    engine.replies = [' two'];
    typeText(field, 'one');
    await until(() => complete.suggestion === ' two', 2_000, 'the suggestion');
    const execCommand = document.execCommand;
    document.execCommand = () => false;
    try {
      const input = oneEvent(field, 'input');
      expect(complete.accept()).to.equal(true);
      expect(((await input) as unknown as InputEvent).data).to.equal(' two');
      expect(field.value).to.equal('one two');
      expect(field.selectionStart).to.equal(7);
      const change = oneEvent(field, 'change');
      field.blur();
      await change;
    } finally {
      document.execCommand = execCommand;
    }
  });

  it('finds a field added after it when that field gets focus, and lets go of it when removed', async () => {
    const { root, complete, engine } = await withFakeEngine(html`<slm-complete for="late" debounce="10"></slm-complete>`);
    engine.delay = 1;
    expect(complete.field).to.equal(null);
    const field = document.createElement('textarea');
    field.id = 'late';
    field.setAttribute('aria-label', 'Late');
    root.append(field);
    field.focus();
    expect(complete.field).to.equal(field);
    engine.replies = ['!'];
    typeText(field, 'Hi');
    await until(() => complete.suggestion === '!', 2_000, 'the suggestion');

    complete.remove();
    typeText(field, 'Hi again');
    await sleep(60);
    expect(engine.calls).to.have.length(1);
    expect(key(field, { key: 'Tab' }).defaultPrevented).to.equal(false);
  });

  it('turns back into a standalone completion when `for` is removed', async () => {
    const { complete, field } = await ghost(html`<textarea id="field" aria-label="Text"></textarea>`);
    expect(complete.field).to.equal(field);
    expect(part(complete, 'output')).to.equal(null);
    complete.removeAttribute('for');
    await complete.updateComplete;
    expect(complete.field).to.equal(null);
    expect(part(complete, 'output')).to.not.equal(null);
    await expect(complete).to.be.accessible();
  });

  it('accepts with the keyboard through real key presses and keeps typing fluent', async () => {
    // The default pause: longer than the time between two typed keys.
    const { complete, engine, field } = await ghost(html`<textarea id="field" aria-label="Text"></textarea>`, {
      debounce: '300',
    });
    engine.replies = [' world', ' again'];
    field.focus();
    await sendKeys({ type: 'Hello' });
    await until(() => complete.suggestion === ' world', 2_000, 'the suggestion');
    await expect(complete).to.be.accessible();
    await sendKeys({ press: 'Tab' });
    expect(field.value).to.equal('Hello world');
    // The next suggestion follows the accepted one.
    await until(() => complete.suggestion === ' again', 2_000, 'the next suggestion');
    expect(engine.calls[1]!.input).to.deep.equal({ kind: 'text', prompt: 'Hello world' });
    // Shift+Tab is never taken.
    await sendKeys({ press: 'Shift+Tab' });
    expect(document.activeElement).to.not.equal(field);
    expect(field.value).to.equal('Hello world');
    expect(complete.suggestion, 'blur dismisses').to.equal('');
  });
});
