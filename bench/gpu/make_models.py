#!/usr/bin/env python3
"""Random-weight decoder models of real shapes for the GPU benchmark (issue 19).

    python3 bench/gpu/make_models.py --tokenizer DIR --out models [--only ID,...] [--dtypes fp32,q4,...] [--jobs N]

Decoding speed depends on the shapes of the weights, the graph and the number types, not on the
weights' values, so each model here has the layer sizes of a published model (SmolLM2-360M,
Qwen3-0.6B, Llama-3.2-1B, from their public config.json files) and random weights. Weights
are never downloaded: none can be, on the machine with the GPU.

The graph is the one ONNX Runtime's model builder writes for these architectures and that the
fastest transformers.js checkpoints ship: RMSNorm as (Skip)SimplifiedLayerNormalization,
RotaryEmbedding on q and k, GroupQueryAttention reading and writing the KV cache, SiLU-gated MLP,
and MatMulNBits (4 bits, blocks of 32, symmetric, the layout of transformers.js' `model_q4.onnx`
and `model_q4f16.onnx`) for every linear layer in the quantized variants, the LM head included;
the token embedding stays in floating point. Qwen3 adds its per-head RMSNorm on q and k. The
interface is the transformers.js one (see ../../scripts/tiny-model/llama-graph.mjs), plus
`num_logits_to_keep`, so that prompt processing computes the logits of the last position only.

Every weight lives in external data files (`model_q4.onnx_data`, `_data_1`, ... below 2 GB each,
announced to transformers.js by `use_external_data_format` in config.json), as in published
repositories: the browser must never hold one buffer over 2 GB, and fp32 files of these models
are 1.6-6.4 GB.

The vocabulary has the real size (the LM head is one of the largest reads per token), but the
tokenizer is the repository's 259-token byte-level one: a bias after the LM head keeps generated
ids inside it (readable letters), at the cost of one Add over the vocabulary per token.

Each model folder also gets `bench-meta.json`: per dtype, the bytes of weights read for one token
(every linear layer's weights and scales, the norms and one embedding row) and the KV-cache bytes
per position, from which the report derives the memory-bandwidth bound.

Only numpy and onnx are needed (both are on the GPU machine; `pip install onnx numpy` elsewhere).
"""
import argparse
import json
import math
import os
import shutil
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import onnx
from onnx import TensorProto, helper

# Public configs (hidden_size, num_hidden_layers, num_attention_heads, num_key_value_heads,
# head_dim, intermediate_size, vocab_size, rope_theta). All three tie the LM head to the
# embedding; ONNX exports store both matrices, so do we.
SHAPES = {
    'gpu-smollm2-360m': dict(
        label='SmolLM2-360M', arch='llama', hidden=960, layers=32, heads=15, kv_heads=5, head_dim=64,
        intermediate=2560, vocab=49152, rope_theta=100000.0, qk_norm=False),
    'gpu-qwen3-0.6b': dict(
        label='Qwen3-0.6B', arch='qwen3', hidden=1024, layers=28, heads=16, kv_heads=8, head_dim=128,
        intermediate=3072, vocab=151936, rope_theta=1000000.0, qk_norm=True),
    'gpu-llama-3.2-1b': dict(
        label='Llama-3.2-1B', arch='llama', hidden=2048, layers=16, heads=32, kv_heads=8, head_dim=64,
        intermediate=8192, vocab=128256, rope_theta=500000.0, qk_norm=False),
    # A few kilobytes: checks the graph on any backend in seconds (`--only gpu-check`).
    'gpu-check': dict(
        label='check (tiny)', arch='qwen3', hidden=64, layers=2, heads=4, kv_heads=2, head_dim=32,
        intermediate=128, vocab=1000, rope_theta=10000.0, qk_norm=True),
}
DEFAULT_MODELS = ['gpu-smollm2-360m', 'gpu-qwen3-0.6b', 'gpu-llama-3.2-1b']

# dtype -> (file suffix as transformers.js names it, float type of activations, quantized linears)
DTYPES = {
    'fp32': ('', TensorProto.FLOAT, False),
    'fp16': ('_fp16', TensorProto.FLOAT16, False),
    'q4': ('_q4', TensorProto.FLOAT, True),
    'q4f16': ('_q4f16', TensorProto.FLOAT16, True),
}
MAX_POSITIONS = 8192  # rotary table length; matches tokenizer-files.mjs
RMS_EPS = 1e-6
BLOCK = 32  # MatMulNBits block size
CHUNK_LIMIT = 1_900_000_000  # bytes per external data file: below 2 GB, what a browser buffer holds
INLINE_LIMIT = 1024  # smaller tensors stay inside the .onnx file
SEED = 19
# numpy dtype name -> ONNX element type, for what this script writes.
ELEM_TYPES = {'float32': TensorProto.FLOAT, 'float16': TensorProto.FLOAT16, 'uint8': TensorProto.UINT8,
              'int32': TensorProto.INT32, 'int64': TensorProto.INT64}


