/**
 * @file Builds the ONNX graph of a small Llama-architecture decoder with random weights.
 *
 * The interface is the one transformers.js expects from an Optimum-style export of
 * `LlamaForCausalLM` with KV cache (see docs in NOTES.md §1):
 *
 *   inputs   input_ids       int64   [batch_size, sequence_length]
 *            attention_mask  int64   [batch_size, total_sequence_length]
 *            position_ids    int64   [batch_size, sequence_length]
 *            past_key_values.{i}.key|value  float32 [batch_size, kv_heads, past_sequence_length, head_dim]
 *   outputs  logits          float32 [batch_size, sequence_length, vocab]
 *            present.{i}.key|value          float32 [batch_size, kv_heads, total_sequence_length, head_dim]
 *
 * The body is a real (if tiny) transformer: token embedding, pre-RMSNorm blocks with rotary
 * self-attention (grouped-query, causal + padding mask over past and current positions, KV
 * concatenated onto the cache) and a SwiGLU MLP, then a final RMSNorm and a biased LM head.
 * Only plain opset-14 operators are used so the graph runs on ONNX Runtime's CPU (wasm) and
 * WebGPU execution providers alike.
 */
import { DataType, GraphBuilder, encodeModel } from './onnx-writer.mjs';
import { mulberry32, uniformArray } from './prng.mjs';

/** Opset of the default ONNX domain; every operator below exists unchanged in opset 14. */
export const OPSET = 14;

/**
 * @typedef {object} LlamaShape
 * @property {number} vocabSize
 * @property {number} hidden Model width (`hidden_size`).
 * @property {number} intermediate MLP width (`intermediate_size`).
 * @property {number} layers Number of decoder blocks.
 * @property {number} heads Query heads.
 * @property {number} kvHeads Key/value heads; must divide `heads` (grouped-query attention).
 * @property {number} headDim Width of one head; must be even (rotary pairs).
 * @property {number} ropeTheta Rotary base.
 * @property {number} rmsNormEps RMSNorm epsilon.
 * @property {number} maxPositions Rotary table length (`max_position_embeddings`).
 */

/**
 * Weight scales. Linear layers use std = gain/√fan_in so activations stay O(1) at any width.
 * Tuned by looking at greedy outputs of the default and the 8×512 shapes:
 * - `lmStd` is the standard deviation of the random part of the logits, to be compared with the
 *   readable-token bias (a few units): large enough that the next token depends on the context,
 *   small enough that the bias still picks mostly letters and spaces.
 * - With unit gains the residual stream is dominated by the current token's embedding, so greedy
 *   decoding becomes a token→token map that falls into a 1–2 token loop ("     ") within a few
 *   steps. Sharper attention (`qkGain`) and a stronger attention branch (`attnOutGain`) make the
 *   next token depend on earlier, position-dependent context, and the output stays varied.
 * - But large gains make the network chaotic: fp32 rounding differences (wasm and WebGPU sum in
 *   different orders) grow layer by layer. Measured against a float64 reference over 100–160
 *   tokens, gains of 3 gave logit errors of 1e-4 (2×64) and 4e-3 (8×512); gains of 2 give 4e-5
 *   and 2e-4 while the output stays about as varied. Small errors keep greedy decoding identical
 *   on both backends unless two logits nearly tie.
 */
const SCALES = Object.freeze({
  embedStd: 1,
  linearGain: 1,
  qkGain: 2,
  attnOutGain: 2,
  mlpOutGain: 1,
  normJitter: 0.1,
  lmStd: 4,
});

/**
 * Builds the model and serialises it.
 * @param {LlamaShape} shape Architecture sizes.
 * @param {object} options
 * @param {number} options.seed PRNG seed; the same seed gives the same bytes.
 * @param {Float32Array} options.lmBias Bias added to the logits, one per token.
 * @param {Partial<typeof SCALES>} [options.scales] Overrides of the weight scales (for tuning).
 * @returns {{ bytes: Buffer, parameterCount: number }}
 */
