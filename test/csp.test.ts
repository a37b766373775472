/**
 * The script-tag bundle under a strict Content-Security-Policy and loaded from another origin.
 *
 * Pages come from `test/fixtures/csp/`, served by `test/server/csp-pages.mjs` with the policy each
 * test states (plus a `report-uri`, so that violations in the page *and in the model worker* reach
 * the server). The "CDN" is the same server reached as `127.0.0.1`, another origin for a page on
 * `localhost`. docs/csp.md explains every source in the policies proven here.
 */
import { expect } from '@open-wc/testing';
import type { SlmChatElement } from '../dist/index.js';
import { clearModelCache, failOnLitDevWarnings, referenceGeneration, requestCounts, typeInto, until } from './helpers.js';

/** The second origin, which serves `/dist/cdn/` and `/models/` with CORS like a public CDN. */
const CDN = `http://127.0.0.1:${location.port}`;

/**
 * The strictest policy that works with the bundle on the page's own origin. (No `blob:`: the
 * engine turns off transformers.js' WebAssembly cache, which would hand ONNX Runtime its loader
 * as a `blob:` module; see src/engine/worker/model-files.ts `configureEnvironment`.)
 */
const SAME_ORIGIN_POLICY = `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`;

/**
 * The strictest policy that works with the bundle and the model on the CDN. `'self'` in
 * `script-src` is only for the page's own script (the violation recorder).
 */
function cdnPolicy({ script = `'self' ${CDN} 'wasm-unsafe-eval'`, worker = `blob: ${CDN}`, connect = CDN } = {}) {
  return `default-src 'self'; script-src ${script}; worker-src ${worker}; style-src 'self'; connect-src ${connect}`;
}

/** A violation report as Chromium posts it to `report-uri`. */
interface CspReport {
  'document-uri': string;
  'effective-directive': string;
  'blocked-uri': string;
  'source-file'?: string;
}

/** What a chat in a fixture page did with one message. */
type Outcome =
  | { kind: 'response'; text: string }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'timeout' };

interface Visit {
  outcome: Outcome;
  /** URLs the page started workers with. */
  workers: string[];
  /** Every violation reported to the server (page and worker), once reporting is known to be live. */
  reports: CspReport[];
  /** Violations seen by the page's own `securitypolicyviolation` listener. */
  pageViolations: { directive: string; blocked: string; source: string }[];
  /** Paths the CDN origin served. */
  cdn: Record<string, number>;
}

/** Reports the test should care about: all but the sentinel. */
function unexpected(reports: CspReport[]): CspReport[] {
  return reports.filter((report) => !report['blocked-uri'].includes('/csp-sentinel'));
}

/**
 * Opens a fixture page under `policy`, sends one chat message, and waits for the reply or an
 * error (a hang is reported as `timeout`, which every test rejects).
 */
