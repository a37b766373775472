#!/usr/bin/env node
/**
 * @file End-to-end check of the tiny model in a real browser.
 *
 *   node scripts/verify-tiny-model.mjs [--id slm-tiny] [--models-dir models] [--max-new-tokens 40]
 *     [--runs 5] [--wasm-paths prefix|object] [--no-webgpu] [--chromium /usr/bin/chromium]
 *
 * 1. (Re)generates `models/slm-tiny` with the default shape (a no-op when up to date). Any other
 *    `--id`/`--models-dir` must already exist (e.g. a bigger model from make-tiny-model.mjs).
 *    The models directory is served at `/models/` whatever its location on disk.
 * 2. Serves the repository root from a throwaway `node:http` server on 127.0.0.1. transformers.js
 *    is loaded from `dist/transformers.js`, the build with ONNX Runtime's JavaScript inlined, so the
 *    page needs no import map; the ORT wasm files come from `node_modules/onnxruntime-web/dist/`.
 * 3. Drives headless Chromium (playwright-core, system Chromium) through:
 *    - wasm: `pipeline('text-generation')` greedy on a raw prompt and on chat messages (ChatML
 *      template), token ids and timing of `max_new_tokens` tokens;
 *    - wasm: a batch of prompts of different lengths (left padding) equals the prompts one by one;
 *    - wasm: a follow-up turn generated with the first turn's `past_key_values` equals the same
 *      turn generated from scratch (causal mask and positions over past + current are right);
 *    - webgpu (SwiftShader here): the raw-prompt greedy ids equal the wasm ids, and the two-turn
 *      cache check passes with GPU-resident `present.*` tensors and matches wasm's turn 2.
 *    SwiftShader is slow: about 10 s for the default model, minutes for an 8×512 one
 *    (`--no-webgpu` skips it).
 * 4. Prints outputs, timings and the files the page fetched; exits 1 on any mismatch or error.
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { writeTinyModel } from './tiny-model/index.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODELS_DIR = join(ROOT, 'models');

const { values: args } = parseArgs({
  options: {
    id: { type: 'string', default: 'slm-tiny' },
    'models-dir': { type: 'string', default: MODELS_DIR },
    'max-new-tokens': { type: 'string', default: '40' },
    runs: { type: 'string', default: '5' },
    'wasm-paths': { type: 'string', default: 'prefix' },
    'no-webgpu': { type: 'boolean', default: false },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const MAX_NEW = Number(args['max-new-tokens']);
const RUNS = Number(args.runs);
/** Tokens per turn in the two-turn KV-cache check. */
const CACHE_NEW = 16;

/** Content types the browser is strict about: module scripts and `instantiateStreaming`. */
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
};

/** The page the tests run in; everything else is imported dynamically from `page.evaluate`. */
const PAGE =
  '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">' +
  '<title>verify tiny model</title><p>verify-tiny-model</p>';

/**
 * @typedef {{ method: string, path: string, status: number, bytes: number }} RequestRecord
 */

/**
 * Starts a static file server for the repository root.
 * @returns {Promise<{ origin: string, requests: RequestRecord[], close: () => Promise<void> }>}
 */
