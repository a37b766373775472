#!/usr/bin/env node
/**
 * `npm run bench:gpu`: the decode, follow-up-turn and load sections of the benchmark in a real
 * browser through WebGPU, with random-weight models of real shapes (`make_models.py`), the library
 * and a bare transformers.js pipeline side by side (issue 19).
 *
 *   node bench/gpu/run-gpu.mjs [--chromium PATH] [--flags "..."] [--configs FILE] [--models DIR]
 *       [--only ID,...] [--dtypes fp32,q4,...] [--reps N] [--tokens N] [--timeout S]
 *       [--out FILE] [--md FILE] [--probe]
 *
 * - `--configs FILE`: a JSON list of `{ name, flags: [...], env: {...} }` browser set-ups. Each is
 *   opened on a probe page first; the first whose WebGPU adapter is a real GPU (not SwiftShader
 *   or another fallback) runs the benchmark. Without it, `--flags` is the one set-up.
 * - `--probe`: stop after the probes.
 * Results go to `--out` (default bench/out/gpu-results.json) as they arrive, and `--md` (default
 * bench/RESULTS-GPU.md) is written from them (`node bench/gpu/report.mjs` does that alone).
 *
 * Needs `npm run build` and the models (`npm run bench:gpu` builds; models: see bench/gpu/README.md).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeGpuReport } from './report.mjs';
import { startGpuServer } from './serve.mjs';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const { values: flags } = parseArgs({
  options: {
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    flags: { type: 'string', default: '' },
    configs: { type: 'string' },
    models: { type: 'string', default: join(ROOT, 'models') },
    only: { type: 'string', default: 'gpu-smollm2-360m,gpu-qwen3-0.6b,gpu-llama-3.2-1b' },
    dtypes: { type: 'string', default: 'q4f16,fp16,q4,fp32' },
    reps: { type: 'string', default: '3' },
    tokens: { type: 'string', default: '128' },
    timeout: { type: 'string', default: '1500' },
    'probe-timeout': { type: 'string', default: '40' },
    out: { type: 'string', default: join(ROOT, 'bench', 'out', 'gpu-results.json') },
    md: { type: 'string', default: join(ROOT, 'bench', 'RESULTS-GPU.md') },
    probe: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(2, 21).join('\n'));
  process.exit(0);
}

const started = performance.now();
const log = (message) => console.log(`[bench:gpu ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}`);

/** Browser set-ups to try, in order. */
const configs = flags.configs
  ? JSON.parse(readFileSync(flags.configs, 'utf8'))
  : [{ name: 'flags', flags: flags.flags.split(' ').filter(Boolean), env: {} }];
const jobs = [];
// dtype-major: every model's smaller files first, so a run cut short still compares the models.
for (const dtype of flags.dtypes.split(',')) for (const model of flags.only.split(',')) jobs.push({ model, dtype });

/** What make_models.py recorded about each model (shape, file sizes, bytes read per token). */
const models = {};
for (const id of flags.only.split(',')) {
  try {
    models[id] = JSON.parse(readFileSync(join(flags.models, id, 'bench-meta.json'), 'utf8'));
  } catch {
    console.warn(`no ${join(flags.models, id, 'bench-meta.json')}: run bench/gpu/make_models.py first`);
  }
}
const results = {
  run: { date: new Date().toISOString(), chromium: flags.chromium, jobs, models, tokens: Number(flags.tokens), reps: Number(flags.reps) },
  probes: [],
  records: [],
};
const save = () => {
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, `${JSON.stringify(results, null, 1)}\n`);
};

/**
 * Opens the page in one browser set-up and collects what it posts until it says done, the
 * browser exits, or `seconds` pass.
 */