async function visit(fixture: 'same-origin.html' | 'cross-origin.html', policy: string | null): Promise<Visit> {
  // Cache Storage is shared by every page of this origin: without this, ONNX Runtime's files and
  // the model would come from the cache and a policy that blocks their download would pass.
  await clearModelCache();
  await fetch('/__csp-reports/reset', { method: 'POST' });
  await fetch('/__cdn-requests/reset', { method: 'POST' });
  const frame = document.createElement('iframe');
  frame.src = `/test/fixtures/csp/${fixture}${policy === null ? '' : `?csp=${encodeURIComponent(policy)}`}`;
  frame.style.cssText = 'width: 600px; height: 600px';
  document.body.append(frame);
  try {
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    const page = frame.contentWindow as Window &
      typeof globalThis & { cspViolations: { directive: string; blocked: string; source: string }[] };
    await until(() => Boolean(page.customElements.get('slm-chat')), 10_000, 'the elements to be defined');

    // The engine starts its worker on first use, after this; record how.
    const workers: string[] = [];
    const PageWorker = page.Worker;
    page.Worker = class extends PageWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        workers.push(String(url));
        super(url, options);
      }
    };

    const chat = page.document.querySelector('slm-chat') as SlmChatElement;
    const provider = page.document.querySelector('slm-provider')!;
    await chat.updateComplete;
    await typeInto(chat, 'Hi from a strict page');
    let timer = 0;
    const outcome = await new Promise<Outcome>((resolve) => {
      // After a failure the transcript holds only the user's message (the empty reply is dropped).
      chat.addEventListener('slm-response', () => resolve({ kind: 'response', text: chat.messages[1]?.content ?? '' }));
      // The provider reports load failures; the chat's own errors bubble to it.
      provider.addEventListener('slm-error', (event) => resolve({ kind: 'error', ...(event as CustomEvent).detail }));
      timer = window.setTimeout(() => resolve({ kind: 'timeout' }), 60_000);
      chat.shadowRoot!.querySelector<HTMLButtonElement>('[part="send-button"]')!.click();
    });
    clearTimeout(timer);

    // Reports travel separately from the page. A sentinel violation (an image, which the policies'
    // default-src refuses) proves reporting is live for this page; the worker's reports were sent
    // during loading, long before.
    let reports: CspReport[] = [];
    if (policy !== null) {
      const sentinel = page.document.createElement('img');
      sentinel.src = `${CDN}/csp-sentinel.png`;
      page.document.body.append(sentinel);
      await until(() => page.cspViolations.some((violation) => violation.blocked.includes('/csp-sentinel')), 5_000, 'the sentinel violation');
      const start = performance.now();
      while (!reports.some((report) => report['blocked-uri'].includes('/csp-sentinel'))) {
        if (performance.now() - start > 5_000) throw new Error('The sentinel violation was never reported');
        await new Promise((resolve) => setTimeout(resolve, 50));
        reports = await (await fetch('/__csp-reports')).json();
      }
    }
    return {
      outcome,
      workers,
      reports,
      pageViolations: page.cspViolations.filter((violation) => !violation.blocked.includes('/csp-sentinel')),
      cdn: await (await fetch('/__cdn-requests')).json(),
    };
  } finally {
    frame.remove();
  }
}

