/**
 * @file Generates a tiny random Llama-architecture causal LM that transformers.js can load.
 *
 * Programmatic entry point (the CLI is `scripts/make-tiny-model.mjs`):
 *
 * ```js
 * import { writeTinyModel } from './scripts/tiny-model/index.mjs';
 * const { dir, changed } = await writeTinyModel({ out: 'models', id: 'slm-tiny' });
 * ```
 *
 * Everything is deterministic: the same options always give the same bytes, so callers can run
 * the generator before every test run and it only touches the disk when something changed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { buildLlamaOnnx } from './llama-graph.mjs';
import { dialect as chatDialect } from './dialects.mjs';
import { buildTokenizerConfig, buildTokenizerJson, readableTokenBias } from './tokenizer.mjs';

export { TOKEN_IDS, VOCAB_SIZE } from './tokenizer.mjs';

/**
 * @typedef {object} TinyModelOptions
 * @property {string} [out] Base directory (what `env.localModelPath` points at).
 * @property {string} [id] Model id: the sub-directory name.
 * @property {number} [layers] Decoder blocks.
 * @property {number} [hidden] Model width.
 * @property {number} [heads] Query heads.
 * @property {number} [kvHeads] Key/value heads (divides `heads`).
 * @property {number} [headDim] Head width; defaults to hidden / heads.
 * @property {number} [intermediate] MLP width.
 * @property {number} [seed] PRNG seed.
 * @property {number} [maxPos] `max_position_embeddings`.
 * @property {number} [ropeTheta] Rotary base.
 * @property {number} [eosBias] Logit bias of `<|im_end|>`; the default makes it practically
 *   unreachable so generations run to `max_new_tokens` (predictable lengths for tests and
 *   benchmarks). Around 2 makes early stops common.
 * @property {string} [dialect] Tokens and chat template of a model family: `chatml` (default),
 *   `qwen` (Qwen 2.5 with tools) or `llama3` (Llama 3.1 with JSON tool calls); see `dialects.mjs`.
 */

/** Defaults: about 0.4 MB of weights, generating 40 tokens on wasm in a few tens of ms. */
export const DEFAULTS = Object.freeze({
  out: 'models',
  id: 'slm-tiny',
  layers: 2,
  hidden: 64,
  heads: 4,
  kvHeads: 2,
  headDim: undefined,
  intermediate: 128,
  seed: 42,
  maxPos: 2048,
  ropeTheta: 10000,
  eosBias: -12,
  dialect: 'chatml',
});

/**
 * Serialises JSON the way Hugging Face repositories do (2-space indent, trailing newline).
 * Key order is insertion order, which is fixed in this code, so the output is byte-stable.
 * @param {unknown} value
 * @returns {Buffer}
 */
function json(value) {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
}

/**
 * Builds every file of the model in memory.
 * @param {TinyModelOptions} [options]
 * @returns {{ files: Map<string, Buffer>, config: object, parameterCount: number }}
 *   `files` maps paths relative to the model directory (e.g. `onnx/model.onnx`) to contents.
 */
