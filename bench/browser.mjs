/**
 * Runner-side browser plumbing: launching Debian's Chromium through playwright-core (never a
 * downloaded browser), opening bench pages, and what can only be measured from outside a page:
 * DevTools metrics (main-thread task time), JS heaps of the page and its workers, process memory.
 */
import { readdir, readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';


/** Launches Chromium (`CHROMIUM_PATH`, default `/usr/bin/chromium`). */
export async function launchBrowser(extraArgs = []) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return browser;
}

/**
 * Opens the bench page in a fresh browser context (empty Cache Storage and HTTP cache), or in
 * `context` (a second visit), with a DevTools session on the page and `Performance` metrics
 * enabled. Page errors are printed. `isolated` serves the page cross-origin isolated (finer
 * timers; never for pages that run a model, see server.mjs).
 */
export async function openBenchPage(browser, origin, context = undefined, { isolated = false } = {}) {
  context ??= await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`  [page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/favicon|status of 404/.test(message.text())) console.error(`  [console] ${message.text()}`);
  });
  await page.goto(`${origin}/bench/pages/bench.html${isolated ? '?isolated' : ''}`);
  await page.waitForFunction(() => Boolean(window.bench && customElements.get('slm-chat')));
  const cdp = await context.newCDPSession(page);
  // Wall-clock task durations (the default `timeTicks`): how long the main thread was taken.
  await cdp.send('Performance.enable');
  return { context, page, cdp };
}

/** Named DevTools `Performance.getMetrics` values of the page (`TaskDuration` is main-thread seconds). */
export async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map(({ name, value }) => [name, value]));
}

/**
 * Memory after a full garbage collection: the page's JS heap, each dedicated worker's JS heap
 * plus its ArrayBuffer backing stores, the worker count, and the resident memory of the page's
 * renderer process (the largest renderer: the bench opens one page at a time), which includes
 * the workers' WebAssembly memory where the model weights live.
 */
export async function memory(browser, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const main = await cdp.send('Runtime.getHeapUsage');
  const session = await browser.newBrowserCDPSession();
  try {
    const usages = await collectWorkerGarbage(session, ['worker']);
    const workerHeap = usages.reduce((sum, usage) => sum + (usage.usedSize ?? 0), 0);
    const workerBuffers = usages.reduce((sum, usage) => sum + (usage.backingStorageSize ?? 0), 0);
    // Resident memory moves by hundreds of MB right after a collection (the allocator returns
    // pages lazily): the median of a few samples.
    const samples = [];
    for (let i = 0; i < 5; i++) {
      if (i) await new Promise((resolve) => setTimeout(resolve, 300));
      let largest = 0;
      for (const pid of await rendererPids(session)) {
        const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
        largest = Math.max(largest, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024);
      }
      samples.push(largest);
    }
    const rendererRss = samples.sort((a, b) => a - b)[samples.length >> 1];
    return {
      workers: usages.length,
      mainHeapBytes: main.usedSize,
      mainBuffersBytes: main.backingStorageSize ?? 0,
      workerHeapBytes: workerHeap,
      workerBuffersBytes: workerBuffers,
      rendererRssBytes: rendererRss || null,
    };
  } finally {
    await session.detach().catch(() => {});
  }
}

/** PIDs of the browser's renderer processes (tabs, workers), from a browser-level DevTools `session`. */
export async function rendererPids(session) {
  const { processInfo } = await session.send('SystemInfo.getProcessInfo');
  return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
}

/**
 * CPU time (ms, user + system) and minor page faults per thread name, summed over the processes
 * `pids` (Linux /proc/<pid>/task/<tid>/stat).
 */
export async function threadStats(pids) {
  const out = {};
  for (const pid of pids) {
    const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
    for (const tid of tasks) {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
      if (!stat) continue;
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const entry = (out[name] ??= { cpuMs: 0, minorFaults: 0 });
      // minflt, then utime + stime in clock ticks (100 per second on Linux).
      entry.minorFaults += Number(fields[7]);
      entry.cpuMs += (Number(fields[11]) + Number(fields[12])) * 10;
    }
  }
  return out;
}

/**
 * Collects the garbage of every worker of the browser of `types` (DevTools target types:
 * `worker` for dedicated workers, `shared_worker`) and returns each one's `Runtime.getHeapUsage`
 * after it. A page's `HeapProfiler.collectGarbage` reaches only the page's own heap; a worker that
 * just loaded a model still holds the downloaded file's bytes until its next collection.
 */
async function collectWorkerGarbage(session, types) {
  const { targetInfos } = await session.send('Target.getTargets');
  const workers = targetInfos.filter((target) => types.includes(target.type));
  // Non-flat sessions: playwright's CDPSession cannot address flat child sessions directly.
  const pending = new Map();
  let nextId = 1;
  session.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message);
    pending.get(reply.id)?.(reply.result ?? {});
  });
  const usages = [];
  for (const worker of workers) {
    const { sessionId } = await session.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
    const call = (method) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        void session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) });
      });
    await call('HeapProfiler.collectGarbage');
    usages.push(await call('Runtime.getHeapUsage'));
    await session.send('Target.detachFromTarget', { sessionId });
  }
  return usages;
}

/**
 * Memory of every renderer process of the browser (tabs and their workers; a shared worker and a
 * dedicated worker run in renderer processes too), after a garbage collection in each tab and
 * worker: the median of 5 samples of the sum of their resident set sizes (`rss`: shared pages,
 * such as Chromium's own code mapped into every renderer, counted in each), of their proportional set
 * sizes (`pss`, /proc/<pid>/smaps_rollup `Pss`: each shared page counted once, split between the
 * processes that map it, so the sum is the memory they take together) and of their private memory
 * (`private`: `Private_Clean` + `Private_Dirty`, what closing the process would free).
 */
export async function totalRendererRss(browser, cdps) {
  for (const cdp of cdps) await cdp.send('HeapProfiler.collectGarbage');
  const session = await browser.newBrowserCDPSession();
  await collectWorkerGarbage(session, ['worker', 'shared_worker']);
  const kib = (text, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0) * 1024;
  try {
    const samples = [];
    for (let i = 0; i < 5; i++) {
      if (i) await new Promise((resolve) => setTimeout(resolve, 300));
      let rss = 0;
      let pss = 0;
      let own = 0;
      for (const pid of await rendererPids(session)) {
        rss += kib(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''), 'VmRSS');
        const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
        pss += kib(rollup, 'Pss');
        own += kib(rollup, 'Private_Clean') + kib(rollup, 'Private_Dirty');
      }
      samples.push({ rss, pss, own });
    }
    const middle = (key) => samples.map((sample) => sample[key]).sort((a, b) => a - b)[samples.length >> 1];
    return { rss: middle('rss'), pss: middle('pss'), private: middle('own') };
  } finally {
    await session.detach().catch(() => {});
  }
}

/** Chromium's version string. */
export function browserVersion(browser) {
  return browser.version();
}
