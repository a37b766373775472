/**
 * Broken and odd variants of the tiny model, for the tests of faults and bad input. Each is a
 * copy of `models/slm-tiny` (run `make-tiny-model.mjs` first) with one thing changed:
 *
 * - `slm-bad-config`: `config.json` is cut off mid-JSON.
 * - `slm-bad-tokenizer`: `tokenizer.json` is cut off mid-JSON.
 * - `slm-gpu-broken`: ships `model_q4.onnx` (what WebGPU without shader-f16 picks) as bytes ONNX
 *   Runtime cannot parse, and the working weights as `model_quantized.onnx` (what WebAssembly
 *   picks): a model whose WebGPU load fails for real, so the fallback to WebAssembly can be tested.
 * - `slm-huge`: the tiny model without a manifest; the test server claims its weights are a
 *   petabyte (see `test/server/fixture-models.mjs`), so the storage check refuses it before
 *   downloading.
 * - `slm-plain`: the tiny model as a folder without a manifest whose `config.json` declares its
 *   dtype (`transformers.js_config.dtype`, as onnx-community exports do).
 * - `slm-giant`: a model whose `config.json` and `manifest.json` describe an 8-billion-parameter
 *   model (its fp32 weights 32 GB, q4 5.7 GB, q4f16 3.6 GB... the files themselves are the tiny
 *   model's), for the checks that refuse a model the device cannot run before downloading it.
 *
 * Every changed copy gets its own `manifest.json` (what its host would publish), so the broken
 * files reach the parser rather than failing their SHA-256.
 * - `slm-tiny-qwen`, `slm-tiny-llama3`: tiny models of their own (not copies) whose tokenizers and
 *   chat templates are those of Qwen 2.5 and Llama 3.1 with tools (`tiny-model/dialects.mjs`), for
 *   the tool-calling tests (end-of-reply bias 0: see below).
 *
 *   node scripts/make-fixture-models.mjs [--out models]
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeManifest } from './write-manifest.mjs';
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

const badConfig = await copyOf('slm-bad-config');
await truncate(join(badConfig, 'config.json'));
await writeManifest(badConfig);
const badTokenizer = await copyOf('slm-bad-tokenizer');
await truncate(join(badTokenizer, 'tokenizer.json'));
await writeManifest(badTokenizer);

const broken = await copyOf('slm-gpu-broken');
await cp(join(broken, 'onnx/model.onnx'), join(broken, 'onnx/model_quantized.onnx'));
await rm(join(broken, 'onnx/model.onnx'));
await mkdir(join(broken, 'onnx'), { recursive: true });
await writeFile(join(broken, 'onnx/model_q4.onnx'), 'These bytes are not an ONNX model.\n');
await writeManifest(broken);

await rm(join(await copyOf('slm-huge'), 'manifest.json'));

const plain = await copyOf('slm-plain');
await rm(join(plain, 'manifest.json'));
const plainConfig = JSON.parse(await readFile(join(plain, 'config.json'), 'utf8'));
await writeFile(join(plain, 'config.json'), JSON.stringify({ ...plainConfig, 'transformers.js_config': { dtype: 'fp32' } }, null, 2));

// An 8B Llama on paper: 128,256 × 4,096 embeddings, weights of every precision listed.
const giant = await copyOf('slm-giant');
const giantConfig = JSON.parse(await readFile(join(giant, 'config.json'), 'utf8'));
await writeFile(
  join(giant, 'config.json'),
  JSON.stringify({ ...giantConfig, vocab_size: 128_256, hidden_size: 4096, num_hidden_layers: 32, intermediate_size: 14_336 }, null, 2),
);
await writeManifest(giant);
const giantManifest = JSON.parse(await readFile(join(giant, 'manifest.json'), 'utf8'));
const GB = 10 ** 9;
for (const [file, size] of [
  ['onnx/model.onnx', 32.1 * GB],
  ['onnx/model_fp16.onnx', 16.1 * GB],
  ['onnx/model_quantized.onnx', 8.1 * GB],
  ['onnx/model_q4.onnx', 5.7 * GB],
  ['onnx/model_q4f16.onnx', 3.6 * GB],
]) {
  giantManifest.files[file] = { size: Math.round(size) };
}
await writeFile(join(giant, 'manifest.json'), `${JSON.stringify(giantManifest, null, 2)}\n`);

// An end-of-reply bias of 0 (beside −6 for a line break): after a call, a random model ends its
// reply instead of writing another call, as trained models do; free text still outweighs it.
for (const dialect of ['qwen', 'llama3']) {
  const id = `slm-tiny-${dialect}`;
  await writeTinyModel({ out: values.out, id, dialect, eosBias: 0 });
  await writeManifest(join(values.out, id));
}

console.log(
  `fixture models written to ${values.out}/: slm-bad-config, slm-bad-tokenizer, slm-gpu-broken, slm-huge, slm-plain, slm-giant, slm-tiny-qwen, slm-tiny-llama3`,
);
