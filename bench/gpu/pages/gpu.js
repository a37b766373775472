/**
 * The in-browser half of `npm run bench:gpu`: runs by itself once opened and posts every figure to
 * the server (`/gpu/result`), so partial results survive a crash or a timeout.
 *
 * 1. The WebGPU adapter: name, features, limits, and a 256 MiB copy kernel's bandwidth.
 * 2. For each model and dtype of the plan (`/gpu/plan.json`), the library as users load it
 *    (`<slm-provider device="webgpu" dtype=…>` with an `<slm-chat>`, from the script-tag bundle)
 *    and a bare transformers.js pipeline in a worker (`bare-gpu-worker.js`), one after the other:
 *    - load (section 6): time to ready, and the first generation (shaders compile on first use);
 *    - decode (section 1): time to first token and tokens per second of a reply, median of reps;
 *    - follow-up turns (section 2): time to first token of each turn of one conversation, the
 *      library reusing its KV cache, the bare pipeline reading the whole conversation again.
 * Tokens are timed on the page's clock as they arrive, the same way for both sides.
 */
const stage = document.getElementById('stage');
const status = document.getElementById('status');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length === 0 ? null : sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const post = (path, body) => fetch(path, { method: 'POST', body: JSON.stringify(body) }).catch(() => {});
const report = (record) => post('/gpu/result', { at: new Date().toISOString(), ...record });
const say = (text) => {
  status.textContent = text;
  console.log(`[gpu-bench] ${text}`);
};

const PROMPT = 'Write a short story about a robot who learns to paint, in three paragraphs.';
const SYSTEM_PROMPT =
  'You are a helpful, concise assistant for a web development team. Answer in plain English, ' +
  'keep answers short, use lists when they help, and say so when you do not know something.';
/** The user turns of `bench/run.mjs` section 2. */
const USER_TURNS = [
  'Hi! I am building a chat widget that runs a small language model in the browser. Ideas?',
  'How should the widget load the model so that the first page load stays fast for visitors?',
  'What is the best way to keep the main thread free while the model generates its reply?',
  'Can two chat widgets on the same page share one model instead of downloading it twice?',
  'How do I make follow-up questions fast when the conversation history keeps growing longer?',
];

/** Time to first token and decode rate from the request time and the token arrival times. */
function summarize(t0, times, extra = {}) {
  const n = times.length;
  return {
    tokens: n,
    ttftMs: n ? times[0] - t0 : null,
    decodeTps: n > 1 ? ((n - 1) / (times[n - 1] - times[0])) * 1000 : null,
    totalMs: n ? times[n - 1] - t0 : null,
    ...extra,
  };
}

/** Medians of a list of `summarize` results. */
function medians(runs) {
  return {
    ttftMs: median(runs.map((r) => r.ttftMs)),
    decodeTps: median(runs.map((r) => r.decodeTps)),
    tokens: median(runs.map((r) => r.tokens)),
    runs,
  };
}

// -------------------------------------------------------------------------------------------
// 1. The adapter.

async function describeAdapter() {
  if (!navigator.gpu) return { available: false, userAgent: navigator.userAgent };
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { available: true, adapter: null, userAgent: navigator.userAgent };
  const info = adapter.info ?? {};
  const limits = {};
  for (const key of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup']) {
    limits[key] = adapter.limits[key];
  }
  const result = {
    available: true,
    userAgent: navigator.userAgent,
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? null,
    features: [...adapter.features].sort(),
    limits,
  };
  result.copyGBs = await copyBandwidth(adapter).catch((error) => `failed: ${error}`);
  return result;
}

