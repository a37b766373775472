#!/usr/bin/env node
/**
 * The bare-pipeline half of the GPU benchmark in Node, on Dawn (the `webgpu` npm package), for a
 * machine whose GPU a browser cannot reach (issue 19): transformers.js' browser build with ONNX
 * Runtime Web's WebGPU build (`ort-wasm-simd-threaded.asyncify`, the files the library ships),
 * `navigator.gpu` from Dawn. The kernels are those a browser runs; the browser itself (its GPU
 * process, IPC, scheduling) is not there, so these are not browser figures.
 *
 *   node bench/gpu/node-dawn.mjs --dawn PATH/dawn.node [--models DIR] [--only ID,...]
 *       [--dtypes q4,fp32] [--reps N] [--tokens N] [--out FILE] [--probe]
 *
 * `--probe`: print the adapter (name, features, limits, copy-kernel bandwidth) as JSON and stop.
 *
 * Decode, follow-up turns and load, measured like `pages/gpu.js` measures the bare pipeline.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startGpuServer } from './serve.mjs';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const { values: flags } = parseArgs({
  options: {
    dawn: { type: 'string' },
    'dawn-flags': { type: 'string', default: '' },
    models: { type: 'string', default: join(ROOT, 'models') },
    only: { type: 'string', default: 'gpu-smollm2-360m,gpu-qwen3-0.6b,gpu-llama-3.2-1b' },
    dtypes: { type: 'string', default: 'q4f16,fp16,q4,fp32' },
    reps: { type: 'string', default: '3' },
    tokens: { type: 'string', default: '128' },
    'follow-up-turns': { type: 'string', default: '3' },
    'follow-up-tokens': { type: 'string', default: '64' },
    out: { type: 'string', default: join(ROOT, 'bench', 'out', 'gpu-node-results.json') },
    probe: { type: 'boolean', default: false },
  },
});
if (!flags.dawn) throw new Error('--dawn: path to dawn.node from the npm package "webgpu"');

const started = performance.now();
const log = (message) => console.log(`[node-dawn ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}`);
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length === 0 ? null : sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// WebGPU from Dawn, before transformers.js looks for it.
const { create, globals } = createRequire(import.meta.url)(resolve(flags.dawn));
Object.assign(globalThis, globals);
// ONNX Runtime's threaded build keeps its heap in a SharedArrayBuffer and uploads inputs straight
// from it; browsers accept shared views in writeBuffer, Dawn for Node rejects them ("Invalid
// argument"). Copy those (a few bytes per token: ids, mask, positions; weights are not shared).
const writeBuffer = globals.GPUQueue.prototype.writeBuffer;
globals.GPUQueue.prototype.writeBuffer = function (buffer, offset, data, dataOffset = 0, size) {
  if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer) {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const elementSize = data.BYTES_PER_ELEMENT ?? 1;
    const start = dataOffset * elementSize;
    const length = size === undefined ? bytes.byteLength - start : size * elementSize;
    return writeBuffer.call(this, buffer, offset, bytes.slice(start, start + length));
  }
  return writeBuffer.call(this, buffer, offset, data, dataOffset, size);
};
globalThis.navigator ??= {};
Object.defineProperty(globalThis.navigator, 'gpu', { value: create(flags['dawn-flags'].split(',').filter(Boolean)), configurable: true });
// transformers.js picks onnxruntime-node when it sees Node; this makes it take its browser path
// (onnxruntime-web, files over HTTP) as in a page.
Object.defineProperty(process, 'release', { value: { ...process.release, name: 'slm-bench-node-dawn' }, configurable: true });

const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter) throw new Error('Dawn found no WebGPU adapter');
const info = adapter.info ?? {};
const adapterRecord = {
  vendor: info.vendor,
  architecture: info.architecture,
  device: info.device,
  description: info.description,
  isFallbackAdapter: info.isFallbackAdapter ?? false,
  features: [...adapter.features].sort(),
  limits: { maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
};
adapterRecord.copyGBs = await copyBandwidth(adapter).catch((error) => `failed: ${error}`);
log(`adapter ${adapterRecord.vendor} / ${adapterRecord.architecture} / ${adapterRecord.device} / ${adapterRecord.description}; f16 ${adapterRecord.features.includes('shader-f16')}`);
if (flags.probe) {
  const keys = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupsPerDimension'];
  const limits = Object.fromEntries(keys.map((key) => [key, adapter.limits[key]]));
  console.log(JSON.stringify({ node: process.version, adapter: { ...adapterRecord, limits } }, null, 1));
  process.exit(0);
}

/** GB/s of a compute kernel that reads and writes 256 MiB (as `pages/gpu.js` measures it). */
async function copyBandwidth(gpuAdapter) {
  // The 256 MiB bindings exceed the default 128 MiB maxStorageBufferBindingSize: without these
  // limits the bind group is invalid, nothing runs, and the "bandwidth" is that of an empty queue.
  const device = await gpuAdapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: gpuAdapter.limits.maxStorageBufferBindingSize, maxBufferSize: gpuAdapter.limits.maxBufferSize },
  });
  device.pushErrorScope('validation');
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
  const invalid = await device.popErrorScope();
  device.destroy();
  if (invalid) throw new Error(invalid.message);
  return Math.round((2 * bytes * 20) / seconds / 1e9);
}