def np_type(elem):
    return np.float16 if elem == TensorProto.FLOAT16 else np.float32


class WeightFile:
    """One ONNX file of one dtype: initializers written straight to `<name>_data[_i]` chunks."""

    def __init__(self, onnx_dir, file_name):
        self.dir = onnx_dir
        self.file_name = file_name
        self.chunks = []  # [name, bytes written]
        self.handle = None
        self.initializers = []
        self.read_bytes = 0  # bytes one decoding step reads (set by the graph builder)

    def _chunk_for(self, size):
        if not self.chunks or self.chunks[-1][1] + size > CHUNK_LIMIT:
            if self.handle:
                self.handle.close()
            name = f'{self.file_name}_data' + (f'_{len(self.chunks)}' if self.chunks else '')
            self.chunks.append([name, 0])
            self.handle = open(os.path.join(self.dir, name), 'wb')
        return self.chunks[-1]

    def add(self, name, array, elem=None):
        array = np.ascontiguousarray(array)
        t = TensorProto()
        t.name = name
        t.data_type = elem if elem is not None else ELEM_TYPES[array.dtype.name]
        t.dims.extend(array.shape)
        data = array.tobytes()
        if len(data) < INLINE_LIMIT:
            t.raw_data = data
        else:
            chunk = self._chunk_for(len(data))
            offset = chunk[1]
            self.handle.write(data)
            chunk[1] += len(data)
            t.data_location = TensorProto.EXTERNAL
            for key, value in (('location', chunk[0]), ('offset', str(offset)), ('length', str(len(data)))):
                entry = t.external_data.add()
                entry.key = key
                entry.value = value
        self.initializers.append(t)
        return name

    def close(self):
        if self.handle:
            self.handle.close()
            self.handle = None

    @property
    def total_bytes(self):
        return sum(size for _, size in self.chunks)


def random_weight(name, shape, std, base=0.0):
    """Uniform weights with the given standard deviation (around `base`), seeded by the name, so
    every dtype of a model gets the same values."""
    rng = np.random.default_rng([SEED, zlib.crc32(name.encode())])
    half_width = std * math.sqrt(3.0)
    w = rng.random(shape, dtype=np.float32)
    w *= 2 * half_width
    w += base - half_width
    return w


def quantize_q4(w):
    """MatMulNBits layout of a [K, N] MatMul weight: B uint8 [N, K/32, 16] (two 4-bit values a
    byte, the even element in the low nibble), scales [N * K/32], symmetric (zero point 8)."""
    k, n = w.shape
    blocks = -(-k // BLOCK)
    wt = w.T
    if blocks * BLOCK != k:
        wt = np.pad(wt, ((0, 0), (0, blocks * BLOCK - k)))
    wb = wt.reshape(n, blocks, BLOCK)
    scale = np.abs(wb).max(axis=2) / 7.0
    scale[scale == 0] = 1.0
    q = np.rint(wb / scale[..., None])
    q += 8
    np.clip(q, 0, 15, out=q)
    q = q.astype(np.uint8)
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)
    return packed, scale.reshape(-1).astype(np.float32)