/** GB/s of a compute kernel that reads and writes 256 MiB (bytes read + written per second). */
async function copyBandwidth(adapter) {
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
  });
  const bytes = 256 * 1024 * 1024;
  const src = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const dst = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const module = device.createShaderModule({
    code: `@group(0) @binding(0) var<storage, read> a: array<vec4f>;
      @group(0) @binding(1) var<storage, read_write> b: array<vec4f>;
      @compute @workgroup_size(256) fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) n: vec3u) {
        let i = g.x + g.y * n.x * 256u;
        if (i < arrayLength(&a)) { b[i] = a[i] * 1.0001; }
      }`,
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }],
  });
  const x = 32768;
  const y = Math.ceil(bytes / 16 / 256 / x);
  const run = async (count) => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    for (let i = 0; i < count; i++) pass.dispatchWorkgroups(x, y);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
  await run(2);
  const t0 = performance.now();
  await run(20);
  const seconds = (performance.now() - t0) / 1000;
  device.destroy();
  return Math.round((2 * bytes * 20) / seconds / 1e9);
}

// -------------------------------------------------------------------------------------------
// 2a. The library.

/** Puts a provider with one chat on the page; returns both. */
function mountLibrary(model, dtype, device, maxNewTokens) {
  stage.replaceChildren();
  const provider = document.createElement('slm-provider');
  provider.setAttribute('model', model);
  provider.setAttribute('model-base-url', '/models/');
  provider.setAttribute('device', device);
  provider.setAttribute('dtype', dtype);
  provider.setAttribute('load', 'manual');
  const chat = document.createElement('slm-chat');
  chat.setAttribute('max-new-tokens', String(maxNewTokens));
  chat.setAttribute('temperature', '0');
  provider.append(chat);
  stage.append(provider);
  return { provider, chat };
}

/** One turn through `<slm-chat>` as a user sends it, timing every `slm-token`. */
async function chatTurn(chat, text) {
  const times = [];
  const onToken = () => times.push(performance.now());
  chat.addEventListener('slm-token', onToken);
  const responded = new Promise((resolve) => chat.addEventListener('slm-response', (event) => resolve(event.detail), { once: true }));
  const failed = new Promise((_, reject) =>
    chat.addEventListener('slm-error', (event) => reject(new Error(event.detail?.message ?? 'slm-error')), { once: true }),
  );
  const t0 = performance.now();
  const sent = chat.send(text);
  const detail = await Promise.race([responded, failed]);
  await sent;
  chat.removeEventListener('slm-token', onToken);
  await chat.updateComplete;
  const { text: reply, ...figures } = detail;
  return summarize(t0, times, { promptTokens: figures.promptTokens, cachedTokens: figures.cachedTokens, reply });
}

async function benchLibrary(job, plan) {
  const out = {};
  const { provider, chat } = mountLibrary(job.model, job.dtype, plan.device, plan.decodeTokens);
  try {
    await provider.updateComplete;
    await chat.updateComplete;
    const t0 = performance.now();
    const info = await provider.load();
    out.load = { ms: performance.now() - t0, loadMs: info.loadMs, device: info.device, dtype: info.dtype };
    // First generation: WebGPU pipelines are created on first use.
    const t1 = performance.now();
    await provider.engine.generate({ kind: 'chat', messages: [{ role: 'user', content: 'warm up' }] }, { maxNewTokens: 8, temperature: 0 });
    out.load.firstGenerationMs = performance.now() - t1;
    const runs = [];
    for (let i = 0; i < plan.reps; i++) {
      chat.clear();
      await chat.updateComplete;
      runs.push(await chatTurn(chat, PROMPT));
    }
    out.decode = medians(runs.map(({ reply: _reply, ...r }) => r));
    out.sample = runs[0]?.reply?.slice(0, 80);
    chat.clear();
    chat.setAttribute('system-prompt', SYSTEM_PROMPT);
    chat.setAttribute('max-new-tokens', String(plan.followUpTokens));
    await chat.updateComplete;
    const turns = [];
    for (const text of USER_TURNS.slice(0, plan.followUpTurns)) turns.push(await chatTurn(chat, text));
    out.followUp = turns.map(({ reply: _reply, ...r }) => r);
    out.followUpReplies = turns.map((t) => t.reply);
  } finally {
    stage.replaceChildren(); // unloads the model (the provider frees its worker)
  }
  return out;
}

// -------------------------------------------------------------------------------------------
// 2b. The bare pipeline in a worker.

