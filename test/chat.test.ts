import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmChatElement, SlmProviderElement, SlmResponseDetail, SlmTokenEvent } from '../dist/index.js';
import { renderMarkdown } from '../dist/markdown.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, referenceGeneration, sharedProvider, until } from './helpers.js';

const MAX = 24;

/** A chat on the tiny model. Plain text (`markdown="off"`) unless asked, so text compares exactly. */
async function chatFixture(model = MODEL, maxNewTokens = MAX, markdown: 'on' | 'off' = 'off') {
  const root = await fixture<SlmProviderElement>(html`
    <slm-provider model=${model} model-base-url=${MODEL_BASE} device="wasm">
      <slm-chat max-new-tokens=${maxNewTokens} temperature="0" markdown=${markdown}></slm-chat>
    </slm-provider>
  `);
  const chat = root.querySelector('slm-chat')!;
  await chat.updateComplete;
  return { root, chat };
}

function shadow(chat: SlmChatElement) {
  const query = <T extends Element>(selector: string) => chat.shadowRoot!.querySelector<T>(selector);
  return {
    input: query<HTMLTextAreaElement>('[part="input"]')!,
    send: query<HTMLButtonElement>('[part="send-button"]')!,
    stop: query<HTMLButtonElement>('[part="stop-button"]')!,
    log: query<HTMLElement>('[part="log"]')!,
    status: query<HTMLElement>('[part="status"]')!,
    messages: () => [...chat.shadowRoot!.querySelectorAll<HTMLElement>('[part~="message"]')],
    contents: () => [...chat.shadowRoot!.querySelectorAll<HTMLElement>('[part="message-content"]')],
  };
}

