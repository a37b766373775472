/**
 * Several real tabs of one browser context (`test/server/tabs.mjs`) acting as tabs of one site,
 * for the tests of `share="origin"` (shared worker and relay).
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { MODEL, MODEL_BASE } from './helpers.js';

export type Tab = number;

/** Opens another tab of this origin with the elements defined. */
export async function openTab(): Promise<Tab> {
  const { tab } = await executeServerCommand<{ tab: number }, { path: string }>('tab-open', { path: '/test/fixtures/tab.html' });
  await inTab(tab, async () => {
    while (!(window as unknown as { slmReady?: boolean }).slmReady) await new Promise((resolve) => setTimeout(resolve, 10));
  });
  return tab;
}

/** Runs `fn(arg)` in a tab and returns its result (JSON). `fn` must be self-contained: it runs there. */
export async function inTab<A, R>(tab: Tab, fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
  const { value } = await executeServerCommand<{ value: R }, { tab: number; source: string; arg: unknown }>('tab-eval', {
    tab,
    source: fn.toString(),
    arg,
  });
  return value;
}

export async function closeTab(tab: Tab): Promise<void> {
  await executeServerCommand('tab-close', { tab });
}

/**
 * Puts a provider (or, with `standalone`, a chat without one) on `share="origin"` into a tab, and
 * records the `slm-*` events it fires in `window.events` (with their codes).
 */
export function setUp(
  tab: Tab,
  options: {
    standalone?: boolean;
    maxNewTokens?: number;
    share?: string;
    /** Remove these browser features first, as a browser without them: `SharedWorker`, `locks` (Web Locks). */
    without?: ('SharedWorker' | 'locks')[];
  } = {},
) {
  const model = { model: MODEL, base: new URL(MODEL_BASE, location.href).href, ...options };
  return inTab(tab, (o) => {
    const w = window as unknown as { events: { type: string; code?: string }[] };
    if (o.without?.includes('SharedWorker')) (window as unknown as { SharedWorker: unknown }).SharedWorker = undefined;
    if (o.without?.includes('locks')) Object.defineProperty(navigator, 'locks', { configurable: true, value: undefined });
    w.events = [];
    const chat = document.createElement('slm-chat') as unknown as HTMLElement & Record<string, unknown>;
    Object.assign(chat, { maxNewTokens: o.maxNewTokens ?? 12 });
    const host = o.standalone ? chat : (document.createElement('slm-provider') as unknown as HTMLElement & Record<string, unknown>);
    Object.assign(host, { model: o.model, modelBaseUrl: o.base, device: 'wasm', dtype: 'fp32', share: o.share ?? 'origin' });
    for (const type of ['slm-ready', 'slm-progress', 'slm-error', 'slm-warning']) {
      host.addEventListener(type, (event) => {
        if (type !== 'slm-progress' || w.events.at(-1)?.type !== type) {
          w.events.push({ type, code: (event as CustomEvent<{ code?: string }>).detail?.code });
        }
      });
    }
    if (host !== chat) host.append(chat);
    document.body.append(host);
  }, model);
}

/** What `send` resolves with: the reply and its figures, or the coded error it ended with. */
export interface TabReply {
  reply: string;
  cachedTokens: number;
  reason: string;
  /** The `slm-error` code when the request failed. */
  code?: string;
  /** When the reply ended (ms since the epoch). */
  at: number;
}

/**
 * Sends a message from the tab's chat; resolves with the reply and its figures, or the error it
 * ended with. The reply is awaited by polling the tab (a test-runner command must answer within
 * 20 s; a reply may not).
 */
export async function send(tab: Tab, text: string): Promise<TabReply> {
  const job = await inTab(tab, (t) => {
    const w = window as unknown as { replies: Record<number, unknown>; nextReply?: number };
    w.replies ??= {};
    const id = (w.nextReply = (w.nextReply ?? 0) + 1);
    const chat = document.querySelector('slm-chat') as HTMLElement & { send(text: string): Promise<string> };
    const response = new Promise<{ text: string; cachedTokens: number; reason: string; error?: { code: string } }>((resolve) =>
      chat.addEventListener('slm-response', (event) => resolve((event as CustomEvent).detail), { once: true }),
    );
    void chat
      .send(t)
      .catch(() => '')
      .then(async () => {
        const { text: reply, cachedTokens, reason, error } = await response;
        w.replies[id] = { reply, cachedTokens, reason, code: error?.code, at: performance.timeOrigin + performance.now() };
      });
    return id;
  }, text);
  for (;;) {
    const result = await inTab(tab, (id) => (window as unknown as { replies: Record<number, unknown> }).replies[id] ?? null, job);
    if (result) return result as TabReply;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once the tab's chat shows at least `length` characters of its reply. */
export async function replyUnderWay(tab: Tab, length: number): Promise<void> {
  while (!(await inTab(tab, (n) => {
    const chat = document.querySelector('slm-chat') as HTMLElement & { messages: { role: string; content: string }[] };
    const last = chat.messages.at(-1);
    return last?.role === 'assistant' && last.content.length >= n;
  }, length))) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What the shared worker holds, as seen from a tab. */
export function stats(tab: Tab) {
  return inTab(tab, () => (document.querySelector('slm-provider') as HTMLElement & { stats(): Promise<{ conversations: number }> }).stats());
}

export function events(tab: Tab) {
  return inTab(tab, () => (window as unknown as { events: { type: string; code?: string }[] }).events);
}

/**
 * Tabs opened for the tests of one `describe`: `open()` opens one, `close(tab)` closes it now (as
 * a crash would), and every tab still open is closed after each test.
 */
export function tabsOfEachTest(): { open: () => Promise<Tab>; close: (tab: Tab) => Promise<void> } {
  const opened: Tab[] = [];
  afterEach(async () => {
    for (const tab of opened.splice(0)) await closeTab(tab).catch(() => {});
  });
  return {
    open: async () => {
      const tab = await openTab();
      opened.push(tab);
      return tab;
    },
    close: async (tab) => {
      opened.splice(opened.indexOf(tab), 1);
      await closeTab(tab);
    },
  };
}
