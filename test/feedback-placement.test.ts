/**
 * Where a chat and a completion sharing one engine say what happens (issue #18, items 2 and 3):
 * a download shows in the element whose request waits for it, and moves nothing; a failure shows
 * once, in the element where the user acted. A scripted engine (`scripted-engines.ts`);
 * `progress-layout.test.ts` checks the same on the real model with a slow download.
 */
import { expect, fixture } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmChatElement, SlmCompleteElement } from '../dist/index.js';
import type { FakeEngine } from './fake-engine.js';
import { provideEngine } from './fake-engine.js';
import { failOnLitDevWarnings } from './helpers.js';
import { FailingEngine, LoadingEngine } from './scripted-engines.js';

/** A chat and a standalone completion side by side under one engine. */
async function pair(engine: FakeEngine) {
  const root = document.createElement('div');
  root.style.width = '560px';
  provideEngine(root, engine);
  root.innerHTML = `<slm-chat style="--slm-chat-height: 20rem"></slm-chat><slm-complete prompt="Once upon a time"></slm-complete>`;
  await fixture(root);
  const chat = root.querySelector('slm-chat')!;
  const complete = root.querySelector('slm-complete')!;
  await Promise.all([chat.updateComplete, complete.updateComplete]);
  return { root, chat, complete };
}

const part = (element: SlmChatElement | SlmCompleteElement, name: string) =>
  element.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

/** Boxes whose place and size must not change while a model loads. */
function boxes(chat: SlmChatElement, complete: SlmCompleteElement) {
  const rect = (element: Element | null) => {
    const { x, y, width, height } = element!.getBoundingClientRect();
    return { x, y, width, height };
  };
  return {
    chat: rect(chat),
    input: rect(part(chat, 'input')),
    complete: rect(complete),
    output: rect(part(complete, 'output')),
    runOrStop: rect(complete.shadowRoot!.querySelector('.toolbar')),
  };
}

describe('feedback where the user is (scripted engine)', () => {
  failOnLitDevWarnings();

  it('shows a download in the completion that waits for it, not in the chat beside it, and moves nothing', async () => {
    const engine = new LoadingEngine();
    const { chat, complete } = await pair(engine);
    const before = boxes(chat, complete);
    const done = complete.complete();
    engine.startLoading(0.4);
    await Promise.all([chat.updateComplete, complete.updateComplete]);
    expect(part(complete, 'progress')).to.exist;
    expect(part(chat, 'progress'), 'the chat nobody used').to.equal(null);
    expect(part(chat, 'status')!.textContent).to.equal('');
    expect(boxes(chat, complete)).to.deep.equal(before);
    engine.finishLoading();
    await done;
    await Promise.all([chat.updateComplete, complete.updateComplete]);
    expect(boxes(chat, complete)).to.deep.equal(before);
  });

  it('shows a download in the chat that waits for it, not in the completion beside it, and moves nothing', async () => {
    const engine = new LoadingEngine();
    const { chat, complete } = await pair(engine);
    // Once a conversation has started its status row keeps its height: start from there.
    chat.messages = [{ role: 'user', content: 'Earlier' }, { role: 'assistant', content: 'Reply' }];
    await chat.updateComplete;
    const before = boxes(chat, complete);
    const done = chat.send('Hi');
    engine.startLoading(0.4);
    await Promise.all([chat.updateComplete, complete.updateComplete]);
    expect(chat.shadowRoot!.querySelector('[part~="assistant-message"]:last-of-type [part="progress"], .waiting-load [part="progress"]')).to.exist;
    expect(part(complete, 'progress'), 'the completion nobody used').to.equal(null);
    expect(part(complete, 'status')!.textContent).to.equal('');
    expect(boxes(chat, complete)).to.deep.equal(before);
    await expect(chat).to.be.accessible();
    engine.finishLoading();
    await done;
    await Promise.all([chat.updateComplete, complete.updateComplete]);
    expect(boxes(chat, complete)).to.deep.equal(before);
  });

  it('shows a failure once, in the chat where the user acted, and nothing in the completion', async () => {
    const engine = new FailingEngine('network-error', 'Model "x" could not be downloaded (Failed to fetch).');
    const { chat, complete } = await pair(engine);
    await chat.send('Hello?');
    await Promise.all([chat.updateComplete, complete.updateComplete]);
    expect(part(chat, 'error')!.textContent).to.contain('could not be downloaded');
    expect(part(complete, 'status')!.textContent, 'the completion nobody used').to.equal('');
    expect(complete.shadowRoot!.textContent).to.not.contain('could not be downloaded');
    await expect(chat).to.be.accessible();
    await expect(complete).to.be.accessible();
  });
});