class BareWorker {
  constructor() {
    this.worker = new Worker('/bench/gpu/pages/bare-gpu-worker.js', { type: 'module', name: 'bare-baseline' });
    this.listener = null;
    this.worker.addEventListener('message', ({ data }) => this.listener?.(data));
  }
  load(model, device, dtype) {
    return new Promise((resolve, reject) => {
      this.listener = (data) => (data.type === 'ready' ? resolve() : data.type === 'error' && reject(new Error(data.message)));
      this.worker.postMessage({ type: 'load', model, device, dtype });
    });
  }
  generate(messages, maxNewTokens) {
    const times = [];
    return new Promise((resolve, reject) => {
      let t0 = 0;
      this.listener = (data) => {
        if (data.type === 'token') times.push(performance.now());
        else if (data.type === 'done') resolve(summarize(t0, times, { reply: data.text }));
        else if (data.type === 'error') reject(new Error(data.message));
      };
      t0 = performance.now();
      this.worker.postMessage({ type: 'generate', id: 1, messages, maxNewTokens });
    });
  }
  terminate() {
    this.worker.terminate();
  }
}

async function benchBare(job, plan) {
  const out = {};
  const bare = new BareWorker();
  try {
    const t0 = performance.now();
    await bare.load(job.model, plan.device, job.dtype);
    out.load = { ms: performance.now() - t0 };
    const t1 = performance.now();
    await bare.generate([{ role: 'user', content: 'warm up' }], 8);
    out.load.firstGenerationMs = performance.now() - t1;
    const runs = [];
    for (let i = 0; i < plan.reps; i++) runs.push(await bare.generate([{ role: 'user', content: PROMPT }], plan.decodeTokens));
    out.decode = medians(runs.map(({ reply: _reply, ...r }) => r));
    out.sample = runs[0]?.reply?.slice(0, 80);
    const messages = [{ role: 'system', content: SYSTEM_PROMPT }];
    const turns = [];
    for (const text of USER_TURNS.slice(0, plan.followUpTurns)) {
      messages.push({ role: 'user', content: text });
      const turn = await bare.generate(messages, plan.followUpTokens);
      messages.push({ role: 'assistant', content: turn.reply });
      turns.push(turn);
    }
    out.followUp = turns.map(({ reply: _reply, ...r }) => r);
  } finally {
    bare.terminate();
  }
  return out;
}

// -------------------------------------------------------------------------------------------

async function main() {
  const plan = await (await fetch('/gpu/plan.json')).json();
  plan.device ??= 'webgpu';
  plan.reps ??= 3;
  plan.decodeTokens ??= 128;
  plan.followUpTurns ??= 3;
  plan.followUpTokens ??= 64;
  plan.sides ??= ['library', 'bare'];
  say('adapter');
  const adapter = await describeAdapter().catch((error) => ({ error: String(error) }));
  await report({ kind: 'adapter', adapter, plan });
  if (plan.probeOnly || !adapter.vendor) {
    await post('/gpu/done', {});
    say('done (probe)');
    return;
  }
  const shaderF16 = adapter.features?.includes('shader-f16');
  await customElements.whenDefined('slm-chat');
  for (const job of plan.jobs ?? []) {
    if (/16/.test(job.dtype) && !shaderF16) { // fp16 and q4f16 compute in f16
      await report({ kind: 'job', ...job, skipped: 'the adapter has no shader-f16' });
      continue;
    }
    for (const side of plan.sides) {
      say(`${job.model} ${job.dtype} ${side}`);
      const started = performance.now();
      try {
        const result = side === 'library' ? await benchLibrary(job, plan) : await benchBare(job, plan);
        await report({ kind: 'job', ...job, side, wallMs: performance.now() - started, ...result });
      } catch (error) {
        await report({ kind: 'job', ...job, side, wallMs: performance.now() - started, error: String(error?.stack ?? error) });
      }
      await sleep(500); // let the worker go before the next load
    }
  }
  await post('/gpu/done', {});
  say('done');
}

main().catch(async (error) => {
  await report({ kind: 'fatal', error: String(error?.stack ?? error) });
  await post('/gpu/done', {});
});