def build(model_id, dtype, out_root, tokens):
    s = SHAPES[model_id]
    suffix, ft, quantized = DTYPES[dtype]
    npf = np_type(ft)
    E, L, H, KV, D, I, V = s['hidden'], s['layers'], s['heads'], s['kv_heads'], s['head_dim'], s['intermediate'], s['vocab']
    onnx_dir = os.path.join(out_root, model_id, 'onnx')
    os.makedirs(onnx_dir, exist_ok=True)
    file_name = f'model{suffix}.onnx'
    wf = WeightFile(onnx_dir, file_name)
    nodes = []
    counter = [0]
    read = {'bytes': 0}

    def node(op, inputs, n_out=1, domain='', name=None, outputs=None, **attrs):
        counter[0] += 1
        name = name or f'{op}_{counter[0]}'
        outputs = outputs or [f'{name}/out{i}' if n_out > 1 else f'{name}/out' for i in range(n_out)]
        nodes.append(helper.make_node(op, inputs, outputs, name=name, domain=domain, **attrs))
        return outputs if n_out > 1 else outputs[0]

    def const(name, array):
        return wf.add(name, np.asarray(array))

    def linear(x, name, k, n, gain=1.0):
        """x @ W with W [k, n]: MatMul, or MatMulNBits in the quantized dtypes."""
        w = random_weight(name, (k, n), gain / math.sqrt(k))
        if not quantized:
            arr = w.astype(npf)
            read['bytes'] += arr.nbytes
            wf.add(name, arr)
            return node('MatMul', [x, name], name=name + '/MatMul')
        packed, scales = quantize_q4(w)
        scales = scales.astype(npf)
        read['bytes'] += packed.nbytes + scales.nbytes
        wf.add(name + '_Q4', packed)
        wf.add(name + '_scales', scales)
        return node('MatMulNBits', [x, name + '_Q4', name + '_scales'], domain='com.microsoft',
                    name=name + '/MatMulNBits', K=k, N=n, bits=4, block_size=BLOCK)

    def norm_weight(name, size):
        arr = random_weight(name, (size,), 0.1 / math.sqrt(3), base=1.0).astype(npf)
        read['bytes'] += arr.nbytes
        return wf.add(name, arr)

    B, S, T, P = 'batch_size', 'sequence_length', 'total_sequence_length', 'past_sequence_length'
    inputs = [
        helper.make_tensor_value_info('input_ids', TensorProto.INT64, [B, S]),
        helper.make_tensor_value_info('attention_mask', TensorProto.INT64, [B, T]),
        helper.make_tensor_value_info('position_ids', TensorProto.INT64, [B, S]),
    ]
    for i in range(L):
        for kv in ('key', 'value'):
            inputs.append(helper.make_tensor_value_info(f'past_key_values.{i}.{kv}', ft, [B, KV, P, D]))
    inputs.append(helper.make_tensor_value_info('num_logits_to_keep', TensorProto.INT64, []))
    outputs = [helper.make_tensor_value_info('logits', ft, [B, 'logits_length', V])]
    for i in range(L):
        for kv in ('key', 'value'):
            outputs.append(helper.make_tensor_value_info(f'present.{i}.{kv}', ft, [B, KV, T, D]))

    # GroupQueryAttention's view of the mask: per-sequence length - 1, and the total length.
    one = const('const/one_i64', np.array([1], np.int64))
    axis1 = const('const/axes_1', np.array([1], np.int64))
    mask_sum = node('ReduceSum', ['attention_mask', axis1], name='attn_mask/reduce_sum', keepdims=0)
    seqlens_k = node('Cast', [node('Sub', [mask_sum, one], name='attn_mask/sub')], name='attn_mask/seqlens_k',
                     to=TensorProto.INT32)
    total_len = node('Cast', [node('Gather', [node('Shape', ['attention_mask'], name='attn_mask/shape'),
                                             const('const/index_1', np.array(1, np.int64))],
                                   name='attn_mask/total', axis=0)],
                     name='attn_mask/total_seq_len', to=TensorProto.INT32)

    # Rotary tables (positions x D/2), precomputed in float64.
    inv_freq = s['rope_theta'] ** (-np.arange(0, D, 2, dtype=np.float64) / D)
    angles = np.outer(np.arange(MAX_POSITIONS, dtype=np.float64), inv_freq)
    cos_cache = const('cos_cache', np.cos(angles).astype(npf))
    sin_cache = const('sin_cache', np.sin(angles).astype(npf))

    embed = random_weight('model.embed_tokens.weight', (V, E), 1.0).astype(npf)
    read['bytes'] += embed[0].nbytes  # one row per token
    wf.add('model.embed_tokens.weight', embed)
    del embed
    x = node('Gather', ['model.embed_tokens.weight', 'input_ids'], name='model/embed_tokens', axis=0)

    shape_heads = const('const/shape_q_heads', np.array([0, 0, H, D], np.int64))
    shape_kv_heads = const('const/shape_kv_heads', np.array([0, 0, KV, D], np.int64))
    shape_flat_q = const('const/shape_q_flat', np.array([0, 0, H * D], np.int64))
    shape_flat_kv = const('const/shape_kv_flat', np.array([0, 0, KV * D], np.int64))

    residual = x
    branch = None  # output of the previous attention/MLP block, added to the residual by the next norm

    def rms(name, weight):
        nonlocal residual
        if branch is None:
            return node('SimplifiedLayerNormalization', [residual, weight], name=name, axis=-1,
                        epsilon=RMS_EPS, stash_type=1)
        out, _, _, residual_sum = node('SkipSimplifiedLayerNormalization', [branch, residual, weight], n_out=4,
                                       domain='com.microsoft', name=name, epsilon=RMS_EPS,
                                       outputs=[f'{name}/output', '', '', f'{name}/residual'])
        residual = residual_sum
        return out

    for i in range(L):
        p, n = f'model.layers.{i}', f'model/layers.{i}'
        h = rms(f'{n}/input_layernorm', norm_weight(f'{p}.input_layernorm.weight', E))
        q = linear(h, f'{p}.self_attn.q_proj.weight', E, H * D)
        k = linear(h, f'{p}.self_attn.k_proj.weight', E, KV * D)
        v = linear(h, f'{p}.self_attn.v_proj.weight', E, KV * D)
        if s['qk_norm']:
            # Qwen3: RMSNorm over each head's D values of q and k, before the rotation.
            qn = norm_weight(f'{p}.self_attn.q_norm.weight', D)
            kn = norm_weight(f'{p}.self_attn.k_norm.weight', D)
            q = node('Reshape', [node('SimplifiedLayerNormalization', [
                node('Reshape', [q, shape_heads], name=f'{n}/attn/q_heads'), qn], name=f'{n}/attn/q_norm',
                axis=-1, epsilon=RMS_EPS, stash_type=1), shape_flat_q], name=f'{n}/attn/q_flat')
            k = node('Reshape', [node('SimplifiedLayerNormalization', [
                node('Reshape', [k, shape_kv_heads], name=f'{n}/attn/k_heads'), kn], name=f'{n}/attn/k_norm',
                axis=-1, epsilon=RMS_EPS, stash_type=1), shape_flat_kv], name=f'{n}/attn/k_flat')
        q = node('RotaryEmbedding', [q, 'position_ids', cos_cache, sin_cache], domain='com.microsoft',
                 name=f'{n}/attn/q_rotary', interleaved=0)
        k = node('RotaryEmbedding', [k, 'position_ids', cos_cache, sin_cache], domain='com.microsoft',
                 name=f'{n}/attn/k_rotary', interleaved=0)
        attn, _, _ = node('GroupQueryAttention',
                          [q, k, v, f'past_key_values.{i}.key', f'past_key_values.{i}.value', seqlens_k, total_len],
                          n_out=3, domain='com.microsoft', name=f'{n}/attn/GroupQueryAttention',
                          outputs=[f'{n}/attn/output', f'present.{i}.key', f'present.{i}.value'],
                          num_heads=H, kv_num_heads=KV, scale=1.0 / math.sqrt(D))
        branch = linear(attn, f'{p}.self_attn.o_proj.weight', H * D, E, gain=2.0)
        h2 = rms(f'{n}/post_attention_layernorm', norm_weight(f'{p}.post_attention_layernorm.weight', E))
        gate = linear(h2, f'{p}.mlp.gate_proj.weight', E, I)
        up = linear(h2, f'{p}.mlp.up_proj.weight', E, I)
        act = node('Mul', [node('Mul', [gate, node('Sigmoid', [gate], name=f'{n}/mlp/sigmoid')], name=f'{n}/mlp/silu'),
                           up], name=f'{n}/mlp/act')
        branch = linear(act, f'{p}.mlp.down_proj.weight', I, E)

    normed = rms('model/norm', norm_weight('model.norm.weight', E))
    # Only the last `num_logits_to_keep` positions (all of them when it is 0).
    start = node('Neg', [node('Unsqueeze', ['num_logits_to_keep', const('const/axes_0', np.array([0], np.int64))],
                             name='logits/keep_1d')], name='logits/start')
    kept = node('Slice', [normed, start, const('const/int64_max', np.array([2 ** 62], np.int64)), axis1],
                name='logits/keep')
    lm = linear(kept, 'lm_head.weight', E, V, gain=4.0)
    bias = np.full(V, -1.0e4, np.float32)
    bias[:len(tokens['bias'])] = tokens['bias']
    bias = bias.astype(npf)
    read['bytes'] += bias.nbytes
    node('Add', [lm, wf.add('lm_head.bias', bias)], name='logits/bias', outputs=['logits'])

    graph = helper.make_graph(nodes, f'{model_id}-{dtype}', inputs, outputs, initializer=wf.initializers)
    model = helper.make_model(graph, producer_name='slm-elements bench/gpu/make_models.py',
                              opset_imports=[helper.make_opsetid('', 17), helper.make_opsetid('com.microsoft', 1)])
    model.ir_version = 8
    wf.close()
    with open(os.path.join(onnx_dir, file_name), 'wb') as f:
        f.write(model.SerializeToString())
    kv_bytes = 2 * L * KV * D * np.dtype(npf).itemsize
    return dict(model=model_id, dtype=dtype, file=f'onnx/{file_name}', chunks=len(wf.chunks),
                fileBytes=wf.total_bytes + os.path.getsize(os.path.join(onnx_dir, file_name)),
                readBytesPerToken=int(read['bytes']), kvBytesPerPosition=int(kv_bytes), nodes=len(nodes))


