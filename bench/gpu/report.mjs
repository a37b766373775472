#!/usr/bin/env node
/**
 * Writes `bench/RESULTS-GPU.md` from the results of `run-gpu.mjs` (browser) and, where the browser
 * could not reach the GPU or as a second opinion, `node-dawn.mjs` (Node + Dawn, not a browser).
 *
 *   node bench/gpu/report.mjs [--browser FILE] [--node FILE] [--md FILE] [--card NAME] [--notes FILE]
 *
 * `--card`: the card's name (nvidia-smi), for the bound where the browser hides the adapter's name
 * (Chromium reports only the vendor). `--notes`: a Markdown file appended as it is (what ran, how).
 *
 * Every figure is a median over the repetitions of one run; the bandwidth bound of a model is the
 * bytes one decoding step must read (weights, the KV cache at the mean context of the timed
 * replies) divided by the card's memory bandwidth.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Memory bandwidth by datasheet, for the cards this has run on (bytes/s). */
const DATASHEET_BANDWIDTH = [
  [/H100 80GB HBM3|h100-80gb-hbm3|H100 SXM/i, 3.35e12, 'NVIDIA H100 SXM5 80 GB datasheet: 3.35 TB/s'],
  [/H100 PCIe|h100-pcie/i, 2.0e12, 'NVIDIA H100 PCIe datasheet: 2.0 TB/s'],
  [/H200|h200/i, 4.8e12, 'NVIDIA H200 datasheet: 4.8 TB/s'],
];

const fmt = (value, digits = 0) => (value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));
const gb = (bytes) => `${(bytes / 1e9).toFixed(2)} GB`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
const DTYPE_ORDER = ['q4f16', 'fp16', 'q4', 'fp32'];

function bandwidthOf(adapter, card = '') {
  const name = `${adapter?.description ?? ''} ${adapter?.device ?? ''} ${card}`;
  for (const [pattern, bytesPerSecond, source] of DATASHEET_BANDWIDTH) if (pattern.test(name)) return { bytesPerSecond, source };
  return null;
}

/** Bytes one decoding step reads at context length `positions`. */
function bytesPerToken(meta, dtype, positions) {
  const d = meta?.dtypes?.[dtype];
  return d ? d.readBytesPerToken + d.kvBytesPerPosition * positions : null;
}

/** Rows of one side-by-side decode table. */
function decodeTable(records, models, bandwidth, copyBandwidth, sides) {
  const lines = [];
  const [a, b] = sides;
  lines.push(
    `| Model (shape of) | dtype | read per token | bound at ${bandwidth ? fmt(bandwidth.bytesPerSecond / 1e12, 2) : '?'} TB/s | bound at measured copy ${copyBandwidth ? fmt(copyBandwidth / 1e12, 2) : '?'} TB/s | ${a.label} tok/s | ${b.label} tok/s | ${a.label} ÷ bare | ${a.label} TTFT | ${b.label} TTFT | ${a.label} % of bound |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const [id, meta] of Object.entries(models)) {
    for (const dtype of DTYPE_ORDER) {
      const ra = records.find((r) => r.model === id && r.dtype === dtype && r.side === a.side);
      const rb = records.find((r) => r.model === id && r.dtype === dtype && r.side === b.side);
      if (!ra && !rb) continue;
      const skipped = ra?.skipped ?? rb?.skipped;
      if (skipped) {
        lines.push(`| ${meta.label} | ${dtype} | | | | ${skipped} | | | | | |`);
        continue;
      }
      const prompt = ra?.decode?.runs?.[0]?.promptTokens ?? 40;
      const tokens = ra?.decode?.tokens ?? rb?.decode?.tokens ?? 0;
      const bytes = bytesPerToken(meta, dtype, prompt + tokens / 2);
      const bound = bandwidth && bytes ? bandwidth.bytesPerSecond / bytes : null;
      const boundCopy = copyBandwidth && bytes ? copyBandwidth / bytes : null;
      const ta = ra?.decode?.decodeTps;
      const tb = rb?.decode?.decodeTps;
      const cell = (r, value, digits) => (r?.error ? 'error' : fmt(value, digits));
      lines.push(
        `| ${meta.label} | ${dtype} | ${bytes ? mb(bytes) : '–'} | ${fmt(bound)} | ${fmt(boundCopy)} | ${cell(ra, ta, 1)} | ${cell(rb, tb, 1)} | ${ta && tb ? fmt(ta / tb, 2) : '–'} | ${cell(ra, ra?.decode?.ttftMs)} ms | ${cell(rb, rb?.decode?.ttftMs)} ms | ${ta && bound ? fmt((100 * ta) / bound, 1) : '–'} % |`,
      );
    }
  }
  return lines;
}

function followUpTable(records, models) {
  const lines = [
    '| Model | dtype | turn | prompt tokens | `<slm-chat>` TTFT (tokens read from its KV cache) | bare pipeline TTFT (whole conversation again) |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const [id, meta] of Object.entries(models)) {
    for (const dtype of DTYPE_ORDER) {
      const lib = records.find((r) => r.model === id && r.dtype === dtype && r.side === 'library' && r.followUp);
      const bare = records.find((r) => r.model === id && r.dtype === dtype && r.side === 'bare' && r.followUp);
      if (!lib && !bare) continue;
      const turns = Math.max(lib?.followUp?.length ?? 0, bare?.followUp?.length ?? 0);
      for (let t = 0; t < turns; t++) {
        const l = lib?.followUp?.[t];
        const b = bare?.followUp?.[t];
        lines.push(
          `| ${meta.label} | ${dtype} | ${t + 1} | ${l?.promptTokens ?? '–'} | ${fmt(l?.ttftMs)} ms (${l?.cachedTokens ?? '–'}) | ${fmt(b?.ttftMs)} ms |`,
        );
      }
    }
  }
  return lines;
}

function loadTable(records, models, sides) {
  const lines = [
    `| Model | dtype | files | ${sides.map((s) => `${s.label}: load to ready | first generation (8 tokens)`).join(' | ')} |`,
    `| --- | --- | ---: | ${sides.map(() => '---: | ---:').join(' | ')} |`,
  ];
  for (const [id, meta] of Object.entries(models)) {
    for (const dtype of DTYPE_ORDER) {
      const rs = sides.map((s) => records.find((r) => r.model === id && r.dtype === dtype && r.side === s.side));
      if (rs.every((r) => !r || r.skipped)) continue;
      const size = meta.dtypes?.[dtype]?.fileBytes;
      lines.push(
        `| ${meta.label} | ${dtype} | ${size ? gb(size) : '–'} | ${rs.map((r) => (r?.error ? 'error | error' : `${fmt(r?.load?.ms)} ms | ${fmt(r?.load?.firstGenerationMs)} ms`)).join(' | ')} |`,
      );
    }
  }
  return lines;
}

function errorsOf(records) {
  return records.filter((r) => r.error).map((r) => `- ${r.model} ${r.dtype} ${r.side}: \`${r.error.split('\n')[0].slice(0, 300)}\``);
}

