/**
 * Broken and odd variants of the tiny model, for the tests of faults and bad input. Each is a
 * copy of `models/slm-tiny` (run `make-tiny-model.mjs` first) with one thing changed:
 *
 * - `slm-bad-config`: `config.json` is cut off mid-JSON.
 * - `slm-bad-tokenizer`: `tokenizer.json` is cut off mid-JSON.
 * - `slm-gpu-broken`: ships `model_q4.onnx` (what WebGPU without shader-f16 picks) as bytes ONNX
 *   Runtime cannot parse, and the working weights as `model_quantized.onnx` (what WebAssembly
 *   picks): a model whose WebGPU load fails for real, so the fallback to WebAssembly can be tested.
 * - `slm-huge`: the tiny model; the test server claims its weights are a petabyte (see
 *   `test/server/fixture-models.mjs`), so the storage check refuses it before downloading.
 * - `slm-tiny-qwen`, `slm-tiny-llama3`: tiny models of their own (not copies) whose tokenizers and
 *   chat templates are those of Qwen 2.5 and Llama 3.1 with tools (`tiny-model/dialects.mjs`), for
 *   the tool-calling tests (end-of-reply bias 0: see below).
 *
 *   node scripts/make-fixture-models.mjs [--out models]
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTinyModel } from './tiny-model/index.mjs';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'models' } } });
const source = join(values.out, 'slm-tiny');

/** A fresh copy of the tiny model under `name`, returning its folder. */
async function copyOf(name) {
  const folder = join(values.out, name);
  await rm(folder, { recursive: true, force: true });
  await cp(source, folder, { recursive: true });
  return folder;
}

/** Cuts a JSON file in half, so it no longer parses. */
async function truncate(file) {
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
}

await truncate(join(await copyOf('slm-bad-config'), 'config.json'));
await truncate(join(await copyOf('slm-bad-tokenizer'), 'tokenizer.json'));

const broken = await copyOf('slm-gpu-broken');
await cp(join(broken, 'onnx/model.onnx'), join(broken, 'onnx/model_quantized.onnx'));
await rm(join(broken, 'onnx/model.onnx'));
await mkdir(join(broken, 'onnx'), { recursive: true });
await writeFile(join(broken, 'onnx/model_q4.onnx'), 'These bytes are not an ONNX model.\n');

await copyOf('slm-huge');
// An end-of-reply bias of 0 (beside −6 for a line break): after a call, a random model ends its
// reply instead of writing another call, as trained models do; free text still outweighs it.
for (const dialect of ['qwen', 'llama3']) await writeTinyModel({ out: values.out, id: `slm-tiny-${dialect}`, dialect, eosBias: 0 });
console.log(`fixture models written to ${values.out}/: slm-bad-config, slm-bad-tokenizer, slm-gpu-broken, slm-huge, slm-tiny-qwen, slm-tiny-llama3`);
