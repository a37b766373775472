/**
 * Model delivery over networks that break (issue #16), on the real model in the real worker, with
 * the test server's delivery faults (`test/server/model-delivery.mjs`): transfers cut at 30 % and
 * 70 %, a server that ignores `Range`, corrupted bytes under a declared SHA-256, a host that goes
 * away, Hub-style redirects, a page that ends its worker mid-download.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { SlmProviderElement } from '../dist/index.js';
import '../dist/define.js';
import { MODEL, MODEL_BASE, clearModelCache, failOnLitDevWarnings, referenceGeneration, until } from './helpers.js';

const WEIGHTS = `/models/${MODEL}/onnx/model.onnx`;

/** Sets the server's delivery faults (see model-delivery.mjs) and resets its byte counts. */
async function deliver(query = ''): Promise<void> {
  await fetch(`/__delivery${query ? `?${query}` : ''}`, { method: 'POST' });
}

/** What the server sent since the last `deliver()`. */
async function delivered(): Promise<{ bytes: Record<string, number>; requests: Record<string, string[]> }> {
  return (await fetch('/__delivery')).json();
}

/** The size of the tiny model's weights, from its manifest. */
async function weightsSize(): Promise<number> {
  const manifest = await (await fetch(`/models/${MODEL}/manifest.json`)).json();
  return manifest.files['onnx/model.onnx'].size;
}

/** A provider (wasm, fp32) with a chat, not yet loading. */
async function providerWithChat(): Promise<SlmProviderElement> {
  return fixture<SlmProviderElement>(html`
    <slm-provider load="manual" model=${MODEL} model-base-url=${MODEL_BASE} device="wasm" dtype="fp32">
      <slm-chat max-new-tokens="10"></slm-chat>
    </slm-provider>
  `);
}

/** The chat's reply equals a bare pipeline's. */
async function expectSameOutput(provider: SlmProviderElement, prompt: string): Promise<void> {
  const expected = await referenceGeneration([{ role: 'user', content: prompt }], 10);
  expect(await provider.querySelector('slm-chat')!.send(prompt)).to.equal(expected.text);
}

/** The `loaded` figures of every `slm-progress` of `provider`. */
function progressOf(provider: SlmProviderElement): number[] {
  const loaded: number[] = [];
  provider.addEventListener('slm-progress', (event) => loaded.push(event.detail.loaded));
  return loaded;
}

const increasing = (values: number[]) => values.every((value, i) => i === 0 || value >= values[i - 1]!);

