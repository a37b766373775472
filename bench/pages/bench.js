/**
 * In-page half of the benchmark. `bench/run.mjs` drives these functions with `page.evaluate`;
 * everything that must be timed on the page's clock is timed here (`performance.now()`), and
 * everything measured from outside (DevTools metrics, server bytes) is measured by the runner.
 *
 * The library comes from the script-tag bundle (`/dist/cdn/slm-elements.js`), exactly what users
 * load; the naive baselines use transformers.js directly (`bare-pipeline.js`).
 */
import { engineContext } from '/dist/cdn/slm-elements.js';
import { MarkdownStream, markdownStyles, renderMarkdown } from '/dist/cdn/slm-markdown.js';
import { bareGenerate, bareLoad } from './bare-pipeline.js';
import { longSample, markdownReply, splitTokens } from './markdown-sample.js';

const stage = document.getElementById('stage');
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// ---------------------------------------------------------------------------------------------
// Main-thread long tasks, observed from the start of the page.

const longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: 'longtask', buffered: true });

/** Long tasks (> 50 ms) that started in `[from, to]`, and their total blocking time. */
function longTasksBetween(from, to) {
  const tasks = longTasks.filter((task) => task.start >= from && task.start <= to);
  return {
    count: tasks.length,
    totalBlockingMs: tasks.reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0),
    longestMs: tasks.reduce((max, task) => Math.max(max, task.duration), 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Timing a generation from its token arrivals on the main thread, the same way for every path.

/** Time to first token and decode speed from `t0` (request) and token arrival times. */
function summarize(t0, times, extra = {}) {
  const n = times.length;
  return {
    tokens: n,
    ttftMs: n ? times[0] - t0 : NaN,
    // Decode rate after the first token, as `slm-response` reports it.
    decodeTps: n > 1 ? ((n - 1) / (times[n - 1] - times[0])) * 1000 : NaN,
    totalMs: n ? times[n - 1] - t0 : NaN,
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// The library: a provider with chats.

let provider;
const providers = [];
const chats = [];
const readyEvents = [];

/**
 * Puts `<slm-provider>` with `count` `<slm-chat>`s on the page (replacing what was there).
 * Returns nothing: the model loads on first use, or with `load()`.
 */
function mountChats({ model, device, count = 1, maxNewTokens = 64, systemPrompt = '', preload = false, share = 'page' }) {
  stage.replaceChildren();
  chats.length = 0;
  providers.length = 0;
  provider = providers[addProvider({ model, device, preload, share })];
  for (let i = 0; i < count; i++) appendChat({ maxNewTokens, systemPrompt });
  return chats.length;
}

/** Appends a provider (e.g. a second one for the same model); returns its index. */
function addProvider({ model, device, preload = false, share = 'page' }) {
  const element = document.createElement('slm-provider');
  element.setAttribute('share', share);
  element.setAttribute('model', model);
  element.setAttribute('model-base-url', '/models/');
  element.setAttribute('device', device);
  if (preload) element.setAttribute('preload', '');
  element.addEventListener('slm-ready', (event) => readyEvents.push({ at: performance.now(), detail: event.detail }));
  stage.append(element);
  providers.push(element);
  return providers.length - 1;
}

/** Loads provider `index`'s model; resolves with the time to `slm-ready` and its `loadMs`. */
async function loadProvider(index = 0) {
  const element = providers[index];
  const t0 = performance.now();
  // The provider reads its attributes in its first update: load() called before that finds no
  // model (the element was created in this same task), so wait for it.
  await element.updateComplete;
  const info = await element.load();
  return { ms: performance.now() - t0, loadMs: info.loadMs, device: info.device, dtype: info.dtype };
}

/** A one-off generation on the provider's engine (no conversation): warms ONNX Runtime up. */
async function warmUpProvider(maxNewTokens = 8) {
  await provider.engine.generate({ kind: 'chat', messages: [{ role: 'user', content: 'warm up' }] }, { maxNewTokens, temperature: 0 });
}

/**
 * Sends `text` through chat `index` (as a user would, `chat.send()`), timing every `slm-token`
 * as it arrives. Returns our own timings plus the element's `slm-response` detail.
 */
async function chatTurn(index, text) {
  const chat = chats[index];
  const times = [];
  const onToken = () => times.push(performance.now());
  chat.addEventListener('slm-token', onToken);
  const responded = new Promise((resolve) => chat.addEventListener('slm-response', (event) => resolve(event.detail), { once: true }));
  const t0 = performance.now();
  const sent = chat.send(text);
  const detail = await responded;
  await sent;
  chat.removeEventListener('slm-token', onToken);
  await chat.updateComplete;
  const { text: replyText, ...figures } = detail;
  return summarize(t0, times, { detail: figures, replyChars: replyText.length, replyText });
}

/** Appends a greedy chat to the current provider and to `chats`. */
function appendChat({ maxNewTokens, systemPrompt }) {
  const chat = document.createElement('slm-chat');
  chat.setAttribute('max-new-tokens', String(maxNewTokens));
  chat.setAttribute('temperature', '0');
  if (systemPrompt) chat.setAttribute('system-prompt', systemPrompt);
  provider.append(chat);
  chats.push(chat);
  return chat;
}

/** Adds a chat to the provider (e.g. with other settings); returns its index. */
async function addChat({ maxNewTokens = 64, systemPrompt = '' } = {}) {
  const chat = appendChat({ maxNewTokens, systemPrompt });
  await chat.updateComplete;
  return chats.length - 1;
}

/** Sets `max-new-tokens` of chat `index`. */
function setMaxNewTokens(index, value) {
  chats[index].setAttribute('max-new-tokens', String(value));
}

/**
 * The same generation through the provider's engine API directly (no element): what the worker
 * protocol and model host cost without any rendering. With `conversationId` it takes the chat's
 * path (a KV cache kept for the conversation, released afterwards).
 */
async function engineTurn(text, maxNewTokens, conversationId) {
  const times = [];
  const t0 = performance.now();
  const result = await provider.engine.generate(
    { kind: 'chat', messages: [{ role: 'user', content: text }] },
    { maxNewTokens, temperature: 0 },
    { onToken: () => times.push(performance.now()), ...(conversationId ? { conversationId } : {}) },
  );
  if (conversationId) provider.engine.releaseConversation(conversationId);
  const { text: _text, ...figures } = result;
  return summarize(t0, times, { detail: figures });
}

/**
 * A one-off chat generation through the provider's engine, with `schema` (JSON text) or without
 * (`null`): the structured-output benchmark (9) compares the two on the same model.
 */
async function schemaTurn(text, maxNewTokens, schema) {
  const times = [];
  const t0 = performance.now();
  const result = await provider.engine.generate(
    { kind: 'chat', messages: [{ role: 'user', content: text }] },
    { maxNewTokens, temperature: 0, ...(schema ? { schema } : {}) },
    { onToken: () => times.push(performance.now()) },
  );
  const { text: replyText, json: _json, ...figures } = result;
  return summarize(t0, times, { detail: figures, valid: schema ? result.json !== undefined : null, replyChars: replyText.length });
}

/**
 * XGrammar's cost per token at a realistic vocabulary, apart from any model: a byte-level BPE
 * vocabulary of `size` tokens (256 bytes, then random pieces of 2–8 letters, digits, punctuation
 * and a leading space, as GPT-style vocabularies have), the JSON grammar of `schema`, and a walk
 * through `steps` tokens that picks a random allowed one each step. Times the mask computation
 * (`getNextTokenBitmask`), applying it to a logits array, and advancing (`acceptToken`).
 */
async function maskCost(size, schema, steps) {
  const xgr = (await import('/dist/engine/worker/grammar/xgrammar.js')).default;
  // The worker's own mask application (dist/engine/worker/grammar/bitmask.js has no imports).
  const { applyBitmask } = await import('/dist/engine/worker/grammar/bitmask.js');
  // GPT-2's byte-to-unicode alphabet (what byte-level vocabularies are written in).
  const table = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCodePoint(printable ? b : 256 + shifted++);
  }
  // mulberry32: a 32-bit generator whose state never leaves integer precision.
  let seed = 7;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const alphabet = 'etaoinshrdlucmfwypvbgkjqxz0123456789.,:;"{}[]-_ ';
  const vocab = table.slice();
  const seen = new Set(vocab);
  while (vocab.length < size) {
    let piece = random() < 0.5 ? ' ' : '';
    const length = 2 + Math.floor(random() * 7);
    for (let i = 0; i < length; i++) piece += alphabet[Math.floor(random() * alphabet.length)];
    const encoded = [...new TextEncoder().encode(piece)].map((b) => table[b]).join('');
    if (!seen.has(encoded)) {
      seen.add(encoded);
      vocab.push(encoded);
    }
  }
  vocab.push('<|end|>');
  const stop = vocab.length - 1;
  const t0 = performance.now();
  const info = await xgr.TokenizerInfo.createTokenizerInfo(vocab, 'byte_level', false, vocab.length, [stop]);
  const compiler = await xgr.GrammarCompiler.createGrammarCompiler(info);
  const infoMs = performance.now() - t0;
  const t1 = performance.now();
  const grammar = await compiler.compileJSONSchema(schema, false, -1, undefined, true);
  const compileMs = performance.now() - t1;
  const matcher = await xgr.GrammarMatcher.createGrammarMatcher(grammar, [stop]);
  const logits = new Float32Array(vocab.length);
  const maskTimes = [];
  const applyTimes = [];
  const acceptTimes = [];
  let taken = 0;
  for (; taken < steps && !matcher.isTerminated(); taken++) {
    logits.fill(0);
    const a = performance.now();
    const mask = await matcher.getNextTokenBitmask();
    const b = performance.now();
    applyBitmask(logits, 0, logits.length, mask);
    const c = performance.now();
    const allowed = [];
    for (let i = 0; i < logits.length; i++) if (logits[i] === 0) allowed.push(i);
    // Prefer ending once possible, so a walk is a complete value.
    const token = allowed.includes(stop) && random() < 0.2 ? stop : allowed[Math.floor(random() * allowed.length)];
    const accepting = performance.now();
    matcher.acceptToken(token);
    const d = performance.now();
    maskTimes.push(b - a);
    applyTimes.push(c - b);
    acceptTimes.push(d - accepting);
  }
  matcher.dispose();
  grammar.dispose();
  compiler.dispose();
  info.dispose();
  // Means, not medians: without cross-origin isolation the page's clock ticks in 0.1 ms steps.
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  return { vocab: vocab.length, infoMs, compileMs, steps: taken, maskMs: mean(maskTimes), applyMs: mean(applyTimes), acceptMs: mean(acceptTimes) };
}

/** Sends one message through every chat at once; resolves when all replied. */
async function allChatsTurn(text) {
  const t0 = performance.now();
  const results = await Promise.all(chats.map((_, i) => chatTurn(i, `${text} (${i})`)));
  return { ms: performance.now() - t0, tokens: results.reduce((sum, r) => sum + r.tokens, 0) };
}

/** Empties chat `index` (and frees its KV cache), so the next turn starts a new conversation. */
function clearChat(index = 0) {
  chats[index].clear();
}

/** The conversation of chat `index` as `{ role, content }[]`, system prompt first. */
function transcript(index = 0) {
  const chat = chats[index];
  const system = chat.systemPrompt ? [{ role: 'system', content: chat.systemPrompt }] : [];
  return [...system, ...chat.messages.map(({ role, content }) => ({ role, content }))];
}

/**
 * Stop latency: starts a long reply in chat `index`, waits for `afterTokens` tokens, clicks the
 * stop button at a random moment between two tokens, and watches the reply with a
 * MutationObserver. "Last token painted" is the first animation frame after the last mutation
 * that changed the reply's text.
 */
async function stopLatency(index, text, afterTokens) {
  const chat = chats[index];
  const tokenTimes = [];
  const onToken = () => tokenTimes.push(performance.now());
  chat.addEventListener('slm-token', onToken);
  const responded = new Promise((resolve) => chat.addEventListener('slm-response', (event) => resolve(event.detail), { once: true }));
  const sent = chat.send(text);
  while (tokenTimes.length < afterTokens) await sleep(1);
  const interval = (tokenTimes.at(-1) - tokenTimes[0]) / (tokenTimes.length - 1);

  const contents = chat.shadowRoot.querySelectorAll('[part~="assistant-message"] [part~="message-content"]');
  const reply = contents[contents.length - 1];
  let lastText = reply.textContent;
  let lastChange = 0;
  let paintedAt = 0;
  const observer = new MutationObserver(() => {
    if (reply.textContent === lastText) return;
    lastText = reply.textContent;
    const changed = performance.now();
    lastChange = changed;
    requestAnimationFrame(() => {
      if (lastChange === changed) paintedAt = performance.now();
    });
  });
  observer.observe(reply, { subtree: true, childList: true, characterData: true });

  // A random phase within the token interval: sometimes right after a token, sometimes just before the next.
  const seen = tokenTimes.length;
  while (tokenTimes.length === seen) await sleep(0);
  await sleep(Math.random() * interval);
  const button = chat.shadowRoot.querySelector('[part~="stop-button"]');
  const clickedAt = performance.now();
  const tokensAtClick = tokenTimes.length;
  button.click();
  const detail = await responded;
  const respondedAt = performance.now();
  await sent;
  await sleep(200);
  await nextFrame();
  observer.disconnect();
  chat.removeEventListener('slm-token', onToken);
  const tokensAfter = tokenTimes.length - tokensAtClick;
  return {
    tokenIntervalMs: interval,
    tokensAfterClick: tokensAfter,
    // Nothing changed after the click: the reply on screen at the click is the last one.
    clickToLastPaintMs: lastChange > clickedAt ? paintedAt - clickedAt : 0,
    clickToLastTokenMs: tokensAfter ? tokenTimes.at(-1) - clickedAt : 0,
    clickToResponseMs: respondedAt - clickedAt,
    reason: detail.reason,
  };
}

// ---------------------------------------------------------------------------------------------
// Naive baselines: a bare pipeline in a worker, and one on the main thread.

let bareWorker;
let bareNextId = 1;
const bareListeners = new Map();

/** Starts the bare-pipeline worker (ending the previous one) and loads `model` in it. */
async function loadBareWorker(model, device) {
  bareWorker?.terminate();
  bareWorker = new Worker('/bench/pages/bare-worker.js', { type: 'module', name: 'bare-baseline' });
  bareWorker.addEventListener('message', ({ data }) => bareListeners.get(data.id ?? 'load')?.(data));
  const t0 = performance.now();
  await new Promise((resolve, reject) => {
    bareListeners.set('load', (data) => (data.type === 'ready' ? resolve() : reject(new Error(data.message))));
    bareWorker.postMessage({ type: 'load', model, device });
  });
  return { ms: performance.now() - t0 };
}

/** Generates in the bare worker, timing tokens as they arrive on the main thread. */
function bareWorkerGenerate(messages, maxNewTokens) {
  const id = bareNextId++;
  const times = [];
  return new Promise((resolve, reject) => {
    let t0 = 0;
    bareListeners.set(id, (data) => {
      if (data.type === 'token') times.push(performance.now());
      else if (data.type === 'done') {
        bareListeners.delete(id);
        resolve(summarize(t0, times));
      }
    });
    bareListeners.set('load', (data) => data.type === 'error' && reject(new Error(data.message)));
    t0 = performance.now();
    bareWorker.postMessage({ type: 'generate', id, messages, maxNewTokens });
  });
}

let bareMain;

/** Loads the same bare pipeline on the main thread. */
async function loadBareMain(model, device) {
  const t0 = performance.now();
  bareMain = await bareLoad(model, device);
  return { ms: performance.now() - t0 };
}

/** Generates on the main thread, showing each token in the page as a naive page would. */
async function bareMainGenerate(messages, maxNewTokens) {
  const output = stage.appendChild(document.createElement('pre'));
  const times = [];
  const t0 = performance.now();
  await bareGenerate(bareMain, messages, maxNewTokens, (tokenId) => {
    times.push(performance.now());
    output.textContent += String.fromCharCode(32 + (tokenId % 90));
  });
  return summarize(t0, times);
}

// ---------------------------------------------------------------------------------------------
// Streaming render cost, without a model: the renderer alone, and the chat element fed by a
// scripted engine through the same context protocol `<slm-provider>` uses.

/** An `SlmEngine` whose replies are streamed by the benchmark, token by token. */
class ScriptedEngine extends EventTarget {
  status = 'ready';
  error = null;
  progress = null;
  info = { model: 'scripted', device: 'wasm', dtype: 'fp32', loadMs: 0 };
  model = 'scripted';
  current = null;
  async load() {
    return this.info;
  }
  async isCached() {
    return true;
  }
  async downloadSize() {
    return 0;
  }
  releaseConversation() {
    // A scripted engine keeps no caches.
  }
  generate(_input, _settings, options = {}) {
    return new Promise((resolve) => {
      this.current = { options, text: '', tokens: 0, resolve };
    });
  }
  /** Streams one token into the running generation. */
  push(token) {
    const run = this.current;
    run.text += token;
    run.tokens++;
    run.options.onToken?.({ token, tokenId: run.tokens, text: run.text });
  }
  finish() {
    const run = this.current;
    this.current = null;
    run.resolve({ text: run.text, reason: 'length', tokens: run.tokens, ttftMs: 0, tokensPerSecond: 0, promptTokens: 0, cachedTokens: 0, droppedMessages: 0 });
  }
}

let render;

/**
 * Prepares a streaming render run: the sample reply split into tokens, and the target, one of
 * `plain` (the text into one text node: the floor any page pays), `stream` (MarkdownStream into
 * a styled container: the renderer alone), `element` (`<slm-chat>` fed by a scripted engine:
 * element, Lit update, directive and renderer), or `naive` (the whole markdown rendered again
 * at every token, as a renderer without incremental blocks does), or `detached` (MarkdownStream
 * into a container that is not in the document: the renderer's own work, without what the
 * browser does for laid-out text). `sample` is `reply` (a
 * realistic mixed reply) or one long block: `paragraph`, `list`, `code` or `table`.
 */
async function renderSetup(mode, minTokens, sample = 'reply') {
  stage.replaceChildren();
  const tokens = splitTokens(sample === 'reply' ? markdownReply(minTokens) : longSample(sample, minTokens));
  render = { mode, tokens, next: 0, text: '' };
  if (mode === 'element') {
    const engine = new ScriptedEngine();
    const host = document.createElement('div');
    // The context protocol: answer the chat's request for the engine, as <slm-provider> does.
    host.addEventListener('context-request', (event) => {
      if (event.context !== engineContext) return;
      event.stopPropagation();
      event.callback(engine, () => {});
    });
    const chat = document.createElement('slm-chat');
    host.append(chat);
    stage.append(host);
    await chat.updateComplete;
    const sent = chat.send('Explain how the renderer works, with examples.');
    while (!engine.current) await sleep(0);
    Object.assign(render, { engine, chat, sent, log: chat.shadowRoot.querySelector('[part~="log"]') });
  } else {
    const host = document.createElement('div');
    host.style.cssText = 'width: 46rem; height: 36rem; overflow: auto; font: 16px/1.5 sans-serif';
    const root = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = markdownStyles;
    const container = document.createElement('div');
    root.append(style, container);
    if (mode !== 'detached') stage.append(host);
    // `plain`: the floor, the cheapest DOM update there is (one text node grows); what any page
    // pays per painted token for the text alone.
    const textNode = mode === 'plain' ? container.appendChild(document.createElement('pre')).appendChild(document.createTextNode('')) : null;
    if (textNode) textNode.parentNode.style.whiteSpace = 'pre-wrap';
    const stream = mode === 'stream' || mode === 'detached' ? new MarkdownStream(container) : null;
    Object.assign(render, { host, container, textNode, stream });
  }
  return tokens.length;
}

/**
 * Feeds one token to the current target and forces style and layout. Returns the time the
 * update took (script: renderer, and for the element its Lit update) and the time of style and
 * layout after it.
 */
async function renderOne() {
  const token = render.tokens[render.next++];
  render.text += token;
  const t0 = performance.now();
  let t1;
  if (render.mode === 'element') {
    render.engine.push(token);
    await render.chat.updateComplete;
    t1 = performance.now();
    void render.log.scrollHeight;
  } else {
    if (render.stream) render.stream.append(token);
    else if (render.mode === 'plain') render.textNode.appendData(token);
    else renderMarkdown(render.container, render.text);
    t1 = performance.now();
    void render.host.scrollHeight;
  }
  return { script: t1 - t0, layout: performance.now() - t1 };
}

/**
 * Feeds tokens up to (not including) index `to` as fast as possible, one update per token. The
 * naive renderer keeps no state between tokens, so for it the text simply jumps ahead.
 */
async function renderFastForward(to) {
  if (render.mode === 'naive') {
    while (render.next < to) render.text += render.tokens[render.next++];
    return render.text.length;
  }
  while (render.next < to) {
    await renderOne();
    // Let the page breathe now and then (GC, pending frames), as a real stream would.
    if (render.next % 64 === 0) await sleep(0);
  }
  return render.text.length;
}

/**
 * Feeds tokens up to index `to`, one per animation frame, as a fast model would arrive, and
 * returns the synchronous cost of each (update + style + layout, in ms). Paint and compositing
 * are measured from outside (DevTools `TaskDuration` over the same window).
 */
async function renderFramed(to) {
  const parts = [];
  while (render.next < to) {
    await nextFrame();
    parts.push(await renderOne());
  }
  await nextFrame();
  const costs = parts.map((p) => p.script + p.layout);
  const meanMs = costs.reduce((a, b) => a + b, 0) / costs.length;
  return {
    costs,
    medianMs: median(costs),
    meanMs,
    scriptMedianMs: median(parts.map((p) => p.script)),
    layoutMedianMs: median(parts.map((p) => p.layout)),
    chars: render.text.length,
    crossOriginIsolated,
  };
}

/** `count` frames with no token at all: the page's idle cost per frame, to subtract. */
async function idleFrames(count) {
  for (let i = 0; i < count; i++) await nextFrame();
}

/** Ends a streaming render run (the element's reply finishes). */
async function renderTeardown() {
  if (render?.mode === 'element') {
    render.engine.finish();
    await render.sent;
  }
  render = undefined;
  stage.replaceChildren();
}

// ---------------------------------------------------------------------------------------------

/** Empties Cache Storage (what the library's model and wasm caching uses). */
async function clearCaches() {
  for (const name of await caches.keys()) await caches.delete(name);
}

window.bench = {
  now: () => performance.now(),
  sleep,
  longTasksBetween,
  mountChats,
  addChat,
  setMaxNewTokens,
  addProvider,
  loadProvider,
  warmUpProvider,
  chatTurn,
  engineTurn,
  schemaTurn,
  maskCost,
  allChatsTurn,
  clearChat,
  transcript,
  stopLatency,
  readyEvents,
  loadBareWorker,
  bareWorkerGenerate,
  loadBareMain,
  bareMainGenerate,
  renderSetup,
  renderFastForward,
  renderFramed,
  idleFrames,
  renderTeardown,
  clearCaches,
  heap: () => performance.memory?.usedJSHeapSize ?? null,
  providers: () => document.querySelectorAll('slm-provider').length,
};
window.dispatchEvent(new Event('bench-ready'));
