#!/usr/bin/env node
/**
 * @file CLI: generate the tiny random Llama model used by tests, demos and benchmarks.
 *
 *   node scripts/make-tiny-model.mjs [--out models] [--id slm-tiny] [--layers 2] [--hidden 64]
 *     [--heads 4] [--kv-heads 2] [--head-dim N] [--intermediate 128] [--seed 42] [--max-pos 2048]
 *     [--rope-theta 10000] [--eos-bias -12] [--dialect chatml|qwen|llama3]
 *
 * Writes `<out>/<id>/{config.json, generation_config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx}` and the folder's `manifest.json` (sizes and SHA-256,
 * `scripts/write-manifest.mjs`). Output is deterministic; files that already have
 * the right contents are left alone, so running it from `pretest` costs a fraction of a second.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, writeTinyModel } from './tiny-model/index.mjs';
import { writeManifest } from './write-manifest.mjs';

/** CLI flag → option name; every flag takes a value. */
const FLAGS = {
  out: 'out',
  id: 'id',
  layers: 'layers',
  hidden: 'hidden',
  heads: 'heads',
  'kv-heads': 'kvHeads',
  'head-dim': 'headDim',
  intermediate: 'intermediate',
  seed: 'seed',
  'max-pos': 'maxPos',
  'rope-theta': 'ropeTheta',
  'eos-bias': 'eosBias',
  dialect: 'dialect',
};

/**
 * Parses argv into generator options; numeric flags are converted and validated.
 * @param {string[]} argv Arguments after the script name.
 * @returns {import('./tiny-model/index.mjs').TinyModelOptions}
 */
function parseOptions(argv) {
  // parseArgs refuses `--eos-bias -2` (a value that looks like a flag); glue negative numbers to
  // their flag as `--eos-bias=-2`, which it accepts.
  const args = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--') && !argv[i].includes('=') && /^-\d/.test(argv[i + 1] ?? '')) {
      args.push(`${argv[i]}=${argv[++i]}`);
    } else {
      args.push(argv[i]);
    }
  }
  const { values } = parseArgs({
    args,
    options: {
      ...Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' }])),
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      `Usage: node scripts/make-tiny-model.mjs ${Object.keys(FLAGS)
        .map((f) => `[--${f} ${DEFAULTS[FLAGS[f]] ?? '<n>'}]`)
        .join(' ')}`,
    );
    process.exit(0);
  }
  /** @type {Record<string, string|number>} */
  const options = {};
  for (const [flag, key] of Object.entries(FLAGS)) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (key === 'out' || key === 'id' || key === 'dialect') {
      options[key] = raw;
    } else {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`--${flag} expects a number, got "${raw}"`);
      options[key] = n;
    }
  }
  return options;
}

try {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const { dir, written, totalBytes, parameterCount } = await writeTinyModel(options);
  const where = relative(process.cwd(), dir) || '.';
  const size = `${(totalBytes / 1e6).toFixed(2)} MB, ${(parameterCount / 1e6).toFixed(2)}M params`;
  // Served like a self-hosted folder should be: with its manifest (scripts/write-manifest.mjs).
  await writeManifest(dir);
  const ms = Math.round(performance.now() - started);
  console.log(
    written.length
      ? `make-tiny-model: wrote ${written.join(', ')} in ${where}/ (${size}, ${ms} ms)`
      : `make-tiny-model: ${where}/ is up to date (${size}, ${ms} ms)`,
  );
} catch (err) {
  console.error(`make-tiny-model: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