describe('model delivery over broken networks', () => {
  failOnLitDevWarnings();
  beforeEach(async () => {
    await clearModelCache();
  });
  afterEach(async () => {
    await deliver();
  });

  it('resumes a transfer cut at 30 % and at 70 % with Range requests: ≤ 1.15× the bytes, same output', async () => {
    await deliver('break=0.3,0.7');
    const provider = await providerWithChat();
    const loaded = progressOf(provider);
    await provider.load();
    const size = await weightsSize();
    const { bytes, requests } = await delivered();
    // The whole file once, then the rest from where each cut left it.
    expect(requests[WEIGHTS]!.map((r) => r.split(' ')[0])).to.deep.equal(['200', '206', '206']);
    // Each resume starts at most where the cut was (the last bytes before a cut may not arrive).
    const [, second, third] = requests[WEIGHTS]!.map((r) => Number(/bytes=(\d+)-/.exec(r)?.[1] ?? 0));
    expect(second).to.be.within(Math.floor(size * 0.3) - 16_384, Math.floor(size * 0.3));
    expect(third).to.be.within(Math.floor(size * 0.7) - 16_384, Math.floor(size * 0.7));
    expect(bytes[WEIGHTS]).to.be.at.most(1.15 * size);
    expect(increasing(loaded), `progress ${loaded.join(', ')}`).to.equal(true);
    await expectSameOutput(provider, 'Resumed?');
  });

  it('a server that ignores Range: each cut restarts the file, which still loads', async () => {
    await deliver('break=0.3,0.7&ranges=0');
    const provider = await providerWithChat();
    const loaded = progressOf(provider);
    await provider.load();
    const { requests } = await delivered();
    // Asked to resume, answered with the whole file each time (200).
    expect(requests[WEIGHTS]!.map((r) => r.split(' ')[0])).to.deep.equal(['200', '200', '200']);
    expect(requests[WEIGHTS]![1]).to.match(/bytes=\d+-/);
    expect(increasing(loaded), `progress ${loaded.join(', ')}`).to.equal(true);
    await expectSameOutput(provider, 'Restarted?');
  });

  it('follows Hub-style redirects to a CDN and resumes there', async () => {
    await deliver('break=0.3,0.7&redirect=1');
    const provider = await providerWithChat();
    await provider.load();
    const { requests, bytes } = await delivered();
    expect(requests[WEIGHTS]!.map((r) => r.split(' ')[0])).to.deep.equal(['302', '200', '302', '206', '302', '206']);
    expect(bytes[WEIGHTS], requests[WEIGHTS]!.join(', ')).to.be.at.most(1.15 * (await weightsSize()));
    await expectSameOutput(provider, 'Redirected?');
  });

  it('a page that ends its worker mid-download (a reload) continues from the bytes kept', async () => {
    const size = await weightsSize();
    await deliver(`rate=${Math.round(size / 4)}`);
    const first = await providerWithChat();
    const firstProgress: { loaded: number; file?: string }[] = [];
    first.addEventListener('slm-progress', (event) => firstProgress.push(event.detail));
    const abandoned = first.load().catch((error: { code: string }) => error.code);
    await until(() => firstProgress.some((p) => p.file === 'onnx/model.onnx' && p.loaded > size * 0.5), 30_000, 'half the weights');
    // The worker ends as it does when the tab closes or reloads.
    first.unload();
    expect(await abandoned).to.equal('aborted');
    first.remove();

    await deliver();
    const second = await providerWithChat();
    // What is still to download counts the bytes kept.
    expect(await second.downloadSize()).to.be.below(size * 0.7);
    const weightsProgress: number[] = [];
    second.addEventListener('slm-progress', (event) => {
      if (event.detail.file === 'onnx/model.onnx') weightsProgress.push(event.detail.loaded);
    });
    await second.load();
    const { requests, bytes } = await delivered();
    expect(requests[WEIGHTS]).to.have.length(1);
    const resumedAt = Number(/206 bytes=(\d+)-/.exec(requests[WEIGHTS]![0]!)?.[1]);
    expect(resumedAt).to.be.greaterThan(size * 0.3);
    expect(bytes[WEIGHTS]).to.equal(size - resumedAt);
    // The weights' progress starts from the bytes kept, not from zero.
    expect(weightsProgress[0]).to.be.at.least(resumedAt);
    await expectSameOutput(second, 'Reloaded?');
  });

  it('clearCache() deletes the bytes of an unfinished download too', async () => {
    const size = await weightsSize();
    await deliver(`rate=${Math.round(size / 4)}`);
    const provider = await providerWithChat();
    let weights = 0;
    provider.addEventListener('slm-progress', (event) => {
      if (event.detail.file === 'onnx/model.onnx') weights = event.detail.loaded;
    });
    const abandoned = provider.load().catch(() => {});
    await until(() => weights > size * 0.4, 30_000, 'part of the weights');
    provider.unload();
    await abandoned;
    expect(await (await caches.open('slm-download-parts')).keys()).to.not.deep.equal([]);
    await provider.clearCache();
    expect(await (await caches.open('slm-download-parts')).keys()).to.deep.equal([]);
    expect(await provider.downloadSize()).to.be.above(size);
  });

  it('a real page reload mid-download continues from the bytes kept (script-tag page in a frame)', async () => {
    const size = await weightsSize();
    await deliver(`rate=${Math.round(size / 4)}`);
    const frame = document.createElement('iframe');
    frame.src = '/test/fixtures/cdn-page.html';
    document.body.append(frame);
    try {
      const opened = async () => {
        await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
        const page = frame.contentWindow as Window & typeof globalThis;
        await until(() => Boolean(page.customElements.get('slm-provider')), 10_000, 'the elements');
        return page.document.querySelector('slm-provider') as SlmProviderElement;
      };
      const first = await opened();
      let weights = 0;
      first.addEventListener('slm-progress', (event) => {
        if (event.detail.file === 'onnx/model.onnx') weights = event.detail.loaded;
      });
      void first.load().catch(() => {});
      await until(() => weights > size * 0.5, 30_000, 'half the weights');
      const reloaded = opened();
      frame.contentWindow!.location.reload();
      const second = await reloaded;
      await deliver();
      await second.load();
      const { requests, bytes } = await delivered();
      expect(requests[WEIGHTS]).to.have.length(1);
      const resumedAt = Number(/206 bytes=(\d+)-/.exec(requests[WEIGHTS]![0]!)?.[1]);
      expect(resumedAt).to.be.greaterThan(size * 0.3);
      expect(bytes[WEIGHTS]).to.equal(size - resumedAt);
    } finally {
      frame.remove();
    }
  });

  it('pauseDownload() stops the transfer and keeps its bytes; resumeDownload() continues with a Range request', async () => {
    const size = await weightsSize();
    await deliver(`rate=${Math.round(size / 4)}`);
    const provider = await providerWithChat();
    const progress: { loaded: number; file?: string; paused?: boolean }[] = [];
    provider.addEventListener('slm-progress', (event) => progress.push(event.detail));
    const loading = provider.load();
    await until(() => progress.some((p) => p.file === 'onnx/model.onnx' && p.loaded > size * 0.3), 30_000, 'a third of the weights');
    provider.pauseDownload();
    expect(progress.at(-1)!.paused).to.equal(true);
    expect(provider.status).to.equal('loading');
    // Nothing more arrives while paused.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const atPause = (await delivered()).bytes[WEIGHTS]!;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await delivered()).bytes[WEIGHTS]).to.equal(atPause);
    expect(provider.status).to.equal('loading');

    provider.resumeDownload();
    expect(progress.at(-1)!.paused).to.equal(undefined);
    await loading;
    const { requests, bytes } = await delivered();
    expect(requests[WEIGHTS]!.map((r) => r.split(' ')[0])).to.deep.equal(['200', '206']);
    // (`loaded` above counts the small files too: the weights held at the pause are a little less.)
    expect(Number(/bytes=(\d+)-/.exec(requests[WEIGHTS]![1]!)?.[1])).to.be.greaterThan(size * 0.25);
    expect(bytes[WEIGHTS]).to.be.at.most(1.15 * size);
    const loaded = progress.map((p) => p.loaded);
    expect(increasing(loaded), `progress ${loaded.join(', ')}`).to.equal(true);
    await expectSameOutput(provider, 'Paused?');
  });

  it("the chat's status line pauses and resumes the download (part=\"pause-button\")", async () => {
    const size = await weightsSize();
    await deliver(`rate=${Math.round(size / 4)}`);
    const provider = await providerWithChat();
    const chat = provider.querySelector('slm-chat')!;
    // The chat shows the download where its user waits: in the reply its message waits for
    // (load="manual": the page starts the load, the message waits for it).
    const load = provider.load();
    const loading = chat.send('Is it coming?');
    const button = () => chat.shadowRoot!.querySelector<HTMLButtonElement>('[part="pause-button"]');
    await until(() => Boolean(button()), 30_000, 'the pause button');
    expect(button()!.textContent!.trim()).to.equal('Pause');
    button()!.click();
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('[part="status"]')!.textContent).to.equal(`Download of ${MODEL} paused.`);
    expect(button()!.textContent!.trim()).to.equal('Resume');
    expect(button()!.getAttribute('aria-pressed')).to.equal('true');
    await expect(chat).to.be.accessible();
    button()!.click();
    await load;
    expect(await loading).to.be.a('string').and.not.equal('');
    await chat.updateComplete;
    expect(button()).to.equal(null);
  });

  it('two engines of one origin loading the same model at once fetch its weights once (Web Locks)', async () => {
    const size = await weightsSize();
    await deliver(`rate=${size}`);
    const first = await providerWithChat();
    const second = await providerWithChat();
    await Promise.all([first.load(), second.load()]);
    const { bytes, requests } = await delivered();
    expect(requests[WEIGHTS]).to.deep.equal(['200 -']);
    expect(bytes[WEIGHTS]).to.equal(size);
    await expectSameOutput(second, 'Shared?');
  });

  it('a corrupted transfer under a declared SHA-256 is discarded and downloaded once more', async () => {
    await deliver('corrupt=1');
    const provider = await providerWithChat();
    await provider.load();
    const { requests } = await delivered();
    expect(requests[WEIGHTS]).to.deep.equal(['200 -', '200 -']);
    await expectSameOutput(provider, 'Verified?');
  });

  it("without a manifest, the SHA-256 the host states in X-Linked-ETag (as the Hub does) is checked", async () => {
    await deliver('corrupt=2');
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model="slm-plain" model-base-url=${MODEL_BASE} device="wasm" dtype="fp32"></slm-provider>`,
    );
    const failure = (await provider.load().catch((error: { code: string }) => error)) as { code: string };
    expect(failure.code).to.equal('integrity');
    const requests = (await delivered()).requests['/models/slm-plain/onnx/model.onnx']!;
    expect(requests.filter((r) => r !== '206 bytes=0-0')).to.deep.equal(['200 -', '200 -']);
  });

  it('a second corrupted transfer fails with integrity, and nothing of the file is used or kept', async () => {
    await deliver('corrupt=2');
    const provider = await providerWithChat();
    const failure = (await provider.load().catch((error: { code: string; message: string }) => error)) as {
      code: string;
      message: string;
    };
    expect(failure.code).to.equal('integrity');
    expect(failure.message).to.contain('onnx/model.onnx');
    const { requests } = await delivered();
    expect(requests[WEIGHTS]).to.deep.equal(['200 -', '200 -']);
    const cached = await (await caches.open('transformers-cache')).match(new URL(WEIGHTS, location.href).href);
    expect(cached).to.equal(undefined);
    expect(await (await caches.open('slm-download-parts')).keys()).to.deep.equal([]);
  });

  it('gives up with network-error when the host stays away, keeps the bytes, and a later load resumes', async function () {
    this.timeout(180_000);
    await deliver('down-after=0.5');
    const provider = await providerWithChat();
    const started = performance.now();
    const failure = (await provider.load().catch((error: { code: string; message: string }) => error)) as {
      code: string;
      message: string;
    };
    const waited = performance.now() - started;
    expect(failure.code).to.equal('network-error');
    expect(failure.message).to.contain('continues from there');
    // Bounded: about 30 s without a byte (plus the last wait), not forever.
    expect(waited).to.be.within(25_000, 60_000);

    await deliver();
    await provider.load();
    const { requests } = await delivered();
    expect(requests[WEIGHTS]).to.have.length(1);
    expect(requests[WEIGHTS]![0]).to.match(/^206 bytes=\d+-$/);
    await expectSameOutput(provider, 'Back?');
  });
});

describe('checks before downloading', () => {
  failOnLitDevWarnings();
  beforeEach(async () => {
    await clearModelCache();
    await deliver('files=.');
  });
  afterEach(async () => {
    await deliver();
  });

  /** Requests for weights (probes included) since the last `deliver()`. */
  const weightRequests = async (model: string) =>
    Object.keys((await delivered()).requests).filter((path) => path.startsWith(`/models/${model}/onnx/`));

  it('refuses weights larger than WebAssembly memory (model-too-large) and names the dtype that fits, before any weights request', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model="slm-giant" model-base-url=${MODEL_BASE} device="wasm" dtype="fp32"></slm-provider>`,
    );
    const failure = (await provider.load().catch((error: { code: string; message: string }) => error)) as {
      code: string;
      message: string;
    };
    expect(failure.code).to.equal('model-too-large');
    expect(failure.message).to.contain('4 GiB');
    expect(failure.message).to.contain('dtype="q4f16" (3.6 GB of weights) would fit');
    expect(await weightRequests('slm-giant')).to.deep.equal([]);
  });

  it('dtype="auto" passes over precisions that cannot fit, and says so when none of the device\'s can', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model="slm-giant" model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    const failure = (await provider.load().catch((error: { code: string }) => error)) as { code: string; message: string };
    expect(failure.code).to.equal('model-too-large');
    expect(failure.message).to.contain('q4f16');
    expect(await weightRequests('slm-giant')).to.deep.equal([]);
  });

  it("refuses a tensor larger than the GPU's largest buffer, then checks WebAssembly, before any weights request", async () => {
    // This machine's adapter (SwiftShader) allows buffers of 1 GiB; the giant's fp32 embedding is 2.1 GB.
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model="slm-giant" model-base-url=${MODEL_BASE} device="webgpu" dtype="fp32"></slm-provider>`,
    );
    const warnings: string[] = [];
    provider.addEventListener('slm-warning', (event) => warnings.push(`${event.detail.code}: ${event.detail.message}`));
    const failure = (await provider.load().catch((error: { code: string }) => error)) as { code: string; message: string };
    expect(failure.code).to.equal('model-too-large');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/^device-fallback: .*largest fp32 tensor .* is larger than this GPU's largest buffer \(1\.1 GB\)/);
    expect(await weightRequests('slm-giant')).to.deep.equal([]);
  });

  it('refuses a download larger than the storage quota (quota-exceeded) before a byte of weights is sent', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model="slm-huge" model-base-url=${MODEL_BASE} device="wasm" dtype="fp32"></slm-provider>`,
    );
    const failure = (await provider.load().catch((error: { code: string }) => error)) as { code: string };
    expect(failure.code).to.equal('quota-exceeded');
    const { bytes } = await delivered();
    expect(Object.keys(bytes).filter((path) => path.includes('/onnx/'))).to.deep.equal([]);
  });
});
