/**
 * Smoke test of the built Storybook (`npm run build-storybook`, then `npm run test:storybook`):
 * serves storybook-static/ and opens story iframes in Chromium, asserting that each element
 * rendered the state the story is about, with no console error and no uncaught exception. Stories
 * on the real engine load the tiny model copied into the build (`npm run model` before building).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { contentType, resolveFile } from '../../scripts/static-files.mjs';

const STATIC = fileURLToPath(new URL('../../storybook-static/', import.meta.url));
const TIMEOUT = 20_000;

/** Text of the first element matching `selector` in `tag`'s shadow root (runs in the page). */
const shadowText = (tag, selector) => document.querySelector(tag)?.shadowRoot?.querySelector(selector)?.textContent ?? '';

/**
 * Each story and what must be on screen. `check` runs in the page until it returns true.
 * `expectedConsole` matches console errors the story causes on purpose (the browser logs a 404
 * for a model that does not exist).
 */
const STORIES = [
  { id: 'elements-slm-chat--empty', check: () => !!document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="input"]') },
  { id: 'elements-slm-chat--conversation', check: () => document.querySelector('slm-chat')?.shadowRoot?.querySelectorAll('[part~="message"]').length === 4 },
  { id: 'elements-slm-chat--replied', check: [shadowText, 'slm-chat', '[part~="assistant-message"] ol', (text) => text.includes('Stream each token')] },
  { id: 'elements-slm-chat--streaming', check: () => !!document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="stop-button"]') },
  { id: 'elements-slm-chat--pending', check: () => !!document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="assistant-message"] [part~="typing-indicator"]') },
  { id: 'elements-slm-chat--loading', check: () => !!document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="assistant-message"] [part~="progress"]') },
  { id: 'elements-slm-chat--loading-for-another-element', check: () => !!document.querySelector('slm-complete')?.shadowRoot?.querySelector('[part~="progress"]') && !document.querySelector('slm-chat').shadowRoot.querySelector('[part~="progress"]') },
  { id: 'elements-slm-chat--offline', check: () => !!document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="error"] [part~="retry-button"]') },
  { id: 'elements-slm-chat--missing-model', check: () => (document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="error"]')?.textContent ?? '').includes('no-such-model') && !document.querySelector('slm-chat').shadowRoot.querySelector('[part~="retry-button"]') },
  { id: 'elements-slm-chat--configuration-error', check: () => (document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="error"]')?.textContent ?? '').includes('device="gpu"') && !document.querySelector('slm-chat').shadowRoot.querySelector('[part~="retry-button"]') },
  { id: 'elements-slm-chat--editing', check: () => !!document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="editing"]') },
  { id: 'elements-slm-chat--themed', check: () => getComputedStyle(document.querySelector('slm-chat')).getPropertyValue('--slm-color-accent').trim() === '#7c3aed' && document.querySelector('slm-chat').shadowRoot.querySelectorAll('[part~="message"]').length === 4 },
  { id: 'elements-slm-chat--dark', check: () => document.querySelector('slm-chat')?.shadowRoot?.querySelectorAll('[part~="message"]').length === 2 * 2 },
  { id: 'elements-slm-chat--right-to-left', check: () => getComputedStyle(document.querySelector('slm-chat')).direction === 'rtl' && !!document.querySelector('slm-chat').shadowRoot.querySelector('[part~="message"]') },
  { id: 'elements-slm-chat--slots', check: () => document.querySelector('slm-chat [slot="empty"]')?.assignedSlot?.name === 'empty' },
  { id: 'elements-slm-complete--idle', check: () => !!document.querySelector('slm-complete')?.shadowRoot?.querySelector('[part~="run-button"]') },
  { id: 'elements-slm-complete--completed', check: [shadowText, 'slm-complete', '[part~="completion"]', (text) => text.includes('salt air')] },
  { id: 'elements-slm-complete--streaming', check: () => !!document.querySelector('slm-complete')?.shadowRoot?.querySelector('[part~="stop-button"]') },
  { id: 'elements-slm-complete--loading', check: () => !!document.querySelector('slm-complete')?.shadowRoot?.querySelector('[part~="progress"]') },
  { id: 'elements-slm-complete--missing-model', check: [shadowText, 'slm-complete', '[part~="status"]', (text) => text.includes('no-such-model')] },
  { id: 'elements-slm-complete--ghost-text', check: [shadowText, 'slm-complete', '[part~="suggestion"]', (text) => text.includes('ship the new search page')] },
  { id: 'elements-slm-complete--ghost-text-input', check: [shadowText, 'slm-complete', '[part~="suggestion"]', (text) => text.includes('quarterly review')] },
  { id: 'elements-slm-complete--right-to-left', check: () => getComputedStyle(document.querySelector('slm-complete')).direction === 'rtl' && (document.querySelector('slm-complete').shadowRoot.querySelector('[part~="completion"]')?.textContent ?? '').includes('الضوء') },
  { id: 'elements-slm-chat--json-replies', check: [shadowText, 'slm-chat', '[part~="code-block"]', (text) => text.includes('"born": "1815-12-10"')] },
  { id: 'elements-slm-chat--tool-calls', check: () => (document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="tool-result"]')?.textContent ?? '').includes('sunny') && document.querySelector('slm-chat').messages.at(-1)?.content.includes('21 °C') },
  { id: 'elements-slm-chat--tool-running', check: [shadowText, 'slm-chat', '[part~="status"]', (text) => text.includes('Running get_weather')] },
  { id: 'elements-slm-complete--json-completion', check: [shadowText, 'slm-complete', '[part~="completion"]', (text) => text.includes('"born": "1815-12-10"')] },
  { id: 'elements-slm-fill--idle', check: () => !!document.querySelector('slm-fill')?.shadowRoot?.querySelector('[part~="fill-button"]') },
  { id: 'elements-slm-fill--filled', check: () => document.querySelector('input[name="email"]')?.value === 'jane.roe@acme.example' && (document.querySelector('slm-fill').shadowRoot.querySelector('[part~="summary"]')?.textContent ?? '').includes('Jane Roe') },
  { id: 'elements-slm-fill--streaming', check: () => !!document.querySelector('slm-fill')?.shadowRoot?.querySelector('[part~="stop-button"]:not([hidden])') },
  { id: 'elements-slm-fill--undone', check: [shadowText, 'slm-fill', '[part~="status"]', (text) => text.includes('undone')] },
  { id: 'elements-slm-fill--loading', check: () => !!document.querySelector('slm-fill')?.shadowRoot?.querySelector('[part~="progress"]') },
  { id: 'elements-slm-fill--missing-form', check: [shadowText, 'slm-fill', '[part~="status"]', (text) => text.includes('no-such-form')] },
  // The real engine: the worker, transformers.js and ONNX Runtime as Vite bundled them, on the tiny model.
  { id: 'elements-slm-provider--preload', check: () => (document.querySelector('output')?.textContent ?? '').includes('slm-ready') },
  { id: 'elements-slm-provider--shared', check: () => (document.querySelector('slm-complete')?.shadowRoot?.querySelector('[part~="completion"]')?.textContent ?? '').length > 0 },
  { id: 'elements-slm-provider--missing-model', expectedConsole: /404/, check: () => (document.querySelector('output')?.textContent ?? '').includes('slm-error model-not-found') },
  { id: 'elements-slm-chat--replied', globals: 'engine:tiny', check: () => (document.querySelector('slm-chat')?.shadowRoot?.querySelector('[part~="assistant-message"] [part~="message-content"]')?.textContent ?? '').length > 0 },
  { id: 'elements-slm-chat--missing-model', globals: 'engine:tiny', expectedConsole: /404/, check: [shadowText, 'slm-chat', '[part~="error"]', (text) => text.includes('no-such-model')] },
  // Constrained decoding on the real engine: XGrammar's WebAssembly in the worker as Vite bundled it.
  { id: 'elements-slm-chat--json-replies', globals: 'engine:tiny', check: [shadowText, 'slm-chat', '[part~="code-block"]', (text) => { try { return typeof JSON.parse(text).born === 'string'; } catch { return false; } }] },
];

let server;
let browser;
let origin;

before(async () => {
  assert.ok(existsSync(STATIC), 'storybook-static/ exists (run `npm run build-storybook` first)');
  server = createServer(async (request, response) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    // Chromium asks for a favicon by itself; its 404 would be logged as a console error.
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    const file = await resolveFile(STATIC, path.endsWith('/') ? `${path}index.html` : path);
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': contentType(file.path), 'Content-Length': file.size });
    createReadStream(file.path).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
});

// Two stories at a time (each in a browser context of its own): most of a story's time is one
// thread busy, Storybook's preview script or the tiny model's worker, and CI has two cores.
describe('the built Storybook', { concurrency: 4 }, () => {
  for (const story of STORIES) {
    test(`story ${story.id}${story.globals ? ` (${story.globals})` : ''} renders its state without console errors`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !story.expectedConsole?.test(message.text())) problems.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
      try {
        const globals = story.globals ? `&globals=${story.globals}` : '';
        await page.goto(`${origin}/iframe.html?id=${story.id}&viewMode=story${globals}`);
        // Polled until true; the story may not have rendered yet, so a check that throws means "not yet".
        const check = Array.isArray(story.check)
          ? `(${story.check[3]})((${story.check[0]})(${JSON.stringify(story.check[1])}, ${JSON.stringify(story.check[2])}))`
          : `(${story.check})()`;
        await page.waitForFunction(`(() => { try { return ${check}; } catch { return false; } })()`, undefined, { timeout: TIMEOUT });
        // Storybook shows its own error overlay when a story's render or play function throws.
        const storyError = await page.evaluate(() => document.body.classList.contains('sb-show-errordisplay'));
        assert.equal(storyError, false, 'Storybook shows no error display');
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});