async function startServer() {
  /** @type {RequestRecord[]} */
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    const record = { method: req.method ?? 'GET', path, status: 200, bytes: 0 };
    requests.push(record);
    /** @param {number} status @param {string|Buffer} body @param {string} type */
    const send = (status, body, type) => {
      record.status = status;
      record.bytes = body.length;
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/' || path === '/index.html') return send(200, PAGE, MIME['.html']);
    // /models/ may live outside the repository (--models-dir); everything else is the repo root.
    const [base, rest] = path.startsWith('/models/')
      ? [resolve(args['models-dir']), path.slice('/models'.length)]
      : [ROOT, path];
    // Resolve inside `base` only: normalize() collapses "..", and the prefix check rejects escapes.
    const file = normalize(join(base, rest));
    if (!file.startsWith(base + sep)) return send(403, 'forbidden', 'text/plain');
    try {
      if (!(await stat(file)).isFile()) return send(404, 'not found', 'text/plain');
      const body = await readFile(file);
      return send(200, body, MIME[extname(file)] ?? 'application/octet-stream');
    } catch {
      return send(404, 'not found', 'text/plain');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    // http://127.0.0.1 is a secure context, which navigator.gpu requires.
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((ok) => server.close(() => ok(undefined))),
  };
}

/**
 * Rejects if `promise` does not settle within `ms` (a hung WebGPU device would otherwise hang CI).
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout} */
  let timer;
  return Promise.race([
    promise,
    new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${what} timed out after ${ms / 1000}s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// In-page code. These functions are serialised by page.evaluate, so they must be self-contained;
// shared state lives on `window.__verify`.

/**
 * Imports transformers.js and configures it for local, self-hosted files only.
 * @param {{ wasmPaths: 'prefix'|'object' }} options
 */
async function pageSetup({ wasmPaths }) {
  const T = await import('/node_modules/@huggingface/transformers/dist/transformers.js');
  const { env } = T;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.localModelPath = '/models/';
  // Fetch every file from the server each time so the request log shows what is needed.
  env.useBrowserCache = false;
  const dist = new URL('/node_modules/onnxruntime-web/dist/', location.href).href;
  env.backends.onnx.wasm.wasmPaths =
    wasmPaths === 'object'
      ? {
          mjs: `${dist}ort-wasm-simd-threaded.asyncify.mjs`,
          wasm: `${dist}ort-wasm-simd-threaded.asyncify.wasm`,
        }
      : '/node_modules/onnxruntime-web/dist/';
  /** @type {any} */ (window).__verify = { T, pipes: {} };
  return {
    version: env.version,
    ort: env.backends.onnx.versions,
    crossOriginIsolated,
    gpu: 'gpu' in navigator,
  };
}

/**
 * Greedy-generates from `prompt` with the loaded pipeline, timing the whole call and the first
 * token (via a minimal streamer: `put` gets the prompt first, then one call per new token).
 * @param {{ device: string, prompt: string, maxNew: number }} options
 */
async function pageGenerateIds({ device, prompt, maxNew }) {
  const pipe = /** @type {any} */ (window).__verify.pipes[device];
  const enc = pipe.tokenizer(prompt);
  const promptLength = enc.input_ids.dims[1];
  let puts = 0;
  let firstTokenAt = 0;
  const streamer = {
    put() {
      if (++puts === 2) firstTokenAt = performance.now();
    },
    end() {
      // Timing only: nothing to flush.
    },
  };
  const start = performance.now();
  const sequences = await pipe.model.generate({ ...enc, do_sample: false, max_new_tokens: maxNew, streamer });
  const end = performance.now();
  const ids = Array.from(sequences.data, Number).slice(promptLength);
  return { ids, text: pipe.tokenizer.decode(ids), totalMs: end - start, firstTokenMs: firstTokenAt - start };
}

/**
 * Loads the pipeline on `device` and runs the raw-prompt and chat generations through it.
 * @param {{ id: string, device: string, prompt: string, messages: object[], maxNew: number,
 *   chat: boolean }} o
 */
async function pageLoadAndGenerate({ id, device, prompt, messages, maxNew, chat }) {
  const V = /** @type {any} */ (window).__verify;
  const start = performance.now();
  const pipe = await V.T.pipeline('text-generation', id, { device, dtype: 'fp32' });
  const loadMs = performance.now() - start;
  V.pipes[device] = pipe;
  const gen = { do_sample: false, max_new_tokens: maxNew };
  const raw = (await pipe(prompt, { ...gen, return_full_text: false }))[0].generated_text;
  let chatText = null;
  let chatPrompt = null;
  if (chat) {
    chatPrompt = pipe.tokenizer.apply_chat_template(messages, {
      tokenize: false,
      add_generation_prompt: true,
    });
    chatText = (await pipe(messages, gen))[0].generated_text.at(-1).content;
  }
  return {
    loadMs,
    raw,
    chatPrompt,
    chatText,
    special: {
      bos: [pipe.tokenizer.bos_token, pipe.tokenizer.bos_token_id ?? null],
      eos: [pipe.tokenizer.eos_token, pipe.tokenizer.eos_token_id],
      pad: [pipe.tokenizer.pad_token, pipe.tokenizer.pad_token_id],
      im_start: pipe.tokenizer.encode('<|im_start|>'),
    },
  };
}

/**
 * Batched generation (left padding) must equal one-by-one generation.
 * @param {{ prompts: string[], maxNew: number }} options
 */
async function pageBatch({ prompts, maxNew }) {
  const pipe = /** @type {any} */ (window).__verify.pipes.wasm;
  const gen = { do_sample: false, max_new_tokens: maxNew, return_full_text: false };
  const batched = (await pipe(prompts, gen)).map((r) => r[0].generated_text);
  const single = [];
  for (const p of prompts) single.push((await pipe(p, gen))[0].generated_text);
  return { batched, single };
}

/**
 * Two-turn chat: turn 2 generated with the KV cache of turn 1 must equal turn 2 from scratch.
 * @param {{ device: string, messages: object[], maxNew: number }} options
 */
async function pageCacheReuse({ device, messages, maxNew }) {
  const { T, pipes } = /** @type {any} */ (window).__verify;
  const { model, tokenizer } = pipes[device];
  const toInputs = (/** @type {number[]} */ ids) => ({
    input_ids: new T.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
    attention_mask: new T.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
  });
  const gen = { do_sample: false, max_new_tokens: maxNew };
  const prompt1 = tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true });
  const ids1 = Array.from(tokenizer(prompt1).input_ids.data, Number);
  const turn1 = await model.generate({ ...toInputs(ids1), ...gen, return_dict_in_generate: true });
  const seq1 = Array.from(turn1.sequences.data, Number);
  // The cache covers every token fed to the model: all of seq1 except the last generated token.
  const cachedLength = turn1.past_key_values.get_seq_length();
  const follow = '<|im_end|>\n<|im_start|>user\nAnd then what happened?<|im_end|>\n<|im_start|>assistant\n';
  const ids2 = [...seq1, ...Array.from(tokenizer(follow).input_ids.data, Number)];

  let start = performance.now();
  const cached = await model.generate({ ...toInputs(ids2), ...gen, past_key_values: turn1.past_key_values });
  const cachedMs = performance.now() - start;
  start = performance.now();
  const fresh = await model.generate({ ...toInputs(ids2), ...gen });
  const freshMs = performance.now() - start;
  await turn1.past_key_values.dispose?.();
  const tail = (/** @type {any} */ t) => Array.from(t.data, Number).slice(ids2.length);
  return {
    turn1: tokenizer.decode(seq1.slice(ids1.length)),
    cachedLength,
    seq1Length: seq1.length,
    turn2Length: ids2.length,
    cached: tail(cached),
    fresh: tail(fresh),
    text: tokenizer.decode(tail(cached)),
    cachedMs,
    freshMs,
  };
}

/** Describes the WebGPU adapter, or why there is none. */
async function pageGpuInfo() {
  if (!('gpu' in navigator)) return { available: false, reason: 'navigator.gpu missing' };
  const adapter = await /** @type {any} */ (navigator).gpu.requestAdapter();
  if (!adapter) return { available: false, reason: 'requestAdapter() returned null' };
  const info = adapter.info ?? {};
  return {
    available: true,
    adapter: `${info.vendor} ${info.architecture} ${info.description ?? ''}`.trim(),
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? null,
    shaderF16: adapter.features.has('shader-f16'),
  };
}

// ---------------------------------------------------------------------------------------------

/** @param {number[]} xs @returns {number} */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** @param {unknown[]} a @param {unknown[]} b */
const sameIds = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Runs every check; returns the number of failures. */
async function main() {
  let failures = 0;
  /** @param {boolean} ok @param {string} label @param {string} [detail] */
  const check = (ok, label, detail = '') => {
    console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}${detail ? `  ${detail}` : ''}`);
    if (!ok) failures++;
  };

  // Only the default model is (re)generated here: other ids may have been made with other shapes,
  // and regenerating them with default options would silently replace them.
  if (args.id === 'slm-tiny' && resolve(args['models-dir']) === MODELS_DIR) {
    const { written } = await writeTinyModel({ out: MODELS_DIR, id: 'slm-tiny' });
    console.log(
      `model: models/slm-tiny ${written.length ? `(wrote ${written.join(', ')})` : '(up to date)'}`,
    );
  }
  const server = await startServer();
  // System Chromium, not a Playwright download. Headless Chromium exposes a WebGPU adapter backed
  // by SwiftShader (a CPU Vulkan implementation, `isFallbackAdapter: true`) with these flags only;
  // the other two keep it from reaching out to the network.
  const browser = await chromium.launch({
    executablePath: args.chromium,
    args: [
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  try {
    const page = await browser.newPage();
    // Surface what transformers.js/ORT log (404s, fallbacks, warnings); info-level chatter is dropped.
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning')
        console.log(`  [console ${msg.type()}] ${msg.text()}`);
    });
    page.on('pageerror', (err) => console.log(`  [page error] ${err.message}`));
    await page.goto(`${server.origin}/`);

    const setup = await page.evaluate(pageSetup, {
      wasmPaths: /** @type {'prefix'|'object'} */ (args['wasm-paths']),
    });
    console.log(
      `transformers.js ${setup.version}, onnxruntime-web ${setup.ort?.web}, ` +
        `crossOriginIsolated=${setup.crossOriginIsolated}, wasmPaths=${args['wasm-paths']}`,
    );

    const prompt = 'Once upon a time';
    const messages = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Tell me a story about a tiny model.' },
    ];

    // ---- wasm: load, raw prompt, chat template. Loading also fetches the ORT wasm binary (~27 MB).
    const wasm = await withTimeout(
      page.evaluate(pageLoadAndGenerate, {
        id: args.id,
        device: 'wasm',
        prompt,
        messages,
        maxNew: MAX_NEW,
        chat: true,
      }),
      120_000,
      'wasm load + generate',
    );
    console.log(`\n[wasm] pipeline loaded in ${wasm.loadMs.toFixed(0)} ms`);
    console.log(`[wasm] special tokens: ${JSON.stringify(wasm.special)}`);
    console.log(`[wasm] raw  ${JSON.stringify(prompt)} → ${JSON.stringify(wasm.raw)}`);
    console.log(`[wasm] chat prompt ${JSON.stringify(wasm.chatPrompt)}`);
    console.log(`[wasm] chat → ${JSON.stringify(wasm.chatText)}`);
    check(
      wasm.raw.length > 0 && wasm.chatText.length > 0,
      'wasm generates text for a raw prompt and for chat messages',
    );

    // Timing: several runs of the same generation; the first is slower (JIT, allocator warm-up), so
    // the median is what we report. Greedy decoding must also give the same ids every time.
    /** @type {Awaited<ReturnType<typeof pageGenerateIds>>[]} */
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await page.evaluate(pageGenerateIds, { device: 'wasm', prompt, maxNew: MAX_NEW }));
    }
    const ref = runs[0];
    check(
      runs.every((r) => sameIds(r.ids, ref.ids)),
      `wasm greedy ids identical across ${RUNS} runs`,
    );
    check(ref.text === wasm.raw, 'model.generate ids decode to the pipeline output');
    const totals = runs.map((r) => r.totalMs);
    const decodeMs = runs.map((r) => (r.totalMs - r.firstTokenMs) / Math.max(1, r.ids.length - 1));
    console.log(
      `[wasm] ${ref.ids.length} tokens: median ${median(totals).toFixed(1)} ms ` +
        `(min ${Math.min(...totals).toFixed(1)}, first run ${totals[0].toFixed(1)}), ` +
        `first token ${median(runs.map((r) => r.firstTokenMs)).toFixed(1)} ms, ` +
        `decode ${median(decodeMs).toFixed(2)} ms/token ≈ ${(1000 / median(decodeMs)).toFixed(0)} tokens/s`,
    );

    // Padding: the pipeline left-pads a batch with <|endoftext|> and a zero attention mask; the
    // model must ignore those positions (and survive fully masked rows) to match single prompts.
    const batch = await withTimeout(
      page.evaluate(pageBatch, { prompts: ['Hi', 'The quick brown fox jumps over', 'A'], maxNew: 20 }),
      60_000,
      'batch',
    );
    console.log(`[wasm] batch ${JSON.stringify(batch.batched)}`);
    check(
      sameIds(batch.batched, batch.single),
      'batched (left-padded) generation equals one-by-one generation',
      sameIds(batch.batched, batch.single) ? '' : JSON.stringify(batch.single),
    );

    // Past + current positions: only the causal mask over past_sequence_length + sequence_length and
    // position_ids offset by the past make a cached follow-up turn equal to a fresh one.
    const cache = await withTimeout(
      page.evaluate(pageCacheReuse, { device: 'wasm', messages, maxNew: CACHE_NEW }),
      60_000,
      'cache reuse',
    );
    console.log(
      `[wasm] turn 1 → ${JSON.stringify(cache.turn1)}; cache holds ${cache.cachedLength} of ` +
        `${cache.seq1Length} tokens; turn 2 prompt ${cache.turn2Length} tokens`,
    );
    console.log(
      `[wasm] turn 2 with cache → ${JSON.stringify(cache.text)} ` +
        `(${cache.cachedMs.toFixed(1)} ms; from scratch ${cache.freshMs.toFixed(1)} ms)`,
    );
    check(cache.cachedLength === cache.seq1Length - 1, 'past_key_values covers every token fed to the model');
    check(
      sameIds(cache.cached, cache.fresh),
      'generation with past_key_values equals generation without',
      sameIds(cache.cached, cache.fresh) ? '' : `${cache.cached} vs ${cache.fresh}`,
    );

    // ---- webgpu: same model and prompt. Equal greedy ids need bit-identical rotary tables (see
    // llama-graph.mjs) and logit errors far below the usual top-2 gap; a mismatch here usually means
    // a near-tie, which a different prompt or seed would avoid.
    if (args['no-webgpu']) {
      console.log('\n[webgpu] skipped (--no-webgpu)');
    } else {
      const gpu = await page.evaluate(pageGpuInfo);
      console.log(`\n[webgpu] adapter: ${JSON.stringify(gpu)}`);
      check(gpu.available, 'WebGPU adapter available');
      if (gpu.available) {
        const start = Date.now();
        const loaded = await withTimeout(
          page.evaluate(pageLoadAndGenerate, {
            id: args.id,
            device: 'webgpu',
            prompt,
            messages,
            maxNew: MAX_NEW,
            chat: false,
          }),
          300_000,
          'webgpu load + generate',
        );
        const timed = await withTimeout(
          page.evaluate(pageGenerateIds, { device: 'webgpu', prompt, maxNew: MAX_NEW }),
          300_000,
          'webgpu generate',
        );
        console.log(`[webgpu] pipeline loaded in ${loaded.loadMs.toFixed(0)} ms`);
        console.log(`[webgpu] raw  ${JSON.stringify(prompt)} → ${JSON.stringify(loaded.raw)}`);
        console.log(
          `[webgpu] ${timed.ids.length} tokens in ${timed.totalMs.toFixed(0)} ms ` +
            `(first token ${timed.firstTokenMs.toFixed(0)} ms); ` +
            `webgpu phase ${((Date.now() - start) / 1000).toFixed(1)} s`,
        );
        check(loaded.raw === wasm.raw, 'webgpu pipeline text equals wasm');
        check(
          sameIds(timed.ids, ref.ids),
          'webgpu greedy ids equal wasm greedy ids',
          sameIds(timed.ids, ref.ids) ? '' : `${timed.ids} vs ${ref.ids}`,
        );
        // On WebGPU transformers.js keeps present.* in GPU buffers and feeds them back as the
        // cache, so this also covers GPU-resident past_key_values.
        const gpuCache = await withTimeout(
          page.evaluate(pageCacheReuse, { device: 'webgpu', messages, maxNew: CACHE_NEW }),
          300_000,
          'webgpu cache reuse',
        );
        console.log(
          `[webgpu] turn 2 with cache → ${JSON.stringify(gpuCache.text)} ` +
            `(${gpuCache.cachedMs.toFixed(0)} ms; from scratch ${gpuCache.freshMs.toFixed(0)} ms)`,
        );
        check(
          sameIds(gpuCache.cached, gpuCache.fresh),
          'webgpu generation with past_key_values equals generation without',
        );
        check(sameIds(gpuCache.cached, cache.cached), 'webgpu cached turn 2 equals wasm turn 2');
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }

  // ---- What the page fetched: the model files per pipeline (the browser cache is off) and which of
  // the ort-wasm-simd-threaded.* variants ONNX Runtime chose, so deployments can ship only those.
  const summary = new Map();
  for (const r of server.requests) {
    const key = `${r.status} ${r.path}`;
    const s = summary.get(key) ?? { count: 0, bytes: r.bytes };
    s.count++;
    summary.set(key, s);
  }
  console.log(
    '\nrequests under /models/ and /node_modules/onnxruntime-web/dist/ (status path ×count bytes):',
  );
  for (const [key, s] of summary) {
    if (key.includes('/models/') || key.includes('/onnxruntime-web/dist/')) {
      console.log(`  ${key} ×${s.count} ${s.bytes}`);
    }
  }
  const missing = [...summary.keys()].filter((k) => k.startsWith('404'));
  if (missing.length) console.log(`404s: ${missing.join(', ')}`);

  console.log(failures ? `\n${failures} check(s) FAILED` : '\nall checks passed');
  return failures;
}

main().then(
  (failures) => process.exit(failures ? 1 : 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
