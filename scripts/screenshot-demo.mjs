#!/usr/bin/env node
/**
 * Takes screenshots of the demo page in headless Chromium (light and dark), so a change to what
 * users see can be looked at: the page as it opens with the Hugging Face Hub unreachable (the
 * offer of the bundled model, a message sent before taking it, the answer after), then a chat
 * turn, a completion, ghost text and a reply mid-stream on the bundled tiny model.
 *
 *   node scripts/screenshot-demo.mjs [outDir]     (needs `npm run build` and `npm run model`)
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const outDir = process.argv[2] ?? 'screenshots';
const port = 8765;
await mkdir(outDir, { recursive: true });
const server = spawn(process.execPath, ['scripts/serve-demo.mjs'], {
  env: { ...process.env, PORT: String(port) },
  stdio: 'ignore',
});
await new Promise((resolve) => setTimeout(resolve, 800));

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  for (const colorScheme of ['light', 'dark']) {
    // The page as it opens on the Hub model, with the Hub unreachable (as it is offline).
    const offline = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
    await offline.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
    await offline.goto(`http://127.0.0.1:${port}/?device=wasm`);
    await offline.waitForSelector('#offline:not([hidden])');
    await offline.screenshot({ path: `${outDir}/demo-hub-unreachable-${colorScheme}.png` });
    // A message sent anyway: the error once, where it was sent, and the offer still there.
    await offline.evaluate(() => document.querySelector('slm-chat').send('Hello?'));
    await offline.screenshot({ path: `${outDir}/demo-hub-unreachable-sent-${colorScheme}.png` });
    // One click: the bundled model answers the waiting message.
    await offline.click('#use-offline');
    await offline.waitForFunction(() => document.querySelector('slm-chat').messages.at(-1)?.role === 'assistant');
    await offline.waitForFunction(() => !document.querySelector('slm-chat').shadowRoot.querySelector('[part~="stop-button"]:not([hidden])'));
    await offline.screenshot({ path: `${outDir}/demo-offline-model-${colorScheme}.png` });
    await offline.evaluate(() => document.querySelector('slm-chat').clear());
    await offline.close();

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
    await page.goto(`http://127.0.0.1:${port}/?model=slm-tiny&device=wasm`);
    await page.waitForFunction(() => customElements.get('slm-chat'));
    // Each element's interface arrives in a module of its own; `updateComplete` waits for it.
    await page.evaluate(() => Promise.all([...document.querySelectorAll('slm-chat, slm-complete')].map((el) => el.updateComplete)));
    await page.screenshot({ path: `${outDir}/demo-empty-${colorScheme}.png` });
    await page.evaluate(async () => {
      const chat = document.querySelector('slm-chat');
      await chat.send('Hello! What can you do?');
      await document.querySelector('slm-complete').complete();
      chat.shadowRoot.querySelector('textarea').value = '';
    });
    await page.screenshot({ path: `${outDir}/demo-${colorScheme}.png` });
    // Ghost text: caret at the end of the field, a pause, the faint suggestion.
    await page.focus('#ghost-field');
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' we');
    await page.waitForFunction(() => document.querySelector('slm-complete[for]').suggestion?.length > 0, null, {
      timeout: 30000,
    });
    await page.screenshot({ path: `${outDir}/demo-ghost-${colorScheme}.png`, clip: { x: 740, y: 440, width: 500, height: 240 } });
    // Mid-reply: a long reply, caught while it streams (stop button, cursor), then stopped.
    await page.evaluate(() => {
      const chat = document.querySelector('slm-chat');
      chat.maxNewTokens = 1500;
      window.__reply = chat.send('And now a long answer, please.');
    });
    await page.waitForFunction(() => document.querySelector('slm-chat').messages.at(-1)?.content.length > 200);
    await page.screenshot({ path: `${outDir}/demo-streaming-${colorScheme}.png` });
    await page.evaluate(() => document.querySelector('slm-chat').stop());
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
console.log(`screenshots in ${outDir}/`);
