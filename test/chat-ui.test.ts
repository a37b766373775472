import { expect, fixture, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../dist/define.js';
import type { SlmChatElement } from '../dist/index.js';
import { FakeEngine, provideEngine } from './fake-engine.js';
import { FailingEngine, LoadingEngine } from './scripted-engines.js';
import { failOnLitDevWarnings, until } from './helpers.js';

/** A chat inside an element that provides a scripted engine. */
async function fakeChat(attributes: Record<string, string> = {}, engine = new FakeEngine()) {
  const wrapper = document.createElement('div');
  provideEngine(wrapper, engine);
  const chat = document.createElement('slm-chat');
  for (const [name, value] of Object.entries(attributes)) chat.setAttribute(name, value);
  wrapper.append(chat);
  await fixture(wrapper);
  await chat.updateComplete;
  return { chat, engine, wrapper };
}

const q = <T extends Element = HTMLElement>(chat: SlmChatElement, selector: string) =>
  chat.shadowRoot!.querySelector<T>(selector);
const qa = <T extends Element = HTMLElement>(chat: SlmChatElement, selector: string) => [
  ...chat.shadowRoot!.querySelectorAll<T>(selector),
];

function type(chat: SlmChatElement, text: string) {
  const input = q<HTMLTextAreaElement>(chat, '[part="input"]')!;
  input.focus();
  input.value = text;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  return input;
}

function key(target: Element, init: KeyboardEventInit) {
  const event = new KeyboardEvent('keydown', { bubbles: true, composed: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

describe('<slm-chat> controls (scripted engine)', () => {
  failOnLitDevWarnings();

  it('regenerates the last reply from the same history', async () => {
    const { chat, engine } = await fakeChat();
    engine.replies = ['First answer.', 'Second answer.'];
    await chat.send('Question');
    await chat.updateComplete;
    q<HTMLButtonElement>(chat, '[part~="regenerate-button"]')!.click();
    await until(() => engine.calls.length === 2 && chat.messages.at(-1)!.content === 'Second answer.');
    expect(chat.messages).to.deep.equal([
      { role: 'user', content: 'Question' },
      { role: 'assistant', content: 'Second answer.' },
    ]);
    expect(engine.calls[1]!.input).to.deep.equal(engine.calls[0]!.input);
  });

  it('edits an earlier message and continues from there', async () => {
    const { chat, engine } = await fakeChat();
    engine.replies = ['A1', 'A2', 'A3'];
    await chat.send('Q1');
    await chat.send('Q2');
    await chat.updateComplete;
    qa<HTMLButtonElement>(chat, '[part~="edit-button"]')[0]!.click();
    await chat.updateComplete;
    const input = q<HTMLTextAreaElement>(chat, '[part="input"]')!;
    expect(input.value).to.equal('Q1');
    expect(q(chat, '[part="editing"]')).to.exist;
    expect(chat.shadowRoot!.activeElement).to.equal(input);
    type(chat, 'Q1 edited');
    const response = oneEvent(chat, 'slm-response');
    key(input, { key: 'Enter' });
    await response;
    await chat.updateComplete;
    expect(chat.messages).to.deep.equal([
      { role: 'user', content: 'Q1 edited' },
      { role: 'assistant', content: 'A3' },
    ]);
    expect(engine.calls[2]!.input).to.deep.equal({ kind: 'chat', messages: [{ role: 'user', content: 'Q1 edited' }] });
    expect(q(chat, '[part="editing"]')).to.equal(null);
  });

  it('cancels an edit with Escape and keeps the conversation', async () => {
    const { chat } = await fakeChat();
    await chat.send('Q1');
    await chat.updateComplete;
    chat.edit(0);
    await chat.updateComplete;
    key(q(chat, '[part="input"]')!, { key: 'Escape' });
    await chat.updateComplete;
    expect(q(chat, '[part="editing"]')).to.equal(null);
    expect(chat.messages.map((m) => m.content)).to.deep.equal(['Q1', 'Hello **there**. How can I help?']);
  });

  it('lets slm-send listeners veto or rewrite a message', async () => {
    const { chat, engine } = await fakeChat();
    chat.addEventListener('slm-send', (event) => event.preventDefault(), { once: true });
    type(chat, 'blocked');
    key(q(chat, '[part="input"]')!, { key: 'Enter' });
    await chat.updateComplete;
    expect(chat.messages).to.deep.equal([]);
    expect(q<HTMLTextAreaElement>(chat, '[part="input"]')!.value, 'the text stays in the field').to.equal('blocked');

    chat.addEventListener('slm-send', (event) => (event.detail.text = event.detail.text.toUpperCase()), { once: true });
    await chat.send('rewrite me');
    expect(chat.messages[0]).to.deep.equal({ role: 'user', content: 'REWRITE ME' });
    expect(engine.calls).to.have.length(1);
  });

  it('stops with Escape, never sends while an IME composes, and adds lines with Shift+Enter', async () => {
    const { chat, engine } = await fakeChat();
    engine.delay = 30;
    const input = type(chat, 'かな');
    key(input, { key: 'Enter', isComposing: true });
    key(input, { key: 'Enter', shiftKey: true });
    await chat.updateComplete;
    expect(chat.messages).to.deep.equal([]);
    const response = oneEvent(chat, 'slm-response');
    key(input, { key: 'Enter' });
    await oneEvent(chat, 'slm-token');
    key(input, { key: 'Escape' });
    expect((await response).detail.reason).to.equal('stopped');
    expect(chat.shadowRoot!.activeElement, 'focus stays in the field').to.equal(input);
  });

  it('clears, fires slm-clear with what was removed, and frees the conversation cache', async () => {
    const { chat, engine } = await fakeChat();
    await chat.send('Hi');
    await chat.updateComplete;
    const cleared = oneEvent(chat, 'slm-clear');
    q<HTMLButtonElement>(chat, '[part="clear-button"]')!.click();
    const { detail } = await cleared;
    expect(detail.messages.map((m: { role: string }) => m.role)).to.deep.equal(['user', 'assistant']);
    expect(chat.messages).to.deep.equal([]);
    expect(engine.released).to.have.length(1);
    expect(engine.released[0]).to.equal(engine.calls[0]!.options.conversationId);
  });

  it('passes its conversation id and context window to the engine', async () => {
    const { chat, engine } = await fakeChat({ 'context-window': '512' });
    await chat.send('One');
    await chat.send('Two');
    const [first, second] = engine.calls;
    expect(first!.options.conversationId).to.be.a('string').and.not.equal('');
    expect(second!.options.conversationId).to.equal(first!.options.conversationId);
    expect(first!.options.contextWindow).to.equal(512);
  });

  it('shows statistics and the left-out notice', async () => {
    const { chat, engine } = await fakeChat({ 'show-stats': '' });
    engine.droppedMessages = 3;
    await chat.send('Hi');
    await chat.updateComplete;
    expect(q(chat, '[part="stats"]')!.textContent).to.contain('45.6 tokens/s');
    expect(q(chat, '[part="stats"]')!.textContent).to.contain('12 ms');
    expect(q(chat, '[part="notice"]')!.textContent).to.contain('3 older messages');
  });

  it('renders replies as markdown, or as plain text with markdown="off"', async () => {
    const { chat } = await fakeChat();
    await chat.send('Hi');
    // The renderer is a lazy chunk: on a busy machine it may arrive after the reply.
    await until(() => q(chat, '[part~="assistant-message"] strong') !== null);
    expect(q(chat, '[part~="assistant-message"] strong')!.textContent).to.equal('there');
    chat.markdown = 'off';
    await chat.updateComplete;
    expect(q(chat, '[part~="assistant-message"] strong')).to.equal(null);
    expect(q(chat, '[part~="assistant-message"]')!.textContent).to.contain('**there**');
  });

  it('renders hostile replies inert', async () => {
    const { chat, engine } = await fakeChat();
    engine.replies = [
      '<img src=x onerror="window.__pwned=1"> [click](javascript:window.__pwned=1) ![t](https://example.com/t.png) <script>window.__pwned=1</script>',
    ];
    await chat.send('Hi');
    await chat.updateComplete;
    const reply = q(chat, '[part~="assistant-message"]')!;
    expect(reply.querySelectorAll('img, script, iframe, object, embed, style')).to.have.length(0);
    for (const element of reply.querySelectorAll('*')) {
      for (const attribute of element.attributes) expect(attribute.name).to.not.match(/^on/);
    }
    for (const link of reply.querySelectorAll('a')) expect(link.href).to.match(/^(https?|mailto):/);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(performance.getEntriesByType('resource').some((entry) => entry.name.includes('example.com'))).to.equal(false);
  });

  it('copies a reply and the code of a code block', async () => {
    const { chat, engine } = await fakeChat();
    const copied: string[] = [];
    const clipboard = navigator.clipboard;
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void copied.push(text) },
    });
    try {
      engine.replies = ['Run:\n\n```js\nconsole.log(1);\n```\n'];
      await chat.send('Code please');
      await until(() => q(chat, '[data-copy]') !== null);
      q<HTMLButtonElement>(chat, '[data-copy]')!.click();
      await until(() => copied.length === 1);
      expect(copied[0]).to.equal('console.log(1);');
      q<HTMLButtonElement>(chat, '[part~="copy-button"]')!.click();
      await until(() => copied.length === 2);
      expect(copied[1]).to.equal(engine.replies[0]);
    } finally {
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: clipboard });
    }
  });

  it('keeps the conversation with persist="key" and restores it', async () => {
    localStorage.removeItem('slm-chat:test-persist');
    const { chat, wrapper } = await fakeChat({ persist: 'test-persist' });
    await chat.send('Remember me');
    await chat.updateComplete;
    wrapper.remove();
    const { chat: again } = await fakeChat({ persist: 'test-persist' });
    expect(again.messages.map((m) => m.content)).to.deep.equal(['Remember me', 'Hello **there**. How can I help?']);
    expect(qa(again, '[part~="message"]')).to.have.length(2);
    again.clear();
    await again.updateComplete;
    expect(localStorage.getItem('slm-chat:test-persist')).to.equal(null);
  });

  it('shows the download size before the first download, or says the model is cached and loads it', async () => {
    const { chat, engine } = await fakeChat();
    q(chat, '[part="input"]')!.focus();
    await until(() => Boolean(q(chat, '.footprint')), 5000, 'the download notice');
    expect(q(chat, '.footprint')!.textContent).to.contain('fake-model').and.contain('123.0 MB');
    expect(engine.loads).to.equal(0);

    const cachedEngine = new FakeEngine();
    cachedEngine.cached = true;
    const { chat: cachedChat } = await fakeChat({}, cachedEngine);
    cachedChat.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    await until(() => cachedEngine.loads === 1, 5000, 'the cached model to load');
  });
});