async function openPage(config, plan, seconds, logName) {
  const records = [];
  const server = await startGpuServer({
    root: ROOT,
    modelsDir: resolve(flags.models),
    plan: JSON.stringify(plan),
    onResult: (record) => {
      records.push(record);
      if (record.kind === 'job') {
        const figures = record.error
          ? `error ${record.error.split('\n')[0].slice(0, 160)}`
          : record.skipped ?? `decode ${record.decode?.decodeTps?.toFixed(1)} tok/s, ttft ${record.decode?.ttftMs?.toFixed(0)} ms, load ${record.load?.ms?.toFixed(0)} ms`;
        log(`  ${record.model} ${record.dtype} ${record.side ?? ''}: ${figures}`);
      } else if (record.kind === 'adapter') {
        const a = record.adapter ?? {};
        log(`  adapter: ${a.vendor ?? '-'} / ${a.architecture ?? '-'} / ${a.device ?? '-'} / ${a.description ?? '-'}; f16 ${a.features?.includes('shader-f16')}; copy ${a.copyGBs} GB/s; fallback ${a.isFallbackAdapter}${a.error ? ` error ${a.error}` : ''}`);
      } else {
        log(`  ${JSON.stringify(record).slice(0, 300)}`);
      }
      if (record.kind === 'job') {
        results.records.push({ config: config.name, ...record });
        save();
      }
    },
  });
  const profile = mkdtempSync(join(tmpdir(), 'slm-gpu-profile-'));
  const args = [
    '--no-sandbox',
    '--no-first-run',
    '--no-default-browser-check',
    `--user-data-dir=${profile}`,
    '--enable-unsafe-webgpu',
    ...config.flags,
    `${server.origin}/bench/gpu/pages/gpu.html`,
  ];
  const logFile = join(dirname(flags.out), `${logName}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const output = [];
  const browser = spawn(flags.chromium, args, { env: { ...process.env, ...(config.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
  browser.stdout.on('data', (d) => output.push(d));
  browser.stderr.on('data', (d) => output.push(d));
  const exited = new Promise((resolve) => browser.on('exit', (code, signal) => resolve(`exit ${code ?? signal}`)));
  const outcome = await Promise.race([
    server.done.then(() => 'done'),
    exited,
    new Promise((resolve) => setTimeout(() => resolve('timeout'), seconds * 1000)),
  ]);
  browser.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
  browser.kill('SIGKILL');
  await server.close();
  writeFileSync(logFile, Buffer.concat(output));
  return { outcome, records, logFile };
}

/** Whether an adapter record is a hardware GPU. */
const isHardware = (adapter) =>
  Boolean(adapter?.vendor) && !adapter.isFallbackAdapter && !/swiftshader|google|llvmpipe|lavapipe/i.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description}`);

let chosen = null;
for (const config of configs) {
  log(`probe "${config.name}": ${config.flags.join(' ')}`);
  const { outcome, records, logFile } = await openPage(config, { probeOnly: true }, Number(flags['probe-timeout']), `probe-${config.name}`);
  const adapter = records.find((r) => r.kind === 'adapter')?.adapter ?? null;
  results.probes.push({ config, outcome, adapter, logFile });
  save();
  if (!adapter) {
    const tail = readFileSync(logFile, 'utf8').split('\n').filter((line) => /error|vulkan|gpu|webgpu|dawn|fail/i.test(line)).slice(-8);
    log(`  ${outcome}, no adapter record; log: ${tail.join(' | ').slice(0, 900)}`);
  }
  if (isHardware(adapter)) {
    chosen = { config, adapter };
    break;
  }
}
if (!chosen && !flags.probe && configs.length === 1 && process.env.BENCH_GPU_ALLOW_FALLBACK) {
  // Dry runs on a machine without a GPU: run the plan on whatever adapter there is.
  chosen = { config: configs[0], adapter: results.probes[0]?.adapter };
}
if (!chosen) log('no browser set-up reached a hardware GPU');
if (chosen && !flags.probe) {
  results.run.config = chosen.config;
  results.run.adapter = chosen.adapter;
  save();
  log(`bench with "${chosen.config.name}" on ${chosen.adapter?.description || chosen.adapter?.device || chosen.adapter?.vendor}`);
  const plan = { jobs, reps: Number(flags.reps), decodeTokens: Number(flags.tokens) };
  const { outcome } = await openPage(chosen.config, plan, Number(flags.timeout), `bench-${chosen.config.name}`);
  results.run.outcome = outcome;
  log(`bench ${outcome}`);
}
results.run.seconds = Math.round((performance.now() - started) / 1000);
save();
if (results.records.length) {
  const nodeResults = join(dirname(flags.out), 'gpu-node-results.json');
  const node = existsSync(nodeResults) ? JSON.parse(readFileSync(nodeResults, 'utf8')) : undefined;
  await writeGpuReport({ browser: results, node }, flags.md);
  log(`wrote ${flags.md}`);
}
process.exit(chosen || flags.probe ? 0 : 2);