describe('the script-tag bundle under a Content-Security-Policy', () => {
  failOnLitDevWarnings();

  let expected: string;
  before(async () => {
    expected = (await referenceGeneration([{ role: 'user', content: 'Hi from a strict page' }], 16)).text;
  });

  it('answers under a strict policy on its own origin, with no violation in the page or the worker', async () => {
    const { outcome, workers, reports, pageViolations } = await visit('same-origin.html', SAME_ORIGIN_POLICY);
    expect(outcome).to.deep.equal({ kind: 'response', text: expected });
    // A same-origin worker, so it runs under the policy its own script was served with.
    expect(workers).to.deep.equal([new URL('/dist/cdn/slm-worker.js', location.href).href]);
    expect(unexpected(reports)).to.deep.equal([]);
    expect(pageViolations).to.deep.equal([]);
  });

  it('starts its worker through a blob: module when loaded from another origin', async () => {
    const before = await requestCounts();
    const { outcome, workers, cdn } = await visit('cross-origin.html', null);
    expect(outcome).to.deep.equal({ kind: 'response', text: expected });
    expect(workers).to.have.length(1);
    expect(workers[0]).to.match(new RegExp(`^blob:${location.origin}/`));
    // The blob: module imported the worker from the CDN, which also served ONNX Runtime and the model.
    for (const path of [
      '/dist/cdn/slm-elements.js',
      '/dist/cdn/slm-worker.js',
      '/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.mjs',
      '/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.wasm',
      '/models/slm-tiny/onnx/model.onnx',
    ]) {
      expect(cdn, path).to.have.property(path);
    }
    // Nothing of the library or the model came from the page's own origin: the request log counts
    // both origins by path, and all its requests for these paths were the CDN's.
    const after = await requestCounts();
    const own = (counts: Record<string, number>) =>
      Object.entries(counts)
        .filter(([path]) => /^\/(dist|models)\//.test(path))
        .reduce((sum, [, count]) => sum + count, 0);
    expect(own(after) - own(before)).to.equal(own(cdn));
  });

  it('answers under a strict policy with the bundle and the model on another origin', async () => {
    const { outcome, workers, reports, pageViolations, cdn } = await visit('cross-origin.html', cdnPolicy());
    expect(outcome).to.deep.equal({ kind: 'response', text: expected });
    expect(workers[0]).to.match(/^blob:/);
    expect(cdn).to.have.property('/dist/cdn/ort/ort-wasm-simd-threaded.asyncify.wasm');
    expect(unexpected(reports)).to.deep.equal([]);
    expect(pageViolations).to.deep.equal([]);
  });

  describe('every source of those policies is needed (the policy really is enforced)', () => {
    it("without 'wasm-unsafe-eval' the worker cannot compile ONNX Runtime, and the provider says so", async () => {
      const policy = SAME_ORIGIN_POLICY.replace(" 'wasm-unsafe-eval'", '');
      const { outcome, reports } = await visit('same-origin.html', policy);
      expect(outcome.kind).to.equal('error');
      const error = outcome as Extract<Outcome, { kind: 'error' }>;
      expect(error.code).to.equal('load-failed');
      expect(error.message).to.match(/WebAssembly/).and.to.match(/Content Security Policy/i).and.to.match(/unsafe-eval/);
      // Reported by the worker itself: its script's response carried the policy.
      expect(unexpected(reports).map((report) => [report['document-uri'], report['blocked-uri']])).to.deep.include([
        new URL('/dist/cdn/slm-worker.js', location.href).href,
        'wasm-eval',
      ]);
    });

    it("with worker-src 'none' a same-origin worker cannot start either, and the provider names the script", async () => {
      const { outcome, reports } = await visit('same-origin.html', `${SAME_ORIGIN_POLICY}; worker-src 'none'`);
      expect(outcome).to.include({ kind: 'error', code: 'worker-failed' });
      const worker = new URL('/dist/cdn/slm-worker.js', location.href).href;
      expect((outcome as { message: string }).message).to.include(`The model worker script ${worker} could not be loaded`);
      expect((outcome as { message: string }).message).to.include(`allows ${location.origin} in worker-src`);
      expect(unexpected(reports).map((report) => [report['effective-directive'], report['blocked-uri']])).to.deep.equal([
        ['worker-src', worker],
      ]);
    });

    it('without blob: in worker-src the page cannot start the worker, and the provider says what to allow', async () => {
      const { outcome, reports, cdn } = await visit('cross-origin.html', cdnPolicy({ worker: CDN }));
      expect(outcome).to.include({ kind: 'error', code: 'worker-failed' });
      expect((outcome as { message: string }).message).to.include(`allow both blob: and ${CDN} in worker-src`);
      expect(unexpected(reports).map((report) => [report['effective-directive'], report['blocked-uri']])).to.deep.equal([
        ['worker-src', 'blob'],
      ]);
      expect(cdn).not.to.have.property('/dist/cdn/slm-worker.js');
    });

    it('without the CDN in worker-src the blob: module cannot import the worker script', async () => {
      const { outcome, reports, cdn } = await visit('cross-origin.html', cdnPolicy({ worker: 'blob:' }));
      expect(outcome).to.include({ kind: 'error', code: 'worker-failed' });
      expect((outcome as { message: string }).message).to.include(`allow both blob: and ${CDN} in worker-src`);
      // Refused before any request, and Chromium files no report for it; script-src allowed the CDN
      // and the blob: worker itself was allowed, so only worker-src, which governs a module
      // worker's static imports, can have refused it.
      expect(cdn).not.to.have.property('/dist/cdn/slm-worker.js');
      expect(unexpected(reports)).to.deep.equal([]);
    });

    it('without the CDN in connect-src the worker cannot download the model', async () => {
      const { outcome, reports } = await visit('cross-origin.html', cdnPolicy({ connect: "'self'" }));
      expect(outcome).to.include({ kind: 'error', code: 'network-error' });
      expect((outcome as { message: string }).message).to.include('connect-src');
      const refused = unexpected(reports).filter((report) => report['effective-directive'] === 'connect-src');
      expect(refused).not.to.be.empty;
      // From the blob: worker (which reports its document as "blob"), for the first file it
      // fetches: ONNX Runtime's binary (fetched alongside config and tokenizer) or a model file.
      expect(refused[0]!['document-uri']).to.equal('blob');
      expect(refused[0]!['blocked-uri']).to.match(new RegExp(`^${CDN}/(models/slm-tiny/|dist/cdn/ort/)`));
    });
  });
});
