/**
 * `npm start`'s page without the Hugging Face Hub (issue #18, item 2): it notices at once, offers
 * the bundled model with one short message and one click, moves nothing on the page to do so, and
 * the click answers a message the Hub could not. With the Hub reachable, or the model cached, it
 * offers nothing. Needs `npm run build` and `npm run model`; run with `npm run test:demo`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

const PORT = 8766;
let server;
let browser;

before(async () => {
  server = spawn(process.execPath, ['scripts/serve-demo.mjs'], { env: { ...process.env, PORT: String(PORT) }, stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try {
      await fetch(`http://127.0.0.1:${PORT}/`);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** The demo page with the Hub answering (`reachable`) or not. */
async function demo(reachable) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route('https://huggingface.co/**', (route) =>
    reachable ? route.fulfill({ status: 200, body: '{}', headers: { 'access-control-allow-origin': '*' } }) : route.abort('internetdisconnected'),
  );
  await page.goto(`http://127.0.0.1:${PORT}/?device=wasm`);
  return page;
}

test('the Hub unreachable: one short offer, nothing moves, one click answers with the bundled model', { timeout: 120_000 }, async () => {
  const page = await demo(false);
  const top = () => page.evaluate(() => document.querySelector('.grid').getBoundingClientRect().top);
  const before = await top();
  await page.waitForSelector('#offline:not([hidden])', { timeout: 15_000 });
  assert.equal(await top(), before, 'the page does not move');
  const offer = await page.textContent('#offline');
  assert.match(offer, /can't be reached/);
  assert.ok(offer.trim().length < 80, `one short message: ${offer.trim()}`);

  // A message sent anyway fails once, in the chat; the completion nobody used says nothing.
  await page.evaluate(() => document.querySelector('slm-chat').send('Hello?'));
  const shown = await page.evaluate(() => ({
    chatErrors: document.querySelector('slm-chat').shadowRoot.querySelectorAll('[part="error"]').length,
    completion: document.querySelector('slm-complete:not([for])').shadowRoot.querySelector('[part="status"]').textContent,
  }));
  assert.deepEqual(shown, { chatErrors: 1, completion: '' });

  await page.click('#use-offline');
  assert.equal(await page.getAttribute('#provider', 'model'), 'slm-tiny');
  assert.equal(await page.isHidden('#offline'), true);
  await page.waitForFunction(() => document.querySelector('slm-chat').messages.at(-1)?.role === 'assistant', null, { timeout: 90_000 });
  await page.close();
});

test('the Hub reachable: no offer', { timeout: 60_000 }, async () => {
  const page = await demo(true);
  await page.waitForFunction(() => customElements.get('slm-chat'));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(await page.isHidden('#offline'), true);
  await page.close();
});
