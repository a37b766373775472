/**
 * Faults on the real model, in the real worker: offline warm loads, damaged caches, the storage
 * check, bad model files, the WebGPU → WebAssembly fallback, manual loading and unloading.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { SlmChatElement, SlmProviderElement, SlmWarningEvent } from '../dist/index.js';
import '../dist/define.js';
import {
  MODEL,
  MODEL_BASE,
  clearModelCache,
  failOnLitDevWarnings,
  referenceGeneration,
  requestCounts,
  resetRequestCounts,
  typeAndSend,
  until,
} from './helpers.js';

const setOffline = (on: boolean) => fetch(`/__offline/${on ? 'on' : 'off'}`, { method: 'POST' });

/** Requests for model files and ONNX Runtime's WebAssembly (probes included) since the last reset. */
async function modelAndRuntimeRequests(): Promise<Record<string, number>> {
  const counts = await requestCounts();
  return Object.fromEntries(Object.entries(counts).filter(([path]) => /^\/models\/|\.wasm( |$)/.test(path)));
}

/** Collects a provider's `slm-warning` codes. */
function warningsOf(target: EventTarget): string[] {
  const codes: string[] = [];
  target.addEventListener('slm-warning', (event) => codes.push((event as SlmWarningEvent).detail.code));
  return codes;
}

/**
 * Loads the tiny model once into an empty Cache Storage (wasm, fp32) and returns the cache entry
 * of one of its files, to be damaged by the test.
 */
async function cachedFile(file: string): Promise<{ cache: Cache; key: Request }> {
  await clearModelCache();
  const warm = await fixture<SlmProviderElement>(
    html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" dtype="fp32"></slm-provider>`,
  );
  await warm.load();
  warm.remove();
  const cache = await caches.open('transformers-cache');
  const key = (await cache.keys()).find((request) => request.url.endsWith(`/models/${MODEL}/${file}`));
  expect(key, `${file} is cached`).to.exist;
  return { cache, key: key! };
}

/** Opens `cdn-page.html` (a plain page with a provider and a chat, `dtype` auto) in an iframe. */
async function openPlainPage(): Promise<{ frame: HTMLIFrameElement; page: Window & typeof globalThis }> {
  const frame = document.createElement('iframe');
  frame.src = '/test/fixtures/cdn-page.html';
  frame.style.cssText = 'width: 600px; height: 500px';
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const page = frame.contentWindow as Window & typeof globalThis;
  await until(() => Boolean(page.customElements.get('slm-chat')), 10_000, 'the elements to be defined');
  return { frame, page };
}

/** Sends a message in the plain page's chat and resolves with the reply. */
async function chatIn(page: Window & typeof globalThis, text: string): Promise<string> {
  const chat = page.document.querySelector('slm-chat') as SlmChatElement;
  await chat.updateComplete;
  const response = new Promise((resolve) => chat.addEventListener('slm-response', resolve, { once: true }));
  await typeAndSend(chat, text);
  await response;
  return chat.messages[1]!.content;
}

