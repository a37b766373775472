import { expect, fixture, html } from '@open-wc/testing';
import type { SlmChatElement } from '../dist/index.js';
import '../dist/define.js';
import { failOnLitDevWarnings, referenceGeneration, requestCounts, resetRequestCounts, typeAndSend, until } from './helpers.js';

describe('the script-tag bundle (dist/cdn/slm-elements.js)', () => {
  failOnLitDevWarnings();

  it('renders a working chat in a plain HTML page', async () => {
    const expected = await referenceGeneration([{ role: 'user', content: 'Hi from a plain page' }], 16);
    await resetRequestCounts();
    const frame = document.createElement('iframe');
    frame.src = '/test/fixtures/cdn-page.html';
    frame.style.cssText = 'width: 600px; height: 600px';
    document.body.append(frame);
    try {
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      const page = frame.contentWindow as Window & typeof globalThis;
      await until(() => Boolean(page.customElements.get('slm-chat')), 10_000, 'the elements to be defined');
      const chat = page.document.querySelector('slm-chat') as SlmChatElement;
      await chat.updateComplete;
      // Defined and rendered, yet no worker and no transformers.js until a model is needed.
      const beforeUse = Object.keys(await requestCounts());
      // (`worker` covers both the worker script and LocalEngine's implementation, `chunks/worker-engine-*`.)
      expect(beforeUse.filter((path) => /worker|transformers|\/ort\/|\/models\//.test(path))).to.deep.equal([]);
      // The page shows a chat only: the chat's view came, the completion's did not.
      const views = beforeUse.filter((path) => /chunks\/(chat|complete)-view-/.test(path));
      expect(views.map((path) => path.replace(/-view-.*$/, '-view'))).to.deep.equal(['/dist/cdn/chunks/chat-view']);

      const response = new Promise((resolve) => chat.addEventListener('slm-response', resolve, { once: true }));
      await typeAndSend(chat, 'Hi from a plain page');
      await response;
      expect(chat.messages[1]!.content).to.equal(expected.text);

      // Everything came from the bundle's folder: no source modules, no node_modules, no CDN.
      // (The test server injects its own `/__web-dev-server__*` script into every HTML page.)
      const paths = Object.keys(await requestCounts()).filter(
        (path) => !path.startsWith('/models/') && !path.startsWith('/__web-dev-server'),
      );
      const outside = paths.filter((path) => !path.startsWith('/dist/cdn/') && path !== '/test/fixtures/cdn-page.html');
      expect(outside).to.deep.equal([]);
      expect(paths).to.include('/dist/cdn/slm-worker.js');
      expect(paths).to.include('/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.wasm');

      // The bundle's styles are minified (rollup.config.mjs): they must compute exactly as the npm build's.
      const npm = await fixture<SlmChatElement>(html`<slm-chat markdown="off"></slm-chat>`);
      npm.messages = chat.messages.map((message) => ({ ...message }));
      await npm.updateComplete;
      // (Without the focus ring of the field the test typed into.)
      (chat.shadowRoot!.activeElement as HTMLElement | null)?.blur();
      for (const part of ['base', 'log', 'user-message', 'assistant-message', 'composer', 'input', 'send-button', 'status']) {
        const computed = (el: SlmChatElement) => {
          const style = getComputedStyle(el.shadowRoot!.querySelector(`[part~="${part}"]`)!);
          return ['display', 'padding', 'border', 'border-radius', 'background-color', 'color', 'font', 'gap', 'box-shadow'].map(
            (property) => `${property}: ${style.getPropertyValue(property)}`,
          );
        };
        expect(computed(chat), `[part~="${part}"]`).to.deep.equal(computed(npm));
      }
      npm.remove();

    } finally {
      frame.remove();
    }
  });
});