describe('<slm-chat> on the real tiny model (wasm)', () => {
  failOnLitDevWarnings();

  // A new chat for each test, in one provider for them all (helpers.ts): these tests check a
  // chat's requests, replies and rendering, never how the model loaded. The accessibility test,
  // whose idle state is the one before any download, has a provider of its own.
  const provider = sharedProvider();
  let shared: SlmChatElement | undefined;
  afterEach(() => shared?.remove());
  /** A new chat in the shared provider. Plain text (`markdown="off"`) unless asked, so text compares exactly. */
  async function sharedChatFixture(maxNewTokens = MAX, markdown: 'on' | 'off' = 'off') {
    shared = document.createElement('slm-chat') as SlmChatElement;
    shared.setAttribute('max-new-tokens', String(maxNewTokens));
    shared.setAttribute('temperature', '0');
    shared.setAttribute('markdown', markdown);
    provider().append(shared);
    await shared.updateComplete;
    return { chat: shared };
  }

  it('streams the same tokens and text as a bare pipeline with the chat template', async () => {
    const { chat } = await sharedChatFixture();
    const question = 'Hello there, who are you?';
    const expected = await referenceGeneration([{ role: 'user', content: question }], MAX);
    expect(expected.tokenIds.length, 'reference generated something').to.be.greaterThan(3);

    const tokens: SlmTokenEvent['detail'][] = [];
    chat.addEventListener('slm-token', (event) => tokens.push(event.detail));
    const response = oneEvent(chat, 'slm-response');
    const reply = await chat.send(question);
    const { detail } = await response;

    expect(tokens.map((t) => t.tokenId)).to.deep.equal(expected.tokenIds);
    expect(tokens.map((t) => t.token).join('')).to.equal(expected.text);
    expect(tokens.at(-1)!.text).to.equal(expected.text);
    expect(reply).to.equal(expected.text);
    expect(detail.text).to.equal(expected.text);
    expect(detail.tokens).to.equal(expected.tokens);
    expect(detail.reason).to.equal(expected.tokens === MAX ? 'length' : 'eos');
    expect(detail.ttftMs).to.be.greaterThan(0);
    expect(detail.promptTokens).to.be.greaterThan(question.length);
    expect(chat.messages).to.deep.equal([
      { role: 'user', content: question },
      { role: 'assistant', content: expected.text },
    ]);
    const bubbles = shadow(chat).messages();
    expect(bubbles.map((b) => b.getAttribute('part'))).to.deep.equal(['message user-message', 'message assistant-message']);
    expect(shadow(chat).contents()[1]!.textContent).to.equal(expected.text);
  });

  it('paints the transcript while the reply is still streaming', async () => {
    const { chat } = await sharedChatFixture();
    const painted: string[] = [];
    chat.addEventListener('slm-token', async () => {
      await chat.updateComplete;
      painted.push(shadow(chat).contents().at(-1)!.textContent ?? '');
    });
    const reply = await chat.send('Tell me a story');
    expect(painted.length).to.be.greaterThan(3);
    // Every token repaints the growing reply; the first paints are proper prefixes of the answer.
    expect(painted[0]!.length).to.be.lessThan(reply.length);
    for (const text of painted) expect(reply.startsWith(text)).to.equal(true);
  });

  it('renders the streamed reply as markdown exactly as a one-shot render of the reference', async () => {
    const { chat } = await sharedChatFixture(64, 'on');
    const expected = await referenceGeneration([{ role: 'user', content: 'Write some markdown' }], 64);
    await chat.send('Write some markdown');
    await chat.updateComplete;
    const oneShot = document.createElement('div');
    renderMarkdown(oneShot, expected.text);
    const streamed = shadow(chat).contents()[1]!;
    expect(streamed.innerHTML).to.equal(oneShot.innerHTML);
  });

  it('regenerates the last reply and edits an earlier message, matching the bare pipeline', async () => {
    const { chat } = await sharedChatFixture();
    const first = await chat.send('Alpha');
    await chat.send('Beta');
    const again = await chat.regenerate();
    const expectedAgain = await referenceGeneration(
      [
        { role: 'user', content: 'Alpha' },
        { role: 'assistant', content: first },
        { role: 'user', content: 'Beta' },
      ],
      MAX,
    );
    expect(again).to.equal(expectedAgain.text);
    expect(chat.messages).to.have.length(4);

    chat.edit(0);
    const edited = await chat.send('Gamma');
    expect(edited).to.equal((await referenceGeneration([{ role: 'user', content: 'Gamma' }], MAX)).text);
    expect(chat.messages).to.deep.equal([
      { role: 'user', content: 'Gamma' },
      { role: 'assistant', content: edited },
    ]);
  });

  it('carries the system prompt and the history into the next turn', async () => {
    const { chat } = await sharedChatFixture();
    chat.systemPrompt = 'You are terse.';
    const first = await chat.send('First question');
    const second = await chat.send('Second question');
    const expected = await referenceGeneration(
      [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'First question' },
        { role: 'assistant', content: first },
        { role: 'user', content: 'Second question' },
      ],
      MAX,
    );
    expect(second).to.equal(expected.text);
    expect(chat.messages.map((m) => m.role)).to.deep.equal(['user', 'assistant', 'user', 'assistant']);
  });

  it('reuses its cache on follow-up turns and leaves out old turns when the context is full', async () => {
    const { chat } = await sharedChatFixture(8);
    const responses: SlmResponseDetail[] = [];
    chat.addEventListener('slm-response', (event) => responses.push(event.detail));
    await chat.send('First question');
    await chat.send('Second question');
    expect(responses[0]!.cachedTokens).to.equal(0);
    expect(responses[1]!.cachedTokens, 'the second turn reuses the first').to.be.greaterThan(responses[0]!.promptTokens);

    // A window that holds about two turns: the oldest are left out and the transcript says so.
    chat.contextWindow = 90;
    await chat.send('Third question, a little longer than the others');
    await chat.send('Fourth');
    const last = responses.at(-1)!;
    expect(last.droppedMessages).to.be.greaterThan(0);
    expect(last.promptTokens + 8).to.be.at.most(90);
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('[part="notice"]')!.textContent).to.contain('older messages');
    expect(chat.messages).to.have.length(8);
  });

  it('sends with Enter, not with Shift+Enter, and clears the field', async () => {
    const { chat } = await sharedChatFixture();
    const { input } = shadow(chat);
    input.focus();
    input.value = 'Line one';
    input.dispatchEvent(new InputEvent('input', { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, cancelable: true }));
    expect(chat.messages).to.have.length(0);
    const response = oneEvent(chat, 'slm-response');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await response;
    expect(chat.messages[0]).to.deep.equal({ role: 'user', content: 'Line one' });
    expect(input.value).to.equal('');
  });

  it('stops on request and keeps the partial reply', async () => {
    const { chat } = await sharedChatFixture(400);
    let seen = 0;
    chat.addEventListener('slm-token', () => {
      seen++;
      if (seen === 5) chat.stop();
    });
    const response = oneEvent(chat, 'slm-response');
    const reply = await chat.send('Go on and on');
    const { detail } = await response;
    expect(detail.reason).to.equal('stopped');
    expect(detail.tokens).to.be.lessThan(400);
    expect(reply.length).to.be.greaterThan(0);
    expect(chat.messages.at(-1)).to.deep.equal({ role: 'assistant', content: reply });
    expect(shadow(chat).status.textContent).to.contain('Stopped');
  });

  it('stops a streaming reply, keeping it, when the next message is sent', async () => {
    const { chat } = await sharedChatFixture(400);
    let second: Promise<string> | undefined;
    chat.addEventListener('slm-token', () => (second ??= chat.send('Second')), { once: true });
    const first = await chat.send('First');
    await second;
    expect(chat.messages.map((m) => m.role)).to.deep.equal(['user', 'assistant', 'user', 'assistant']);
    expect(chat.messages[1]!.content).to.equal(first);
    expect(first.length).to.be.greaterThan(0);
    expect(chat.messages[2]!.content).to.equal('Second');
  });

  it('clears the conversation', async () => {
    const { chat } = await sharedChatFixture();
    await chat.send('Hi');
    chat.clear();
    await chat.updateComplete;
    expect(chat.messages).to.deep.equal([]);
    expect(shadow(chat).messages()).to.have.length(0);
  });

  it('is accessible when idle and while streaming', async () => {
    const { chat } = await chatFixture();
    await expect(chat).to.be.accessible();
    const { log, status, stop, send } = shadow(chat);
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-label')).to.equal('Conversation');
    expect(status.getAttribute('role')).to.equal('status');

    let checked = false;
    const streaming = new Promise<void>((resolve, reject) => {
      chat.addEventListener(
        'slm-token',
        async () => {
          try {
            await chat.updateComplete;
            expect(stop.hidden).to.equal(false);
            expect(send.hidden).to.equal(true);
            await expect(chat).to.be.accessible();
            checked = true;
            resolve();
          } catch (error) {
            reject(error);
          }
        },
        { once: true },
      );
    });
    const done = chat.send('Hello');
    await streaming;
    await done;
    expect(checked).to.equal(true);
  });
});