function adapterLines(adapter) {
  if (!adapter) return ['- adapter: none'];
  return [
    `- adapter: vendor \`${adapter.vendor}\`, architecture \`${adapter.architecture}\`, device \`${adapter.device || '–'}\`, description \`${adapter.description || '–'}\`${adapter.isFallbackAdapter ? ' (fallback adapter)' : ''}`,
    `- features: ${adapter.features?.map((f) => `\`${f}\``).join(', ') ?? '–'}`,
    `- limits: maxBufferSize ${adapter.limits?.maxBufferSize}, maxStorageBufferBindingSize ${adapter.limits?.maxStorageBufferBindingSize}`,
    `- a 256 MiB copy kernel through WebGPU: ${Number.isFinite(adapter.copyGBs) ? `${adapter.copyGBs} GB/s (bytes read + written)` : adapter.copyGBs}`,
  ];
}

/**
 * @param {{ browser?: object, node?: object, modelsDir?: string }} sources results of run-gpu.mjs / node-dawn.mjs
 * @param {string} target Markdown file to write.
 */
export async function writeGpuReport({ browser, node, card, notes }, target) {
  const models = { ...(node?.run?.models ?? {}), ...(browser?.run?.models ?? {}) };
  const out = [
    '# slm-elements on a real GPU (WebGPU)',
    '',
    'Written by `bench/gpu/run-gpu.mjs` / `bench/gpu/report.mjs` (issue 19). Models have the layer sizes of the',
    'published ones and random weights (`bench/gpu/make_models.py`): speed depends on shapes, graph and number types,',
    'not on the values. Medians of the repetitions of one run. Tokens per second count the decode after the first',
    'token; TTFT is from the request to the first token on the page. The bound is the memory-bandwidth limit:',
    'bytes one decoding step reads (every linear layer\'s weights and scales, norms, one embedding row, and the KV',
    'cache at the mean context of the timed replies) ÷ the card\'s bandwidth.',
    '',
  ];
  if (browser?.run?.adapter) {
    const r = browser.run;
    const bandwidth = bandwidthOf(r.adapter, card ?? r.card);
    const sides = [
      { side: 'library', label: '`<slm-chat>`' },
      { side: 'bare', label: 'bare pipeline' },
    ];
    out.push(
      '## In the browser',
      '',
      `- ${r.date}; ${r.adapter.userAgent ?? ''}`,
      `- browser: \`${r.chromium}\` with \`${(r.config?.flags ?? []).join(' ')}\``,
      ...adapterLines(r.adapter),
      `- bandwidth used for the bound: ${bandwidth ? `${bandwidth.source}${card ?? r.card ? ` (card: ${card ?? r.card}, from nvidia-smi)` : ''}` : 'unknown card'}; the second bound uses the copy kernel above`,
      `- ${r.jobs?.length ?? 0} model × dtype jobs; reply ${browser.run.tokens ?? 128} tokens, ${browser.run.reps ?? 3} repetitions`,
      '',
      '### Decode (section 1): `<slm-chat>` and a bare transformers.js pipeline, side by side',
      '',
      ...decodeTable(browser.records, models, bandwidth, (r.adapter.copyGBs ?? 0) * 1e9 || null, sides),
      '',
      '### Follow-up turns (section 2)',
      '',
      ...followUpTable(browser.records, models),
      '',
      '### Load (section 6): first visit, files from a local server',
      '',
      ...loadTable(browser.records, models, sides),
      '',
      ...(errorsOf(browser.records).length ? ['### Errors', '', ...errorsOf(browser.records), ''] : []),
    );
    const missing = (r.jobs ?? []).filter((j) => !browser.records.some((x) => x.model === j.model && x.dtype === j.dtype));
    if (missing.length) {
      out.push(
        `Not reached (the bench ended: ${r.outcome ?? '?'}${r.seconds ? `, ${r.seconds} s` : ''}): ${missing.map((j) => `${models[j.model]?.label ?? j.model} ${j.dtype}`).join(', ')}.`,
        '',
      );
    }
  }
  if (node?.run?.adapter) {
    const r = node.run;
    const bandwidth = bandwidthOf(r.adapter, card);
    out.push(
      '## In Node with Dawn (not a browser)',
      '',
      'ONNX Runtime Web\'s WebGPU build (the same `ort-wasm-simd-threaded.asyncify` files the library ships) and',
      'transformers.js\' browser build, in Node with `navigator.gpu` from the `webgpu` package (Dawn): the same',
      'kernels a browser runs, without the browser. Only the bare pipeline; the library is a set of web components.',
      '',
      `- ${r.date}; Node ${r.node}; webgpu (Dawn for Node) ${r.dawn ?? ''}`,
      ...adapterLines(r.adapter),
      `- bandwidth used for the bound: ${bandwidth ? bandwidth.source : 'unknown card'}`,
      '',
      '| Model (shape of) | dtype | read per token | bound | bare tok/s | % of bound | TTFT | load | first generation | follow-up TTFT, turns 1–3 |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const [id, meta] of Object.entries(models)) {
      for (const dtype of DTYPE_ORDER) {
        const rec = node.records.find((x) => x.model === id && x.dtype === dtype);
        if (!rec) {
          if (node.run.dtypes?.includes?.(dtype) || node.records.some((x) => x.dtype === dtype)) out.push(`| ${meta.label} | ${dtype} | | | not reached (time limit) | | | | | |`);
          continue;
        }
        if (rec.error || rec.skipped) {
          out.push(`| ${meta.label} | ${dtype} | | | ${rec.skipped ?? `error: ${rec.error.split('\n')[0].slice(0, 120)}`} | | | | | |`);
          continue;
        }
        const prompt = rec.decode?.runs?.[0]?.promptTokens ?? 40;
        const bytes = bytesPerToken(meta, dtype, prompt + (rec.decode?.tokens ?? 0) / 2);
        const bound = bandwidth && bytes ? bandwidth.bytesPerSecond / bytes : null;
        out.push(
          `| ${meta.label} | ${dtype} | ${bytes ? mb(bytes) : '–'} | ${fmt(bound)} | ${fmt(rec.decode?.decodeTps, 1)} | ${rec.decode?.decodeTps && bound ? fmt((100 * rec.decode.decodeTps) / bound, 1) : '–'} % | ${fmt(rec.decode?.ttftMs)} ms | ${fmt(rec.load?.ms)} ms | ${fmt(rec.load?.firstGenerationMs)} ms | ${(rec.followUp ?? []).map((t) => fmt(t.ttftMs)).join(' / ')} ms |`,
        );
      }
    }
    out.push('');
  }
  out.push('## Models', '', '| Model | shape (layers × hidden, heads / KV heads × head dim, MLP, vocab) | parameters | files fp32 / fp16 / q4 / q4f16 |', '| --- | --- | ---: | ---: |');
  for (const meta of Object.values(models)) {
    const s = meta.shape;
    const sizes = ['fp32', 'fp16', 'q4', 'q4f16'].map((d) => (meta.dtypes?.[d] ? gb(meta.dtypes[d].fileBytes) : '–')).join(' / ');
    out.push(`| ${meta.label} | ${s.layers} × ${s.hidden}, ${s.heads} / ${s.kv_heads} × ${s.head_dim}, ${s.intermediate}, ${s.vocab}${s.qk_norm ? ', q/k norm' : ''} | ${(meta.parameters / 1e6).toFixed(0)} M | ${sizes} |`);
  }
  out.push('');
  if (notes) out.push(notes.trimEnd(), '');
  writeFileSync(target, `${out.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      browser: { type: 'string', default: 'bench/out/gpu-results.json' },
      node: { type: 'string', default: 'bench/out/gpu-node-results.json' },
      md: { type: 'string', default: 'bench/RESULTS-GPU.md' },
      card: { type: 'string' },
      notes: { type: 'string' },
    },
  });
  const read = (file) => (file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
  const notes = values.notes ? readFileSync(values.notes, 'utf8') : undefined;
  await writeGpuReport({ browser: read(values.browser), node: read(values.node), card: values.card, notes }, resolve(values.md));
  console.log(`wrote ${values.md}`);
}