const server = await startGpuServer({ root: ROOT, modelsDir: resolve(flags.models), onResult: () => {} });
const transformers = await import(pathToFileURL(join(ROOT, 'node_modules/@huggingface/transformers/dist/transformers.js')).href);
const { env, pipeline } = transformers;
env.allowLocalModels = true;
env.allowRemoteModels = false;
// As in a page: '/models/' relative to the server; Node's fetch wants absolute URLs.
env.localModelPath = '/models/';
env.fetch = (url, options) => fetch(new URL(String(url), server.origin), options);
env.useBrowserCache = false;
env.useWasmCache = false; // its cache fetches the runtime over HTTP and imports it from a blob: URL, which Node cannot
const ortDir = join(ROOT, 'dist', 'cdn', 'ort');
env.backends.onnx.wasm.wasmPaths = {
  mjs: pathToFileURL(join(ortDir, 'ort-wasm-simd-threaded.asyncify.mjs')).href,
  wasm: pathToFileURL(join(ortDir, 'ort-wasm-simd-threaded.asyncify.wasm')).href,
};
env.backends.onnx.wasm.wasmBinary = readFileSync(join(ortDir, 'ort-wasm-simd-threaded.asyncify.wasm'));
env.backends.onnx.wasm.numThreads = 1; // as in a page that is not cross-origin isolated

const PROMPT = 'Write a short story about a robot who learns to paint, in three paragraphs.';
const SYSTEM_PROMPT =
  'You are a helpful, concise assistant for a web development team. Answer in plain English, ' +
  'keep answers short, use lists when they help, and say so when you do not know something.';
const USER_TURNS = [
  'Hi! I am building a chat widget that runs a small language model in the browser. Ideas?',
  'How should the widget load the model so that the first page load stays fast for visitors?',
  'What is the best way to keep the main thread free while the model generates its reply?',
];

async function generate(generator, messages, maxNewTokens) {
  const times = [];
  let sawPrompt = false;
  const streamer = {
    put() {
      if (!sawPrompt) {
        sawPrompt = true;
        return;
      }
      times.push(performance.now());
    },
    end() {
      // Timing only: nothing to flush.
    },
  };
  const t0 = performance.now();
  const [output] = await generator(messages, { max_new_tokens: maxNewTokens, do_sample: false, streamer });
  const n = times.length;
  const promptTokens = generator.tokenizer.apply_chat_template(messages, { add_generation_prompt: true, tokenize: true }).length;
  return {
    tokens: n,
    ttftMs: n ? times[0] - t0 : null,
    decodeTps: n > 1 ? ((n - 1) / (times[n - 1] - times[0])) * 1000 : null,
    promptTokens,
    reply: output.generated_text.at(-1).content,
  };
}

const models = {};
for (const id of flags.only.split(',')) models[id] = JSON.parse(readFileSync(join(flags.models, id, 'bench-meta.json'), 'utf8'));
const dawnVersion = (() => {
  try {
    return process.env.DAWN_NODE_VERSION ?? JSON.parse(readFileSync(join(dirname(resolve(flags.dawn)), '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
})();
const results = {
  run: { date: new Date().toISOString(), node: process.version, dawn: dawnVersion, adapter: adapterRecord, models, tokens: Number(flags.tokens), reps: Number(flags.reps) },
  records: [],
};
const save = () => {
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, `${JSON.stringify(results, null, 1)}\n`);
};
save();

// dtype-major, like run-gpu.mjs: a run cut short still compares the models.
for (const dtype of flags.dtypes.split(',')) {
  for (const model of flags.only.split(',')) {
    const record = { model, dtype, side: 'bare-node' };
    if (/16/.test(dtype) && !adapterRecord.features.includes('shader-f16')) {
      results.records.push({ ...record, skipped: 'the adapter has no shader-f16' });
      save();
      continue;
    }
    let generator;
    try {
      const t0 = performance.now();
      generator = await pipeline('text-generation', model, { device: 'webgpu', dtype });
      record.load = { ms: performance.now() - t0 };
      const t1 = performance.now();
      await generate(generator, [{ role: 'user', content: 'warm up' }], 8);
      record.load.firstGenerationMs = performance.now() - t1;
      const runs = [];
      for (let i = 0; i < Number(flags.reps); i++) runs.push(await generate(generator, [{ role: 'user', content: PROMPT }], Number(flags.tokens)));
      record.decode = {
        ttftMs: median(runs.map((r) => r.ttftMs)),
        decodeTps: median(runs.map((r) => r.decodeTps)),
        tokens: median(runs.map((r) => r.tokens)),
        runs: runs.map(({ reply: _reply, ...r }) => r),
      };
      record.sample = runs[0]?.reply.slice(0, 80);
      const messages = [{ role: 'system', content: SYSTEM_PROMPT }];
      record.followUp = [];
      for (const text of USER_TURNS.slice(0, Number(flags['follow-up-turns']))) {
        messages.push({ role: 'user', content: text });
        const { reply, ...turn } = await generate(generator, messages, Number(flags['follow-up-tokens']));
        messages.push({ role: 'assistant', content: reply });
        record.followUp.push(turn);
      }
      log(`${model} ${dtype}: decode ${record.decode.decodeTps?.toFixed(1)} tok/s, ttft ${record.decode.ttftMs?.toFixed(0)} ms, load ${record.load.ms.toFixed(0)} ms`);
    } catch (error) {
      record.error = String(error?.stack ?? error);
      log(`${model} ${dtype}: error ${record.error.split('\n')[0]}`);
    } finally {
      await generator?.dispose?.().catch?.(() => {});
    }
    results.records.push(record);
    save();
  }
}
results.run.seconds = Math.round((performance.now() - started) / 1000);
save();
await server.close();
log(`wrote ${flags.out}`);
process.exit(0);