describe('<slm-chat> strings, direction and theming', () => {
  failOnLitDevWarnings();

  it('uses overridden strings for labels, buttons and announcements', async () => {
    const { chat } = await fakeChat();
    chat.strings = { conversationLabel: 'Unterhaltung', send: 'Senden', inputLabel: 'Nachricht', placeholder: 'Schreiben…', done: 'Fertig.' };
    await chat.updateComplete;
    expect(q(chat, '[part="log"]')!.getAttribute('aria-label')).to.equal('Unterhaltung');
    expect(q(chat, '[part="send-button"]')!.textContent!.trim()).to.equal('Senden');
    expect(q(chat, '[part="input"]')!.getAttribute('placeholder')).to.equal('Schreiben…');
    await chat.send('Hallo');
    await chat.updateComplete;
    expect(q(chat, '[part="status"]')!.textContent).to.equal('Fertig.');
  });

  it('lays out right to left', async () => {
    const { chat, wrapper } = await fakeChat();
    wrapper.dir = 'rtl';
    await chat.send('مرحبا');
    await chat.updateComplete;
    const user = q(chat, '[part~="user-message"]')!.getBoundingClientRect();
    const assistant = q(chat, '[part~="assistant-message"]')!.getBoundingClientRect();
    const log = q(chat, '[part="log"]')!.getBoundingClientRect();
    // In RTL the user's messages sit on the left, the replies on the right.
    expect(user.left - log.left).to.be.lessThan(log.right - user.right);
    expect(log.right - assistant.right).to.be.lessThan(assistant.left - log.left);
  });

  it('is styled through ::part and --slm-* custom properties', async () => {
    const style = document.createElement('style');
    style.textContent = `
      .themed slm-chat { --slm-color-accent: rgb(1, 2, 3); --slm-radius: 3px; }
      .themed slm-chat::part(user-message) { color: rgb(9, 8, 7); }
    `;
    document.head.append(style);
    try {
      const { chat, wrapper } = await fakeChat();
      wrapper.classList.add('themed');
      await chat.send('Hi');
      // Send wears the accent once there is something to send.
      type(chat, 'Again');
      await chat.updateComplete;
      await new Promise((resolve) => setTimeout(resolve, 250)); // the colour's transition
      const send = q(chat, '[part="send-button"]')!;
      const user = q(chat, '[part~="user-message"]')!;
      expect(getComputedStyle(send).backgroundColor).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(user).color).to.equal('rgb(9, 8, 7)');
      expect(getComputedStyle(user).backgroundColor).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(q(chat, '[part="base"]')!).borderTopLeftRadius).to.equal('3px');
    } finally {
      style.remove();
    }
  });

  it('shows a labelled progress bar in the waiting reply while the model loads, and passes axe checks then', async () => {
    const engine = new LoadingEngine();
    const { chat } = await fakeChat({}, engine);
    // Loading for someone else (a preload, another element): nothing of it in this chat.
    engine.startLoading(0.25);
    await chat.updateComplete;
    expect(q(chat, '[part="progress"]')).to.equal(null);
    expect(q(chat, '[part="status"]')!.textContent).to.equal('');

    const reply = chat.send('Hi');
    engine.startLoading(0.5);
    await chat.updateComplete;
    const bar = q(chat, '[part~="assistant-message"] [part="progress"]')!;
    expect(bar.getAttribute('role')).to.equal('progressbar');
    expect(bar.getAttribute('aria-valuenow')).to.equal('50');
    expect(bar.getAttribute('aria-valuetext')).to.equal('5.0 MB / 10.0 MB');
    expect(q(chat, '.waiting-load')!.textContent).to.contain('Loading fake-model…').and.contain('5.0 MB / 10.0 MB');
    // Announced from the status line, drawn once (in the reply the user waits for).
    const status = q(chat, '[part="status"]')!;
    expect(status.textContent).to.equal('Loading fake-model…');
    expect(status.getBoundingClientRect().width).to.be.at.most(1);
    await expect(chat).to.be.accessible();

    engine.finishLoading();
    await reply;
    await chat.updateComplete;
    expect(q(chat, '[part="progress"]')).to.equal(null);
  });

  it('projects header, empty-state and footer slots', async () => {
    const wrapper = document.createElement('div');
    provideEngine(wrapper, new FakeEngine());
    wrapper.innerHTML = `<slm-chat><h2 slot="header">Support</h2><p slot="empty">Say hi</p><small slot="footer">Runs locally</small></slm-chat>`;
    await fixture(wrapper);
    const chat = wrapper.querySelector('slm-chat')!;
    await chat.updateComplete;
    const assigned = (name: string) =>
      q<HTMLSlotElement>(chat, `slot[name="${name}"]`)!.assignedElements().map((e) => e.textContent);
    expect(assigned('header')).to.deep.equal(['Support']);
    expect(assigned('empty')).to.deep.equal(['Say hi']);
    expect(assigned('footer')).to.deep.equal(['Runs locally']);
  });

  it('passes axe checks when empty, streaming, done and in error', async () => {
    const { chat, engine } = await fakeChat();
    await expect(chat).to.be.accessible();
    engine.delay = 40;
    const done = chat.send('Hi');
    await oneEvent(chat, 'slm-token');
    await chat.updateComplete;
    await expect(chat).to.be.accessible();
    await done;
    await chat.updateComplete;
    await expect(chat).to.be.accessible();
    chat.maxNewTokens = 'lots';
    await chat.send('Again');
    await chat.updateComplete;
    expect(q(chat, '[part="error"]')).to.exist;
    await expect(chat).to.be.accessible();
  });

  it('passes axe checks with a pending reply, an editing banner, a tooltip shown and a retry button', async () => {
    const { chat, engine } = await fakeChat();
    engine.delay = 60_000;
    void chat.send('Hi');
    await chat.updateComplete;
    expect(q(chat, '[part="typing-indicator"]')).to.exist;
    await expect(chat).to.be.accessible();
    chat.stop();

    const failing = new FailingEngine('network-error');
    const { chat: failed } = await fakeChat({}, failing);
    await failed.send('Hello?');
    await failed.updateComplete;
    expect(q(failed, '[part="retry-button"]')).to.exist;
    q(failed, '[part="input"]')!.focus();
    failed.edit(0);
    await failed.updateComplete;
    q(failed, '[part~="edit-button"]')!.focus();
    await new Promise((resolve) => setTimeout(resolve, 250)); // Send's colours settle (a transition)
    await expect(failed).to.be.accessible();
  });
});