describe('<slm-chat> with bad input', () => {
  failOnLitDevWarnings();

  it('reports a model whose files do not exist, shows it, and keeps the message', async () => {
    const { root, chat } = await chatFixture('no-such-model');
    const providerError = oneEvent(root, 'slm-error');
    const response = oneEvent(chat, 'slm-response');
    const reply = await chat.send('Are you there?');
    const { detail: error } = await providerError;
    const { detail } = await response;

    expect(reply).to.equal('');
    expect(error.code).to.equal('model-not-found');
    expect(error.message).to.contain('no-such-model');
    expect(detail.reason).to.equal('error');
    expect(detail.error!.code).to.equal('model-not-found');
    expect(root.status).to.equal('error');
    expect(root.getAttribute('status')).to.equal('error');
    await chat.updateComplete;
    expect(chat.messages).to.deep.equal([{ role: 'user', content: 'Are you there?' }]);
    const shown = chat.shadowRoot!.querySelector('[part="error"]')!;
    expect(shown.textContent).to.contain('no-such-model');
    expect(shadow(chat).status.textContent).to.contain('no-such-model');
    await expect(chat).to.be.accessible();
  });

  it('reports an invalid max-new-tokens and keeps the message', async () => {
    const root = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-chat max-new-tokens="lots"></slm-chat>
      </slm-provider>
    `);
    const chat = root.querySelector('slm-chat')!;
    const error = oneEvent(chat, 'slm-error');
    await chat.send('Hello');
    const { detail } = await error;
    expect(detail.code).to.equal('invalid-option');
    expect(detail.message).to.contain('max-new-tokens="lots"');
    await chat.updateComplete;
    expect(chat.messages).to.deep.equal([{ role: 'user', content: 'Hello' }]);
  });

  it('says so when there is no provider', async () => {
    const chat = await fixture<SlmChatElement>(html`<slm-chat></slm-chat>`);
    const error = oneEvent(chat, 'slm-error');
    await chat.send('Hello?');
    const { detail } = await error;
    expect(detail.code).to.equal('no-provider');
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('slm-provider');
    expect(chat.messages).to.deep.equal([{ role: 'user', content: 'Hello?' }]);
  });

  it('recovers when the model attribute is corrected and the user retries', async () => {
    const { root, chat } = await chatFixture('missing-model');
    await chat.send('Still here?');
    expect(root.status).to.equal('error');
    root.setAttribute('model', MODEL);
    await root.updateComplete;
    expect(root.status).to.equal('idle');
    await chat.updateComplete;
    const retry = chat.shadowRoot!.querySelector<HTMLButtonElement>('[part="error"] button')!;
    const response = oneEvent(chat, 'slm-response');
    retry.click();
    const { detail } = await response;
    expect(detail.reason).to.not.equal('error');
    await until(() => chat.messages.length === 2, 10_000, 'the reply');
    expect(chat.messages[0]).to.deep.equal({ role: 'user', content: 'Still here?' });
  });
});