export function buildLlamaOnnx(shape, { seed, lmBias, scales = {} }) {
  const SC = { ...SCALES, ...scales };
  const { vocabSize: V, hidden: E, intermediate: I, layers: L, heads: H, kvHeads: KV, headDim: D } = shape;
  if (H % KV !== 0) throw new Error(`heads (${H}) must be a multiple of kv-heads (${KV})`);
  if (D % 2 !== 0) throw new Error(`head_dim (${D}) must be even for rotary embeddings`);
  if (lmBias.length !== V) throw new Error(`lmBias has ${lmBias.length} entries, vocab is ${V}`);
  const rep = H / KV; // query heads sharing one key/value head
  const rand = mulberry32(seed);
  const g = new GraphBuilder('slm_tiny_llama');

  // ---- Interface. Symbolic dim names matter: transformers.js creates the empty first cache from
  // this metadata, resolving `batch_size` and turning every other symbolic dim into 0.
  const { FLOAT, INT64 } = DataType;
  const [B, S, T, P] = ['batch_size', 'sequence_length', 'total_sequence_length', 'past_sequence_length'];
  const inputIds = g.input('input_ids', INT64, [B, S]);
  const attentionMask = g.input('attention_mask', INT64, [B, T]);
  const positionIds = g.input('position_ids', INT64, [B, S]);
  const past = [];
  for (let i = 0; i < L; i++) {
    past.push({
      key: g.input(`past_key_values.${i}.key`, FLOAT, [B, KV, P, D]),
      value: g.input(`past_key_values.${i}.value`, FLOAT, [B, KV, P, D]),
    });
  }
  g.output('logits', FLOAT, [B, S, V]);
  for (let i = 0; i < L; i++) {
    g.output(`present.${i}.key`, FLOAT, [B, KV, T, D]);
    g.output(`present.${i}.value`, FLOAT, [B, KV, T, D]);
  }

  // ---- Weights, drawn in a fixed order from one PRNG stream so the file is reproducible.
  // MatMul weights are stored [in, out] (the transpose of PyTorch's nn.Linear layout).
  /** @param {string} name @param {number} inDim @param {number} outDim @param {number} [gain] */
  const linear = (name, inDim, outDim, gain = SC.linearGain) =>
    g.initializer(name, [inDim, outDim], uniformArray(rand, inDim * outDim, gain / Math.sqrt(inDim)));
  /** @param {string} name */
  const normWeight = (name) =>
    g.initializer(name, [E], uniformArray(rand, E, SC.normJitter / Math.sqrt(3), 1));

  const embed = g.initializer('model.embed_tokens.weight', [V, E], uniformArray(rand, V * E, SC.embedStd));

  // ---- Small constants.
  const c = {
    one64: g.int64('one_i64', [1], []),
    zero64: g.int64('zero_i64', [0], []),
    one: g.float32('one_f', [1], []),
    eps: g.float32('rms_eps', [shape.rmsNormEps], []),
    zero: g.float32('zero_f', [0], []),
    // A large *finite* negative: a fully masked row (a padding query) then gets a uniform softmax
    // instead of NaN (−∞ − −∞), and masked keys still get exactly zero weight elsewhere.
    bigNeg: g.float32('mask_min', [-1e9], []),
    bigPos: g.float32('mask_scale', [1e9], []),
    axes1: g.int64('axes_1', [1]),
  };

  // ---- Attention bias, shared by all layers: [B, 1, 1, S, T], 0 where a query may attend a key
  // and −1e9 where it may not. Keys are the past + current positions (T = P + S); query i sits at
  // absolute index P + i and may see keys 0..P+i (causal) that are not padding (attention_mask).
  const idsShape = g.op1('Shape', [inputIds], { name: 'mask/ids_shape' });
  const maskShape = g.op1('Shape', [attentionMask], { name: 'mask/mask_shape' });
  const seqLen = g.op1('Gather', [idsShape, c.one64], { name: 'mask/S', attrs: { axis: 0 } });
  const totalLen = g.op1('Gather', [maskShape, c.one64], { name: 'mask/T', attrs: { axis: 0 } });
  const pastLen = g.op1('Sub', [totalLen, seqLen], { name: 'mask/P' });
  const keyIndex = g.op1('Range', [c.zero64, totalLen, c.one64], { name: 'mask/key_index' }); // [T]
  const queryIndex = g.op1('Range', [pastLen, totalLen, c.one64], { name: 'mask/query_index' }); // [S]
  const queryColumn = g.op1('Unsqueeze', [queryIndex, c.axes1], { name: 'mask/query_col' }); // [S,1]
  const visible = g.op1('LessOrEqual', [keyIndex, queryColumn], { name: 'mask/causal' }); // [S,T] bool
  const causalBias = g.op1('Where', [visible, c.zero, c.bigNeg], { name: 'mask/causal_bias' }); // [S,T]
  const maskFloat = g.op1('Cast', [attentionMask], { name: 'mask/mask_f', attrs: { to: FLOAT } });
  // (mask − 1)·1e9 is 0 for real tokens and −1e9 for padding.
  const padBias = g.op1('Mul', [g.op1('Sub', [maskFloat, c.one], { name: 'mask/pad' }), c.bigPos], {
    name: 'mask/pad_bias',
  });
  const axes123 = g.int64('axes_123', [1, 2, 3]);
  const padBias5 = g.op1('Unsqueeze', [padBias, axes123], { name: 'mask/pad_bias5' }); // [B,1,1,1,T]
  const attnBias = g.op1('Add', [padBias5, causalBias], { name: 'mask/bias' }); // [B,1,1,S,T]

  // ---- Rotary embeddings: angle(p, j) = p · θ^(−2j/D) for j < D/2, cos/sin looked up by
  // position_ids. The tables cover positions 0..max_position_embeddings−1 and are *computed in
  // the graph* from constants only (Range → Mul → Cos/Sin), so the file stays small and ONNX
  // Runtime's constant folding evaluates them once at session creation on its CPU kernels.
  // That matters: WebGPU's sin/cos are approximations (about 2e-4 absolute error measured on
  // SwiftShader; WGSL only promises 2^-11), and sharp attention amplified that into logit
  // differences of 0.03 (default shape) to 0.9 (8×512) between wasm and WebGPU, enough to flip
  // greedy choices. With folded tables both backends use bit-identical cos/sin.
  // Positions ≥ max_position_embeddings are out of range for the Gather (an error on wasm),
  // exactly like a model with cached rotary tables; generate with --max-pos for longer contexts.
  // inv_freq is computed here in double precision and stored, so no Pow is needed in the graph.
  const invFreq = g.float32(
    'rope.inv_freq',
    Array.from({ length: D / 2 }, (_, j) => Math.pow(shape.ropeTheta, (-2 * j) / D)),
  );
  const positions = g.op1(
    'Range',
    [g.float32('rope.start', [0], []), g.float32('rope.limit', [shape.maxPositions], []), c.one],
    { name: 'rope/positions' },
  ); // [maxPos], float
  // [maxPos, 1] · [D/2] → [maxPos, D/2]
  const positionColumn = g.op1('Unsqueeze', [positions, c.axes1], { name: 'rope/positions_col' });
  const angles = g.op1('Mul', [positionColumn, invFreq], { name: 'rope/angles' });
  /**
   * cos or sin table → rows for position_ids, duplicated to D (HF's `cat(freqs, freqs)`), with a head axis.
   * @param {'Cos'|'Sin'} fn
   */
  const lookup = (fn) => {
    const name = fn.toLowerCase();
    const tableHalf = g.op1(fn, [angles], { name: `rope/${name}_table` }); // [maxPos, D/2]
    const half = g.op1('Gather', [tableHalf, positionIds], { name: `rope/${name}_half`, attrs: { axis: 0 } });
    const full = g.op1('Concat', [half, half], { name: `rope/${name}`, attrs: { axis: -1 } }); // [B,S,D]
    return g.op1('Unsqueeze', [full, c.axes1], { name: `rope/${name}4` }); // [B,1,S,D]
  };
  const cos = lookup('Cos');
  const sin = lookup('Sin');
  const sliceAxis = g.int64('axes_3', [3]);
  const sliceLo = [g.int64('slice_0', [0]), g.int64('slice_half', [D / 2])];
  const sliceHi = [g.int64('slice_half_end', [D / 2]), g.int64('slice_end', [D])];
  /**
   * x·cos + rotate_half(x)·sin, with rotate_half(x) = concat(−x[D/2:], x[:D/2]) (HF Llama).
   * @param {string} x [B, heads, S, D]
   * @param {string} name
   */
  const rope = (x, name) => {
    const x1 = g.op1('Slice', [x, sliceLo[0], sliceHi[0], sliceAxis], { name: `${name}/x1` });
    const x2 = g.op1('Slice', [x, sliceLo[1], sliceHi[1], sliceAxis], { name: `${name}/x2` });
    const rotated = g.op1('Concat', [g.op1('Neg', [x2], { name: `${name}/neg` }), x1], {
      name: `${name}/rot`,
      attrs: { axis: 3 },
    });
    return g.op1(
      'Add',
      [
        g.op1('Mul', [x, cos], { name: `${name}/xcos` }),
        g.op1('Mul', [rotated, sin], { name: `${name}/rsin` }),
      ],
      { name },
    );
  };

  /**
   * RMSNorm: x / √(mean(x²) + ε) · w.
   * @param {string} x
   * @param {string} weight
   * @param {string} name
   */
  const rmsNorm = (x, weight, name) => {
    const meanSquare = g.op1('ReduceMean', [g.op1('Mul', [x, x], { name: `${name}/sq` })], {
      name: `${name}/mean`,
      attrs: { axes: [-1], keepdims: 1 },
    });
    const inv = g.op1(
      'Div',
      [
        c.one,
        g.op1('Sqrt', [g.op1('Add', [meanSquare, c.eps], { name: `${name}/add_eps` })], {
          name: `${name}/sqrt`,
        }),
      ],
      { name: `${name}/inv` },
    );
    return g.op1('Mul', [g.op1('Mul', [x, inv], { name: `${name}/scaled` }), weight], { name });
  };

  // Reshape targets; 0 copies the input's dimension (batch, sequence), −1 is inferred.
  const shapeHeads = g.int64('shape_heads', [0, 0, H, D]);
  const shapeKvHeads = g.int64('shape_kv_heads', [0, 0, KV, D]);
  const shapeGroups = g.int64('shape_groups', [0, KV, rep, -1, D]);
  const shapeMerge = g.int64('shape_merge_heads', [0, H, -1, D]);
  const shapeFlat = g.int64('shape_flat', [0, 0, H * D]);
  const scale = g.float32('attn_scale', [1 / Math.sqrt(D)], []);
  const axesGroup = g.int64('axes_group', [2]);
  const toHeads = { attrs: { perm: [0, 2, 1, 3] } }; // [B,S,h,D] ↔ [B,h,S,D]

  // ---- Decoder blocks.
  let x = g.op1('Gather', [embed, inputIds], { name: 'model/embed', attrs: { axis: 0 } }); // [B,S,E]
  for (let i = 0; i < L; i++) {
    const p = `model.layers.${i}`;
    const n = `model/layers.${i}`;
    const ln1 = normWeight(`${p}.input_layernorm.weight`);
    const wq = linear(`${p}.self_attn.q_proj.weight`, E, H * D, SC.qkGain);
    const wk = linear(`${p}.self_attn.k_proj.weight`, E, KV * D, SC.qkGain);
    const wv = linear(`${p}.self_attn.v_proj.weight`, E, KV * D);
    const wo = linear(`${p}.self_attn.o_proj.weight`, H * D, E, SC.attnOutGain);
    const ln2 = normWeight(`${p}.post_attention_layernorm.weight`);
    const wg = linear(`${p}.mlp.gate_proj.weight`, E, I);
    const wu = linear(`${p}.mlp.up_proj.weight`, E, I);
    const wd = linear(`${p}.mlp.down_proj.weight`, I, E, SC.mlpOutGain);

    // Self-attention.
    const h = rmsNorm(x, ln1, `${n}/input_layernorm`);
    /** Projects and splits into heads: [B,S,E] → [B,heads,S,D]. */
    const project = (/** @type {string} */ w, /** @type {string} */ shp, /** @type {string} */ what) =>
      g.op1(
        'Transpose',
        [
          g.op1('Reshape', [g.op1('MatMul', [h, w], { name: `${n}/attn/${what}_proj` }), shp], {
            name: `${n}/attn/${what}_split`,
          }),
        ],
        {
          name: `${n}/attn/${what}_heads`,
          ...toHeads,
        },
      );
    const q = rope(project(wq, shapeHeads, 'q'), `${n}/attn/q_rope`);
    const k = rope(project(wk, shapeKvHeads, 'k'), `${n}/attn/k_rope`);
    const v = project(wv, shapeKvHeads, 'v');
    // Append the new keys/values to the cache; these are also the `present.*` outputs.
    const [presentKey] = g.op('Concat', [past[i].key, k], {
      name: `${n}/attn/present_key`,
      outputs: [`present.${i}.key`],
      attrs: { axis: 2 },
    });
    const [presentValue] = g.op('Concat', [past[i].value, v], {
      name: `${n}/attn/present_value`,
      outputs: [`present.${i}.value`],
      attrs: { axis: 2 },
    });
    // Grouped-query attention without materialising repeated K/V: view the H query heads as
    // [KV, rep] and give K/V a broadcast axis of size 1, so MatMul's batch broadcasting pairs each
    // query head h with key/value head ⌊h / rep⌋ (HF's `repeat_kv` order).
    const q5 = g.op1('Reshape', [q, shapeGroups], { name: `${n}/attn/q_groups` }); // [B,KV,rep,S,D]
    const k5 = g.op1('Unsqueeze', [presentKey, axesGroup], { name: `${n}/attn/k_groups` }); // [B,KV,1,T,D]
    const v5 = g.op1('Unsqueeze', [presentValue, axesGroup], { name: `${n}/attn/v_groups` });
    // [B,KV,1,T,D] → [B,KV,1,D,T]
    const kT = g.op1('Transpose', [k5], { name: `${n}/attn/k_t`, attrs: { perm: [0, 1, 2, 4, 3] } });
    const scores = g.op1('Mul', [g.op1('MatMul', [q5, kT], { name: `${n}/attn/qk` }), scale], {
      name: `${n}/attn/scores`,
    }); // [B,KV,rep,S,T]
    const probs = g.op1('Softmax', [g.op1('Add', [scores, attnBias], { name: `${n}/attn/masked` })], {
      name: `${n}/attn/probs`,
      attrs: { axis: -1 },
    });
    const context = g.op1('MatMul', [probs, v5], { name: `${n}/attn/context` }); // [B,KV,rep,S,D]
    const merged = g.op1('Reshape', [context, shapeMerge], { name: `${n}/attn/merge` }); // [B,H,S,D]
    const flat = g.op1(
      'Reshape',
      [g.op1('Transpose', [merged], { name: `${n}/attn/unheads`, ...toHeads }), shapeFlat],
      { name: `${n}/attn/flat` },
    );
    x = g.op1('Add', [x, g.op1('MatMul', [flat, wo], { name: `${n}/attn/o_proj` })], {
      name: `${n}/attn_residual`,
    });

    // SwiGLU MLP: down(silu(gate(h)) · up(h)), silu(z) = z·sigmoid(z).
    const h2 = rmsNorm(x, ln2, `${n}/post_attention_layernorm`);
    const gate = g.op1('MatMul', [h2, wg], { name: `${n}/mlp/gate_proj` });
    const silu = g.op1('Mul', [gate, g.op1('Sigmoid', [gate], { name: `${n}/mlp/sigmoid` })], {
      name: `${n}/mlp/silu`,
    });
    const up = g.op1('MatMul', [h2, wu], { name: `${n}/mlp/up_proj` });
    const down = g.op1('MatMul', [g.op1('Mul', [silu, up], { name: `${n}/mlp/act` }), wd], {
      name: `${n}/mlp/down_proj`,
    });
    x = g.op1('Add', [x, down], { name: `${n}/mlp_residual` });
  }

  // ---- Head.
  const finalNorm = normWeight('model.norm.weight');
  const lmHead = g.initializer('lm_head.weight', [E, V], uniformArray(rand, E * V, SC.lmStd / Math.sqrt(E)));
  const lmHeadBias = g.initializer('lm_head.bias', [V], Float32Array.from(lmBias));
  const normed = rmsNorm(x, finalNorm, 'model/norm');
  const projected = g.op1('MatMul', [normed, lmHead], { name: 'lm_head/MatMul' });
  g.op('Add', [projected, lmHeadBias], { name: 'lm_head/bias', outputs: ['logits'] });

  return { bytes: encodeModel(g, { opset: OPSET }), parameterCount: g.parameterCount };
}