describe('<slm-chat> errors: once, where the user acted, with Retry only when it can help', () => {
  failOnLitDevWarnings();

  it('shows a failure once, in the transcript, and announces it from the status line without drawing it', async () => {
    const { chat } = await fakeChat({}, new FailingEngine('network-error', 'Model "x" could not be downloaded (Failed to fetch).'));
    await chat.send('Hello?');
    await chat.updateComplete;
    expect(chat.messages).to.deep.equal([{ role: 'user', content: 'Hello?' }]);
    const card = q(chat, '[part="error"]')!;
    expect(card.textContent).to.contain('could not be downloaded');
    const status = q(chat, '[part="status"]')!;
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.textContent).to.contain('could not be downloaded');
    expect(status.getBoundingClientRect().width, 'the status line draws nothing').to.be.at.most(1);
    const shown = [...chat.shadowRoot!.querySelectorAll('*')].filter(
      (element) => element.children.length === 0 && element.textContent!.includes('could not be downloaded') && element.getBoundingClientRect().width > 1,
    );
    expect(shown, 'the message is drawn once').to.have.length(1);
  });

  for (const [code, retry] of [
    ['network-error', true],
    ['worker-failed', true],
    ['invalid-option', false],
    ['model-not-found', false],
    ['webgpu-unavailable', false],
    ['no-model', false],
  ] as const) {
    it(`${retry ? 'offers' : 'offers no'} Retry after ${code}`, async () => {
      const { chat } = await fakeChat({}, new FailingEngine(code));
      await chat.send('Hello?');
      await chat.updateComplete;
      expect(q(chat, '[part="error"]')).to.exist;
      expect(Boolean(q(chat, '[part="retry-button"]'))).to.equal(retry);
    });
  }

  it('offers Retry for a configuration failure once the configuration has changed, and the retry answers', async () => {
    const engine = new FailingEngine('model-not-found', 'The model "no-such-model" was not found.');
    const { chat } = await fakeChat({}, engine);
    await chat.send('Still here?');
    await chat.updateComplete;
    expect(q(chat, '[part="retry-button"]')).to.equal(null);
    engine.recover();
    await chat.updateComplete;
    const retry = q<HTMLButtonElement>(chat, '[part="retry-button"]')!;
    expect(retry).to.exist;
    const response = oneEvent(chat, 'slm-response');
    retry.click();
    expect((await response).detail.reason).to.equal('eos');
    expect(chat.messages.map((message) => message.role)).to.deep.equal(['user', 'assistant']);
  });

  it('offers Retry after its own invalid setting once the setting is corrected', async () => {
    const { chat } = await fakeChat({ 'max-new-tokens': 'lots' });
    await chat.send('Hello');
    await chat.updateComplete;
    expect(q(chat, '[part="error"]')!.textContent).to.contain('max-new-tokens="lots"');
    expect(q(chat, '[part="retry-button"]')).to.equal(null);
    chat.removeAttribute('max-new-tokens');
    await chat.updateComplete;
    expect(q(chat, '[part="retry-button"]')).to.exist;
  });
});