export function buildTinyModelFiles(options = {}) {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  if (o.headDim === undefined && o.hidden % o.heads !== 0) {
    throw new Error(
      `hidden (${o.hidden}) is not a multiple of heads (${o.heads}); pass headDim (--head-dim)`,
    );
  }
  const headDim = o.headDim ?? o.hidden / o.heads;
  const d = chatDialect(o.dialect);
  const VOCAB_SIZE = d.vocabSize;
  if (!Number.isInteger(o.seed)) throw new Error(`seed must be an integer (got ${o.seed})`);
  for (const [k, v] of Object.entries({
    layers: o.layers,
    hidden: o.hidden,
    heads: o.heads,
    kvHeads: o.kvHeads,
    headDim,
    intermediate: o.intermediate,
    maxPos: o.maxPos,
  })) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${k} must be a positive integer (got ${v})`);
  }
  const rmsNormEps = 1e-6;

  const { bytes, parameterCount } = buildLlamaOnnx(
    {
      vocabSize: VOCAB_SIZE,
      hidden: o.hidden,
      intermediate: o.intermediate,
      layers: o.layers,
      heads: o.heads,
      kvHeads: o.kvHeads,
      headDim,
      ropeTheta: o.ropeTheta,
      rmsNormEps,
      maxPositions: o.maxPos,
    },
    { seed: o.seed, lmBias: readableTokenBias({ eosBias: o.eosBias, dialect: o.dialect }) },
  );

  // Field names follow Hugging Face's LlamaConfig. transformers.js 4.3 reads model_type (→ model
  // class LlamaForCausalLM and the config normalisation), num_hidden_layers (→ the names
  // past_key_values.{i}.key/value it feeds), num_key_value_heads / head_dim (normalised config),
  // and the token ids (→ generation defaults). Shapes of the empty first cache come from the ONNX
  // input metadata, not from here. The other fields document the architecture for humans and
  // for Python tooling.
  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: VOCAB_SIZE,
    hidden_size: o.hidden,
    intermediate_size: o.intermediate,
    num_hidden_layers: o.layers,
    num_attention_heads: o.heads,
    num_key_value_heads: o.kvHeads,
    head_dim: headDim,
    hidden_act: 'silu',
    max_position_embeddings: o.maxPos,
    rope_theta: o.ropeTheta,
    rope_scaling: null,
    rms_norm_eps: rmsNormEps,
    attention_bias: false,
    mlp_bias: false,
    tie_word_embeddings: false,
    initializer_range: 0.02,
    use_cache: true,
    bos_token_id: d.id(d.bos ?? d.pad),
    eos_token_id: d.id(d.stop[0]),
    pad_token_id: d.id(d.pad),
    torch_dtype: 'float32',
    // Only onnx/model.onnx (fp32) exists; this makes it the default when no dtype is passed.
    // (Without it transformers.js 4.3 defaults to q8 on wasm and requests model_quantized.onnx.)
    'transformers.js_config': { dtype: 'fp32' },
    // Not read by any library; records how to regenerate the weights.
    slm_tiny: { seed: o.seed, generator: 'scripts/make-tiny-model.mjs' },
  };

  const generationConfig = {
    bos_token_id: d.id(d.bos ?? d.pad),
    // Stop on any end marker, as chat models do.
    eos_token_id: d.stop.map((token) => d.id(token)),
    pad_token_id: d.id(d.pad),
    do_sample: false,
  };

  const files = new Map([
    ['config.json', json(config)],
    ['generation_config.json', json(generationConfig)],
    ['tokenizer.json', json(buildTokenizerJson(o.dialect))],
    ['tokenizer_config.json', json(buildTokenizerConfig(o.maxPos, o.dialect))],
    ['onnx/model.onnx', bytes],
  ]);
  return { files, config, parameterCount };
}

/**
 * Writes the model to `<out>/<id>/`, skipping files whose contents are already identical.
 * @param {TinyModelOptions} [options]
 * @returns {Promise<{ dir: string, written: string[], totalBytes: number, parameterCount: number }>}
 *   `written` lists the files that were (re)written; empty when everything was up to date.
 */
export async function writeTinyModel(options = {}) {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const dir = resolve(o.out, o.id);
  const { files, parameterCount } = buildTinyModelFiles(o);
  const written = [];
  let totalBytes = 0;
  for (const [rel, contents] of files) {
    totalBytes += contents.length;
    const path = join(dir, rel);
    const existing = await readFile(path).catch(() => null);
    if (existing && existing.equals(contents)) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, contents);
    written.push(rel);
  }
  return { dir, written, totalBytes, parameterCount };
}

/**
 * Drops keys whose value is `undefined`, so they do not override defaults when spread.
 * @template T
 * @param {T} obj
 * @returns {Partial<T>}
 */
function stripUndefined(obj) {
  return /** @type {Partial<T>} */ (
    Object.fromEntries(Object.entries(obj ?? {}).filter(([, v]) => v !== undefined))
  );
}