describe('faults and recovery (real model)', () => {
  failOnLitDevWarnings();
  afterEach(async () => {
    await setOffline(false);
  });

  it('loads from Cache Storage on a second page load with no model or runtime request, and works offline', async () => {
    await clearModelCache();
    const expected = await referenceGeneration([{ role: 'user', content: 'Offline?' }], 16);

    // First visit: downloads (dtype="auto" on wasm: the folder's manifest lists only fp32 weights).
    const first = await openPlainPage();
    expect(await chatIn(first.page, 'Offline?')).to.equal(expected.text);
    first.frame.remove();

    // Second visit, with the model host and the runtime binaries unreachable.
    await resetRequestCounts();
    await setOffline(true);
    const second = await openPlainPage();
    try {
      expect(await chatIn(second.page, 'Offline?')).to.equal(expected.text);
      // Not one request for weights, tokenizer, config, probes or ONNX Runtime's files.
      expect(await modelAndRuntimeRequests()).to.deep.equal({});
    } finally {
      second.frame.remove();
    }
  });

  it('reports network-error when offline and nothing is cached, and keeps the typed message', async () => {
    await clearModelCache();
    await setOffline(true);
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-chat></slm-chat>
      </slm-provider>
    `);
    const chat = provider.querySelector('slm-chat')!;
    const error = oneEvent(provider, 'slm-error');
    const response = oneEvent(chat, 'slm-response');
    await typeAndSend(chat, 'Are you there?');
    expect((await error).detail.code).to.equal('network-error');
    expect((await response).detail.reason).to.equal('error');
    await chat.updateComplete;
    // The message stays in the transcript (with a retry button) and the error is on screen.
    expect(chat.messages).to.deep.equal([{ role: 'user', content: 'Are you there?' }]);
    const status = chat.shadowRoot!.querySelector('[part="status"]')!.textContent!;
    expect(status).to.contain('could not be downloaded');
    expect(provider.status).to.equal('error');
  });

  it('detects a damaged cached weights file, deletes it, downloads it again and loads', async () => {
    // Damage the cached copy: keep its headers, cut its bytes in half.
    const { cache, key } = await cachedFile('onnx/model.onnx');
    const original = (await cache.match(key))!;
    const bytes = await original.arrayBuffer();
    await cache.put(key, new Response(bytes.slice(0, bytes.byteLength / 2), { headers: original.headers }));

    await resetRequestCounts();
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" dtype="fp32">
        <slm-chat max-new-tokens="12"></slm-chat>
      </slm-provider>
    `);
    const warnings = warningsOf(provider);
    const info = await provider.load();
    expect(info.device).to.equal('wasm');
    expect(warnings).to.deep.equal(['cache-repaired']);
    // Downloaded again, once, and stored whole.
    expect((await requestCounts())[`/models/${MODEL}/onnx/model.onnx`]).to.equal(1);
    const repaired = await (await cache.match(key))!.arrayBuffer();
    expect(repaired.byteLength).to.equal(bytes.byteLength);

    const expected = await referenceGeneration([{ role: 'user', content: 'Repaired?' }], 12);
    const chat = provider.querySelector('slm-chat')!;
    expect(await chat.send('Repaired?')).to.equal(expected.text);
  });

  it('repairs a damaged cached config.json too', async () => {
    const { cache, key } = await cachedFile('config.json');
    await cache.put(key, new Response('{"model_type": "lla', { headers: { 'content-type': 'application/json' } }));

    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" dtype="fp32"></slm-provider>`,
    );
    const warnings = warningsOf(provider);
    await provider.load();
    expect(warnings).to.deep.equal(['cache-repaired']);
    expect(JSON.parse(await (await cache.match(key))!.text()).model_type).to.be.a('string');
  });

  for (const [model, file] of [
    ['slm-bad-config', 'config'],
    ['slm-bad-tokenizer', 'tokenizer'],
  ] as const) {
    it(`reports model-invalid for a malformed ${file} file, in the chat too, without a hang`, async () => {
      await clearModelCache();
      const provider = await fixture<SlmProviderElement>(html`
        <slm-provider model=${model} model-base-url=${MODEL_BASE} device="wasm">
          <slm-chat></slm-chat>
        </slm-provider>
      `);
      const chat = provider.querySelector('slm-chat')!;
      const error = oneEvent(provider, 'slm-error');
      const response = oneEvent(chat, 'slm-response');
      await typeAndSend(chat, `Hello ${file}`);
      const { detail } = await error;
      expect(detail.code).to.equal('model-invalid');
      expect(detail.message).to.contain(model);
      expect((await response).detail.error!.code).to.equal('model-invalid');
      await chat.updateComplete;
      expect(chat.messages).to.deep.equal([{ role: 'user', content: `Hello ${file}` }]);
      expect(chat.shadowRoot!.querySelector('[part="status"]')!.textContent).to.contain('damaged or not in the expected format');
      // The file the host serves does not parse (a damaged cached copy was already repaired once):
      // no Retry that would fail the same way, and the field stays usable.
      expect(chat.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('damaged or not in the expected format');
      expect(chat.shadowRoot!.querySelector('[part="retry-button"]')).to.equal(null);
      expect(chat.shadowRoot!.querySelector('[part="send-button"]')!.hasAttribute('hidden')).to.equal(false);
    });
  }

  it('refuses a download that does not fit the storage quota, before fetching it (quota-exceeded)', async () => {
    await clearModelCache();
    await resetRequestCounts();
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model="slm-huge" model-base-url=${MODEL_BASE} device="wasm" dtype="fp32"></slm-provider>`,
    );
    const error = oneEvent(provider, 'slm-error');
    const rejected = (await provider.load().catch((failure: { code: string }) => failure)) as { code: string };
    expect(rejected.code).to.equal('quota-exceeded');
    const { detail } = await error;
    expect(detail.code).to.equal('quota-exceeded');
    expect(detail.message).to.match(/needs [\d,]+ MB of storage/);
    // Only probed, never downloaded.
    const counts = await requestCounts();
    expect(counts['/models/slm-huge/onnx/model.onnx (range)']).to.be.greaterThan(0);
    expect(counts['/models/slm-huge/onnx/model.onnx']).to.equal(undefined);
    expect(provider.status).to.equal('error');
  });

  it('falls back once from WebGPU to WebAssembly when the model fails to load on WebGPU, and says so', async () => {
    await clearModelCache();
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model="slm-gpu-broken" model-base-url=${MODEL_BASE} device="webgpu">
        <slm-chat max-new-tokens="10"></slm-chat>
      </slm-provider>
    `);
    const warnings: { code: string; message: string }[] = [];
    provider.addEventListener('slm-warning', (event) => warnings.push(event.detail));
    const ready = oneEvent(provider, 'slm-ready');
    await provider.load();
    const { detail } = await ready;
    expect(detail.device).to.equal('wasm');
    expect(detail.dtype).to.equal('q8');
    expect(detail.fallbackReason).to.contain('WebGPU could not load the model');
    expect(detail.capabilities).to.include({ webgpu: true, fallbackAdapter: true });
    expect(provider.capabilities).to.deep.equal(detail.capabilities);
    expect(warnings.map((warning) => warning.code)).to.deep.equal(['device-fallback']);
    expect(warnings[0]!.message).to.contain('WebAssembly');

    // The fallback model answers as the bare pipeline does (same weights as slm-tiny).
    const expected = await referenceGeneration([{ role: 'user', content: 'Fallback?' }], 10);
    expect(await provider.querySelector('slm-chat')!.send('Fallback?')).to.equal(expected.text);
  });

  it('device="auto" skips a fallback (software) adapter and reports why through capabilities', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="auto"></slm-provider>`,
    );
    const info = await provider.load();
    // This machine's only adapter is SwiftShader, a fallback adapter: WebAssembly is faster.
    expect(info.capabilities).to.include({ webgpu: true, fallbackAdapter: true });
    expect(info.device).to.equal('wasm');
    expect(info.fallbackReason).to.equal(undefined);
  });

  it('load="manual": nothing loads, not even a size probe, until load(); a request before it fails clearly', async () => {
    await clearModelCache();
    await resetRequestCounts();
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider load="manual" model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-chat max-new-tokens="8"></slm-chat>
      </slm-provider>
    `);
    const chat = provider.querySelector('slm-chat')!;
    chat.shadowRoot!.querySelector<HTMLTextAreaElement>('[part="input"]')!.focus();
    const response = oneEvent(chat, 'slm-response');
    await typeAndSend(chat, 'Before consent');
    expect((await response).detail.error!.code).to.equal('not-loaded');
    expect(provider.status).to.equal('idle');
    expect(await modelAndRuntimeRequests()).to.deep.equal({});
    expect(chat.messages).to.deep.equal([{ role: 'user', content: 'Before consent' }]);

    await provider.load();
    const expected = await referenceGeneration([{ role: 'user', content: 'Before consent' }], 8);
    expect(await chat.regenerate()).to.equal(expected.text);
  });

  it('load() right after creating the element (before its first update) knows the model', async () => {
    const provider = document.createElement('slm-provider');
    provider.setAttribute('model', MODEL);
    provider.setAttribute('model-base-url', MODEL_BASE);
    provider.setAttribute('device', 'wasm');
    document.body.append(provider);
    try {
      const info = await provider.load();
      expect(info.model).to.equal(MODEL);
    } finally {
      provider.remove();
    }
  });

  it('unload() aborts a download in progress: no slm-ready, no slm-error, and load() works again', async () => {
    await clearModelCache();
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    const events: string[] = [];
    for (const type of ['slm-ready', 'slm-error']) provider.addEventListener(type, () => events.push(type));
    const loading = provider.load();
    await until(() => provider.status === 'loading', 5_000, 'loading');
    provider.unload();
    const failure = (await loading.catch((error: { code: string }) => error)) as { code: string };
    expect(failure.code).to.equal('aborted');
    expect(provider.status).to.equal('idle');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).to.deep.equal([]);
    const info = await provider.load();
    expect(info.model).to.equal(MODEL);
    expect(events).to.deep.equal(['slm-ready']);
  });

  it('clearCache() deletes the model from Cache Storage; isCached() tells', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    await provider.load();
    expect(await provider.isCached()).to.equal(true);
    expect(await provider.clearCache()).to.be.greaterThan(3);
    expect(await provider.isCached()).to.equal(false);
    // The loaded model keeps working from memory.
    expect(provider.status).to.equal('ready');
  });

  it('persist-storage asks the browser to keep the files; a refusal is an slm-warning', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider persist-storage model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    const warnings = warningsOf(provider);
    await provider.load();
    const persisted = await navigator.storage.persisted();
    expect(warnings).to.deep.equal(persisted ? [] : ['storage-not-persisted']);
  });
});