describe('<slm-chat> look: icon buttons, tooltips, typing indicator, Send', () => {
  failOnLitDevWarnings();

  it('draws the message actions and Clear as icon buttons named by their tooltip', async () => {
    const { chat } = await fakeChat();
    await chat.send('Hi');
    await chat.updateComplete;
    for (const [part, name] of [
      ['edit-button', 'Edit'],
      ['copy-button', 'Copy'],
      ['regenerate-button', 'Regenerate'],
      ['clear-button', 'Clear conversation'],
    ]) {
      const button = q(chat, `[part~="${part}"]`)!;
      expect(button.getAttribute('aria-label'), part).to.equal(name);
      expect(button.querySelector('svg')!.getAttribute('aria-hidden')).to.equal('true');
      const tooltip = button.querySelector('[part="tooltip"]')!;
      expect(tooltip.textContent).to.equal(name);
      expect(tooltip.getAttribute('aria-hidden')).to.equal('true');
      expect(getComputedStyle(tooltip).display, `${part}: hidden until hovered or focused`).to.equal('none');
    }
  });

  it('shows a tooltip on keyboard focus, inside the transcript, and "Copied" after copying', async () => {
    const { chat } = await fakeChat();
    const clipboard = navigator.clipboard;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async () => {} } });
    try {
      await chat.send('Hi');
      await chat.updateComplete;
      // Tab from the transcript to the first action, as a keyboard user does (:focus-visible).
      q(chat, '[part="log"]')!.focus();
      await sendKeys({ press: 'Tab' });
      const edit = q(chat, '[part~="edit-button"]')!;
      expect(chat.shadowRoot!.activeElement).to.equal(edit);
      const tooltip = edit.querySelector<HTMLElement>('[part="tooltip"]')!;
      expect(getComputedStyle(tooltip).display).to.equal('block');
      const log = q(chat, '[part="log"]')!.getBoundingClientRect();
      const box = tooltip.getBoundingClientRect();
      expect(box.right).to.be.at.most(log.right);
      expect(box.bottom, 'above the button').to.be.at.most(edit.getBoundingClientRect().top);
      expect(q(chat, '[part="log"]')!.scrollWidth, 'no horizontal scrolling').to.equal(q(chat, '[part="log"]')!.clientWidth);

      const copy = q<HTMLButtonElement>(chat, '[part~="copy-button"]')!;
      copy.click();
      await until(() => copy.getAttribute('aria-label') === 'Copied', 2_000, 'the feedback');
      await chat.updateComplete;
      expect(getComputedStyle(copy.querySelector('[part="tooltip"]')!).display).to.equal('block');
      expect(copy.querySelector('[part="tooltip"]')!.textContent).to.equal('Copied');
    } finally {
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: clipboard });
    }
  });

  it('shows a typing indicator, not an empty bubble with a cursor, until the first token', async () => {
    const { chat, engine } = await fakeChat();
    engine.delay = 300;
    const reply = chat.send('Hi');
    await chat.updateComplete;
    const pending = q(chat, '[part~="assistant-message"]')!;
    const dots = pending.querySelector('[part="typing-indicator"]')!;
    expect(dots).to.exist;
    expect(dots.getAttribute('role')).to.equal('img');
    expect(dots.getAttribute('aria-label')).to.match(/Waiting|Generating/);
    expect(pending.querySelector('.streaming')).to.equal(null);
    await oneEvent(chat, 'slm-token');
    await chat.updateComplete;
    expect(q(chat, '[part="typing-indicator"]')).to.equal(null);
    expect(q(chat, '[part~="assistant-message"] [part~="message-content"]')!.textContent).to.not.equal('');
    // Then a steady dot after the text: nothing in the transcript animates while text streams
    // (a pulse made the browser draw 60 frames a second for the whole reply; bench section 9).
    const streaming = q(chat, '.streaming')!;
    const cursors = [streaming, ...streaming.querySelectorAll('*')].filter((el) => getComputedStyle(el, '::after').content === '""');
    expect(cursors.length, 'one cursor').to.equal(1);
    expect(getComputedStyle(cursors[0]!, '::after').animationName).to.equal('none');
    chat.stop();
    await reply;
  });

  it('keeps Send present and legible while there is nothing to send', async () => {
    const { chat } = await fakeChat();
    const send = q(chat, '[part="send-button"]')!;
    expect(send.getAttribute('aria-disabled')).to.equal('true');
    expect(send.hasAttribute('disabled'), 'focusable and announced').to.equal(false);
    const idle = { ...getComputedStyle(send) };
    expect(idle.opacity).to.equal('1');
    expect(idle.color, 'legible').to.not.equal(idle.backgroundColor);
    type(chat, 'Hello');
    await chat.updateComplete;
    expect(send.getAttribute('aria-disabled')).to.equal('false');
    await new Promise((resolve) => setTimeout(resolve, 250)); // the colour's transition
    expect(getComputedStyle(send).backgroundColor, 'the accent once there is text').to.not.equal(idle.backgroundColor);
  });
});