def write_model_files(model_id, out_root, tokenizer_dir, tokens, results):
    s = SHAPES[model_id]
    root = os.path.join(out_root, model_id)
    for name in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(tokenizer_dir, name), os.path.join(root, name))
    ids = tokens['ids']
    params = s['vocab'] * s['hidden'] * 2 + s['layers'] * (
        s['hidden'] * (s['heads'] + 2 * s['kv_heads']) * s['head_dim'] + s['heads'] * s['head_dim'] * s['hidden']
        + 3 * s['hidden'] * s['intermediate'])
    arch = 'Qwen3ForCausalLM' if s['arch'] == 'qwen3' else 'LlamaForCausalLM'
    config = {
        'architectures': [arch],
        'model_type': s['arch'],
        'vocab_size': s['vocab'],
        'hidden_size': s['hidden'],
        'intermediate_size': s['intermediate'],
        'num_hidden_layers': s['layers'],
        'num_attention_heads': s['heads'],
        'num_key_value_heads': s['kv_heads'],
        'head_dim': s['head_dim'],
        'hidden_act': 'silu',
        'max_position_embeddings': MAX_POSITIONS,
        'rope_theta': s['rope_theta'],
        'rms_norm_eps': RMS_EPS,
        'tie_word_embeddings': True,
        'use_cache': True,
        'bos_token_id': ids['endoftext'],
        'eos_token_id': ids['im_end'],
        'pad_token_id': ids['endoftext'],
        'torch_dtype': 'float32',
        'transformers.js_config': {
            'use_external_data_format': {os.path.basename(r['file']): r['chunks'] for r in results},
        },
        'slm_bench': {'shape_of': s['label'], 'random_weights': True, 'generator': 'bench/gpu/make_models.py'},
    }
    generation = {'bos_token_id': ids['endoftext'], 'eos_token_id': [ids['im_end'], ids['endoftext']],
                  'pad_token_id': ids['endoftext'], 'do_sample': False}
    meta = {'id': model_id, 'label': s['label'], 'shape': s, 'parameters': params,
            'dtypes': {r['dtype']: r for r in results}}
    for name, value in (('config.json', config), ('generation_config.json', generation), ('bench-meta.json', meta)):
        with open(os.path.join(root, name), 'w') as f:
            json.dump(value, f, indent=2)
            f.write('\n')
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--tokenizer', required=True, help='folder written by bench/gpu/tokenizer-files.mjs')
    ap.add_argument('--out', default='models')
    ap.add_argument('--only', default=','.join(DEFAULT_MODELS))
    ap.add_argument('--dtypes', default=','.join(DTYPES))
    ap.add_argument('--jobs', type=int, default=min(6, os.cpu_count() or 1))
    args = ap.parse_args()
    with open(os.path.join(args.tokenizer, 'tokens.json')) as f:
        tokens = json.load(f)
    models = [m.strip() for m in args.only.split(',') if m.strip()]
    dtypes = [d.strip() for d in args.dtypes.split(',') if d.strip()]
    for m in models:
        if m not in SHAPES:
            sys.exit(f'unknown model {m}: {", ".join(SHAPES)}')
    for d in dtypes:
        if d not in DTYPES:
            sys.exit(f'unknown dtype {d}: {", ".join(DTYPES)}')
    jobs = [(m, d) for m in models for d in dtypes]
    # Largest first, so the pool finishes together.
    jobs.sort(key=lambda j: -SHAPES[j[0]]['hidden'] * SHAPES[j[0]]['intermediate'] * SHAPES[j[0]]['layers'])
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {job: pool.submit(build, job[0], job[1], args.out, tokens) for job in jobs}
        done = {job: f.result() for job, f in futures.items()}
    for m in models:
        meta = write_model_files(m, args.out, args.tokenizer, tokens, [done[(m, d)] for d in dtypes])
        for d in dtypes:
            r = meta['dtypes'][d]
            print(f"{m:18} {d:6} {r['fileBytes'] / 1e9:6.2f} GB in {r['chunks']} chunk(s), "
                  f"{r['readBytesPerToken'] / 1e6:8.1f} MB read per token, {r['nodes']} nodes", flush=True)


if __name__ == '__main__':
    main()
