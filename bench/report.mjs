/**
 * Turns `results.json` into the console table and `bench/RESULTS.md`. One list of rows
 * (`summaryRows`) feeds both, so the two never disagree.
 */
import { writeFile } from 'node:fs/promises';

const kb = (bytes) => (bytes == null ? '–' : `${(bytes / 1024).toFixed(1)} KB`);
const mb = (bytes) => (bytes == null ? '–' : `${(bytes / 1e6).toFixed(1)} MB`);
const mib = (bytes) => (bytes == null ? '–' : `${Math.round(bytes / 2 ** 20)} MiB`);
const ms = (value) => (value == null ? '–' : `${value} ms`);
const yes = (ok) => (ok === null ? 'n/a' : ok ? 'yes' : 'NO');

/**
 * @returns {{ n: number, measure: string, result: string, target: string, met: string }[]}
 */
export function summaryRows(r) {
  const rows = [];
  const add = (n, measure, result, target, met) => rows.push({ n, measure, result, target, met: met === undefined ? '' : yes(met) });
  const failed = (n, name, section) => add(n, name, `failed: ${section.error}`, '', false);

  const o = r.overhead;
  if (o?.error) failed(1, 'Widget overhead', o);
  else if (o) {
    add(1, `Decode tok/s, <slm-chat> ÷ bare pipeline in a worker (${o.model}; median of per-round ratios)`, `${o.widgetTps} vs ${o.bareWorkerTps}: ${o.tpsRatio}`, '≥ 0.97', o.tpsRatio >= 0.97);
    const control = [...o.controlRatios].sort((a, b) => a - b);
    add(1, 'A/A control: bare worker ÷ itself, same rounds (noise on this machine)', `median ${control[control.length >> 1]}, range ${control[0]}–${control.at(-1)}`, '(≈ 1)');
    add(1, 'Engine API alone (no element) ÷ bare worker', String(o.engineTpsRatio), '');
    add(1, 'CPU per token (renderer process): chat / engine API alone / bare worker', `${o.cpuMsPerToken.chat} / ${o.cpuMsPerToken.engine} / ${o.cpuMsPerToken.bare} ms (main thread ${o.mainThreadCpuMsPerToken.chat} / ${o.mainThreadCpuMsPerToken.engine} / ${o.mainThreadCpuMsPerToken.bare})`, '');
    add(1, 'Time to first token added by the chat', `${o.widgetTtftMs} vs ${o.bareWorkerTtftMs} ms: ${o.ttftAddedMs >= 0 ? '+' : '−'}${Math.abs(o.ttftAddedMs)} ms`, `≤ ${o.ttftAllowedMs} ms (5 ms + 3%)`, o.ttftAddedMs <= o.ttftAllowedMs);
    add(1, 'Bare pipeline on the main thread (reference)', `${o.bareMainThreadTps} tok/s (×${o.mainThreadVsWorkerRatio} of worker)`, '');
    if (o.tiny) add(1, `Library cost per token (${o.tiny.model}: model nearly free)`, `${o.tiny.perTokenOverheadMs} ms/token (${o.tiny.widgetTps} vs ${o.tiny.bareWorkerTps} tok/s)`, '');
  }

  const q = r.fast;
  if (q?.error) failed(9, 'High token rate', q);
  else if (q) {
    const setup = (name) => (name === 'main' ? 'main thread' : name);
    add(
      9,
      `Decode tok/s at a high rate (${q.model}), <slm-chat> ÷ the faster bare setup: a bare pipeline in a worker or on the main thread${q.faster ? ', each setup in a tab of its own' : ''} (median of per-round ratios)`,
      `${q.chatTps} vs worker ${q.workerTps} / main thread ${q.mainTps}: ${q.ratioToFaster}${q.faster ? ` (of ${setup(q.faster)})` : ''}${q.ratioToFasterInterval ? `, 95% interval ${q.ratioToFasterInterval.join('–')}` : ''}`,
      '≥ 0.97 (at ≥ 150 tok/s)',
      q.ratioToFaster >= 0.97 && Math.max(q.workerTps, q.mainTps) >= 150,
    );
    if (q.control) add(9, 'A/A control: a second bare worker tab ÷ the first, same rounds (noise on this machine)', `median ${q.control.ratio}${q.control.interval ? ` (95% interval ${q.control.interval.join('–')})` : ''}, range ${q.control.min}–${q.control.max}`, '(≈ 1)');
    if (q.engineToFaster !== undefined) add(9, 'Engine API alone (no element) ÷ the faster bare setup', `${q.engineTps} tok/s: ${q.engineToFaster}`, '');
    if (q.ratioToFasterPerRound !== undefined) add(9, "Chat ÷ the faster of each round's two bare runs (how this was reported before; biased low: the larger of two noisy rates)", `${q.ratioToFasterPerRound}`, '');
    const cpu = q.cpuMsPerToken;
    add(9, `CPU per token (renderer process): chat / ${cpu.engine !== undefined ? 'engine API / ' : ''}bare worker / bare main thread`, `${cpu.chat} / ${cpu.engine !== undefined ? `${cpu.engine} / ` : ''}${cpu.worker} / ${cpu.main} ms`, '');
    const threads = q.threadCpuMsPerToken;
    if (threads) {
      const worker = (arm) => threads[arm]?.DedicatedWorker ?? 0;
      add(9, 'CPU per token on the model\'s thread (the worker thread; the main thread for the bare main-thread setup): chat / engine API / bare worker / bare main thread', `${worker('chat')} / ${worker('engine')} / ${worker('worker')} / ${threads.main?.chromium ?? 0} ms`, '');
    }
    const faults = q.modelThreadFaultsPerToken;
    if (faults) add(9, 'Page faults per token on the model\'s thread (memory the kernel hands out afresh): chat / engine API / bare worker / bare main thread', `${faults.chat} / ${faults.engine} / ${faults.worker} / ${faults.main}`, '(reported)');
  }

  const tabs = r.tabs;
  if (tabs?.error) failed(10, 'Tabs', tabs);
  else if (tabs) {
    const row = (share, count) => tabs.find((x) => x.share === share && x.tabs === count);
    const most = Math.max(...tabs.map((x) => x.tabs));
    const label = { none: 'no model (the page alone)', page: 'share="page"', origin: 'share="origin"' };
    for (const share of ['none', 'page', 'origin']) {
      const rows = tabs.filter((x) => x.share === share);
      if (!rows.length) continue;
      add(
        10,
        `Renderer memory (all tabs and workers), ${label[share]}, ${rows.map((x) => x.tabs).join(' / ')} tabs: PSS summed (RSS summed; private)`,
        rows.map((x) => (x.pssBytes ? `${x.tabs}: ${mib(x.pssBytes)} (${mib(x.rssBytes)}; ${mib(x.privateBytes)})` : `${x.tabs}: RSS ${mib(x.rssBytes)}${x.privateBytes ? ` (private ${mib(x.privateBytes)})` : ''}`)).join(' · '),
        '',
      );
    }
    const one = row('origin', 1);
    const many = row('origin', most);
    if (one && many) {
      const ratio = (key, share = 'origin') => Math.round((row(share, most)[key] / row(share, 1)[key]) * 100) / 100;
      const perTab = (key, share) => mib((row(share, most)[key] - row(share, 1)[key]) / (most - 1));
      // The no-model tabs (older results have none).
      const bare = (figure) => (row('none', most) ? figure() : '?');
      if (one.pssBytes) {
        add(10, `Memory of ${most} tabs ÷ 1 tab, share="origin", PSS summed (share="page": ${ratio('pssBytes', 'page')})`, `×${ratio('pssBytes')}`, '≤ 1.2', ratio('pssBytes') <= 1.2);
        add(10, `Each extra tab, PSS: share="origin" / no model / share="page"`, `${perTab('pssBytes', 'origin')} / ${bare(() => perTab('pssBytes', 'none'))} / ${perTab('pssBytes', 'page')}`, '(reported)');
        add(10, `Same ratio, RSS summed (share="page": ${ratio('rssBytes', 'page')}; no model: ${bare(() => ratio('rssBytes', 'none'))}): Chromium's shared pages counted once per process, ${bare(() => perTab('rssBytes', 'none'))} per tab with no model`, `×${ratio('rssBytes')}`, '(reported)');
      } else {
        add(10, `Memory of ${most} tabs ÷ 1 tab, share="origin", renderer RSS summed (share="page": ${ratio('rssBytes', 'page')})`, `×${ratio('rssBytes')}`, '≤ 1.2', ratio('rssBytes') <= 1.2);
      }
      if (one.privateBytes) {
        add(10, `Same ratio, private memory (share="page": ${ratio('privateBytes', 'page')}); each extra tab: ${perTab('privateBytes', 'origin')}`, `×${ratio('privateBytes')}`, '(reported)', undefined);
      }
    }
    const second = row('origin', 2);
    if (second) {
      add(10, 'Second tab ready (warm cache), share="origin" (share="page")', `${ms(second.readyMs[1])} (${ms(row('page', 2).readyMs[1])})`, '< 300 ms', second.readyMs[1] < 300);
    }
  }

  const f = r['follow-up'];
  if (f?.error) failed(2, 'Follow-up turns', f);
  else if (f) {
    add(2, `TTFT turn 10 ÷ turn 1, <slm-chat> (KV cache; ${f.turn10PromptTokens} prompt tokens at turn 10)`, `${f.chatTtftMs[9]} ÷ ${f.chatTtftMs[0]} ms = ${f.chatRatio}`, '≤ 1.3', f.chatRatio <= 1.3);
    add(2, 'Same ratio, naive re-send of the whole history', `${f.naiveTtftMs[9]} ÷ ${f.naiveTtftMs[0]} ms = ${f.naiveRatio}`, '(reference)');
  }

  const m = r['main-thread'];
  if (m?.error) failed(3, 'Main thread', m);
  else if (m) {
    add(3, `Long tasks while a ${m.chat.tokens}-token reply streams, <slm-chat>`, `${m.chat.longTasks} (TBT ${m.chat.totalBlockingMs} ms; main thread busy ${m.chat.busyPercent}%)`, '0', m.chat.longTasks === 0);
    add(3, 'Same, pipeline on the main thread', `${m.mainThreadPipeline.longTasks} (TBT ${m.mainThreadPipeline.totalBlockingMs} ms; busy ${m.mainThreadPipeline.busyPercent}%)`, '(reference)');
  }
  const pending = r.render?.element?.pending;
  if (pending) {
    add(3, '<slm-chat> with a reply pending, no token arriving (e.g. during prefill)', `main thread busy ${pending.mainThreadBusyPercent}%, renderer CPU ${pending.rendererCpuPercent}%`, '(reported)');
  }

  const s = r.render;
  if (s?.error) failed(4, 'Streaming render', s);
  else if (s) {
    const e = s.element;
    const syncOk = (x) => x.syncRatio <= 1.5 && x.at4000.syncMsPerToken < 1;
    const allOk = (x) => x.mainThreadRatio <= 1.5 && x.at4000.mainThreadMsPerToken < 1;
    const sync = (x) => `${x.at100.syncMsPerToken} → ${x.at4000.syncMsPerToken} ms (×${x.syncRatio})`;
    const all = (x) => `${x.at100.mainThreadMsPerToken} → ${x.at4000.mainThreadMsPerToken} ms (×${x.mainThreadRatio})`;
    add(4, `Update + style + layout per token, <slm-chat> (scripted engine), token ~100 → ~4,000 (${e.at4000.replyKB} KB)`, sync(e), 'ratio ≤ 1.5, < 1 ms', syncOk(e));
    add(4, 'Same, MarkdownStream alone', sync(s.stream), 'ratio ≤ 1.5, < 1 ms', syncOk(s.stream));
    add(4, 'All main-thread CPU per painted token (paint, commit… included), <slm-chat>', all(e), 'ratio ≤ 1.5, < 1 ms', allOk(e));
    add(4, 'Same, MarkdownStream alone', all(s.stream), 'ratio ≤ 1.5, < 1 ms', allOk(s.stream));
    if (s.plain) add(4, 'Same, floor: the text appended to one text node', all(s.plain), '(reference)');
    add(4, 'Same, naive full re-render per token', all(s.naive), '(reference)');
    for (const [kind, x] of Object.entries(s.longBlocks ?? {})) {
      const laidOut = x.stream ? `; laid out ×${x.stream.scriptRatio}, with style + layout ×${x.stream.syncRatio} (plain-text floor ×${x.plain.syncRatio})` : '';
      const own = x.detached ?? x.stream;
      add(4, `MarkdownStream, one long ${kind} (${x.stream.late.blockKB} KB): the renderer's own ms per token, ~100 → ~4,000`, `${own.early.scriptMs} → ${own.late.scriptMs} (×${own.scriptRatio})${laidOut}`, 'ratio ≤ 1.5', own.scriptRatio <= 1.5);
    }
    if (s.markdownChunkBrotliBytes) add(4, "Markdown renderer chunk (lazy, on a chat's first render)", kb(s.markdownChunkBrotliBytes), '(reported)');
  }

  const h = r.sharing;
  if (h?.error) failed(5, 'Sharing', h);
  else if (h) {
    const loads = h.map((x) => `${x.consumers}: ${x.readyEvents} ready / ${x.weightDownloads} download / ${x.workers} worker`).join('; ');
    add(5, 'Model loads with 1 / 3 / 10 chats on one provider', loads, 'exactly 1', h.every((x) => x.readyEvents === 1 && x.weightDownloads === 1 && x.workers === 1 && x.workerScripts === 1));
    const first = h[0];
    const lastRow = h.at(-1);
    add(
      5,
      'Memory (renderer RSS; page JS heap)',
      h.map((x) => `${x.consumers}: ${mib(x.rendererRssBytes)}; ${mib(x.mainHeapBytes)}`).join(' · '),
      'flat (≤ +10% RSS)',
      lastRow.rendererRssBytes <= first.rendererRssBytes * 1.1,
    );
  }

  const l = r.load;
  if (l?.error) failed(6, 'Load', l);
  else if (l) {
    add(6, 'Cold load (empty Cache Storage)', `${ms(l.coldMs)}, ${mb(l.coldBytes)} (model ${mb(l.coldByCategory.model)}, ORT wasm ${mb(l.coldByCategory.ort)})`, '');
    add(6, 'Warm load (Cache Storage)', `${ms(l.warmMs)}, model bytes over the network: ${l.warmModelBytes}`, '0 bytes', l.warmModelBytes === 0);
    if (l.offlineWarmLoad) {
      const o = l.offlineWarmLoad;
      add(6, 'Warm load with the model host unreachable (offline)', o.ok ? `ready in ${ms(Math.round(o.ms))}` : `fails: ${o.code} (${o.message})`, 'loads from cache', o.ok);
    }
    if (l.flaky) {
      const f = l.flaky;
      add(
        6,
        'Cold load over a flaky connection (every weights transfer cut at 30 % and 70 %)',
        `${ms(f.coldMs)} (clean ${ms(l.coldMs)}), model bytes ${mb(f.modelBytes)} = ${f.bytesRatio}× the clean load's`,
        '≤ 1.15× bytes',
        f.bytesRatio <= 1.15,
      );
    }
    const p = l.secondProvider;
    if (p) add(6, 'Second provider, same model, same page', `${ms(p.ms)} to ready; +${p.workerScripts} worker, ${mb(p.modelBytes)} model bytes, +${mib(p.rendererRssIncreaseBytes)} RSS`, '(reported)');
  }

  const b = r.bundle;
  if (b?.error) failed(7, 'Bundle', b);
  else if (b) {
    add(7, 'Initial script without the engine, brotli (dist/cdn/slm-elements.js + static imports)', kb(b.elementsBrotliBytes), '≤ 15 KB', b.elementsBrotliBytes <= 15_000);
    add(7, 'Added by the first <slm-chat> / <slm-complete> (its view), brotli', `${kb(b.chatFirstUseBrotliBytes)} / ${kb(b.completeFirstUseBrotliBytes)}`, '(reported)');
    add(7, 'Engine JS, brotli (LocalEngine implementation, worker, transformers.js)', kb(b.engineJsBrotliBytes), '');
    add(7, 'Engine requested before first use', b.lazy.engineRequestsBeforeUse.length ? b.lazy.engineRequestsBeforeUse.join(', ') : 'nothing', 'nothing', b.lazy.engineRequestsBeforeUse.length === 0);
  }

  const t = r.stop;
  if (t?.error) failed(8, 'Stop latency', t);
  else if (t) add(8, 'Click on stop → last token painted', `median ${t.medianMs} ms, max ${t.maxMs} ms (token every ${t.tokenIntervalMs} ms)`, '≤ 50 ms', t.maxMs <= 50);

  const g = r.structured;
  if (g?.error) failed(11, 'Structured output', g);
  else if (g) {
    add(11, `Decode tok/s with a schema ÷ without (${g.model}, same page, alternating rounds; median of per-round ratios)`, `${g.schemaTps} vs ${g.freeTps}: ${g.tpsRatio}`, '≥ 0.85', g.tpsRatio >= 0.85);
    add(11, 'Grammar cost per token (mask + apply + advance), in that run', `${g.maskMsPerToken} ms (CPU per token ${g.cpuMsPerToken.schema} vs ${g.cpuMsPerToken.free} ms)`, '(reported)');
    for (const v of g.vocabularies) add(11, `Grammar cost per token at a ${v.vocab.toLocaleString('en')}-token vocabulary (no model)`, `mask ${v.maskMs} + apply ${v.applyMs} + advance ${v.acceptMs} ms`, '(reported)');
    add(11, 'Grammar compile: first request (XGrammar import + tokenizer + compile) / cached / another schema', `${g.compileMs.first} / ${g.compileMs.cached} / ${g.compileMs.anotherSchema} ms`, '(reported)');
    add(11, 'Code fetched only when a schema is first used, brotli', `${kb(g.firstUse.brotliBytes)} (${g.firstUse.files.map((f) => f.file).join(', ')})`, '(reported)');
    add(11, 'Every constrained reply parsed and validated', yes(g.allValid), 'yes', g.allValid);
  }
  return rows.sort((a, b) => a.n - b.n);
}

/** Prints the summary table to the console. */
export function printTable(results) {
  const rows = summaryRows(results);
  const widths = [2, 0, 0, 0, 3];
  const cells = rows.map((row) => [String(row.n), row.measure, row.result, row.target, row.met]);
  const header = ['#', 'Measure', 'Result', 'Target', 'Met'];
  for (const line of [header, ...cells]) line.forEach((cell, i) => (widths[i] = Math.max(widths[i], cell.length)));
  const format = (line) => line.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  const { meta } = results;
  console.log(`\nslm-elements bench · ${meta.device} · ${meta.browser} · ${meta.machine.cpus} × ${meta.machine.cpuModel}, ${meta.machine.memoryGiB} GiB`);
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of cells) console.log(format(line));
  console.log('');
}

/** A table cell: pipes escaped, tag names such as <slm-chat> in code so markdown keeps them. */
const cell = (value) =>
  String(value)
    .replace(/\|/g, '\\|')
    .replace(/(^|[^`])<(slm-[a-z-]+)>(?!`)/g, '$1`<$2>`');
const mdTable = (header, rows) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');

/** Writes the human-readable report (machine, method, summary, details). */
export async function writeResultsMarkdown(r, path) {
  const { meta } = r;
  const model = meta.models['slm-bench'];
  const tiny = meta.models['slm-tiny'];
  const shape = (m) => `${m.layers} layers, hidden ${m.hidden}, ${m.heads} heads / ${m.kvHeads} KV heads, MLP ${m.intermediate}, vocab ${m.vocab}, ${m.maxPositions} positions, ${m.dtype} (${mb(m.weightsBytes)})`;
  const out = [];
  out.push('# slm-elements benchmark results');
  out.push('');
  out.push('Generated by `npm run bench` (`bench/run.mjs`); do not edit by hand. Issue 7 lists what is measured and why.');
  out.push('');
  out.push(mdTable(['', ''], [
    ['Date', meta.date.slice(0, 10)],
    ['Machine', `${meta.machine.cpus} × ${meta.machine.cpuModel}, ${meta.machine.memoryGiB} GiB, ${meta.machine.platform}`],
    ['WebGPU adapter', meta.webgpuAdapter ? [meta.webgpuAdapter.vendor, meta.webgpuAdapter.architecture, meta.webgpuAdapter.description].filter(Boolean).join(' / ') || 'present (no details)' : meta.webgpuAdapter === null ? 'none' : 'not probed'],
    ['Browser', meta.browser],
    ['Device', `${meta.device}${meta.resolved ? ` (${meta.resolved.device}, ${meta.resolved.dtype})` : ''}; ONNX Runtime single-threaded (the page is not cross-origin isolated)`],
    ['Models (random weights)', `\`slm-bench\`: ${shape(model)}<br>\`slm-tiny\`: ${shape(tiny)}`],
    ['Run', `${meta.quick ? 'quick, ' : ''}${meta.reps} repetitions (medians; ${meta.decodeReps ?? meta.reps} rounds for decode speed${meta.fastReps ? `, ${meta.fastReps} at the high rate` : ''}), replies of ${meta.replyTokens} tokens, ${meta.durationS} s in all; commit ${meta.gitCommit ?? '?'}${meta.note ? `. ${meta.note}` : ''}`],
    ['Machine load', `load averages (1, 5, 15 min) ${meta.loadAverageAtStart ?? '?'} at the start, ${meta.loadAverageAtEnd ?? '?'} at the end: other work on the machine slows wall-clock figures, hence ratios within rounds, an A/A control and CPU times`],
  ]));
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push(mdTable(['#', 'Measure', 'Result', 'Target', 'Met'], summaryRows(r).map((row) => [row.n, row.measure, row.result, row.target, row.met])));
  out.push('');
  out.push('## How each figure is taken');
  out.push('');
  out.push(METHOD);
  out.push('');
  out.push('## Details');
  out.push('');
  if (r.overhead && !r.overhead.error) {
    const o = r.overhead;
    out.push('### 1. Widget overhead');
    out.push('');
    out.push(mdTable(['', 'decode tok/s', 'TTFT ms', 'tokens', 'CPU ms/token (renderer process)', 'of which main thread'], [
      [`\`<slm-chat>\` (${o.model}), our timing from \`slm-token\``, o.widgetTps, o.widgetTtftMs, o.tokens.widget, o.cpuMsPerToken.chat, o.mainThreadCpuMsPerToken.chat],
      ['`<slm-chat>`, as `slm-response` reports it', o.widgetReportedTps, o.widgetReportedTtftMs, '', '', ''],
      ['engine API alone (`provider.engine.generate`, conversation cache, no element)', o.engineTps, o.engineTtftMs, '', o.cpuMsPerToken.engine, o.mainThreadCpuMsPerToken.engine],
      ['bare pipeline in a worker', o.bareWorkerTps, o.bareWorkerTtftMs, o.tokens.bare, o.cpuMsPerToken.bare, o.mainThreadCpuMsPerToken.bare],
      ['bare pipeline on the main thread', o.bareMainThreadTps, '', '', '', ''],
      [`\`<slm-chat>\` (${o.tiny.model})`, o.tiny.widgetTps, o.tiny.widgetTtftMs, o.tiny.tokens.widget, o.tiny.cpuMsPerToken.chat, o.tiny.mainThreadCpuMsPerToken.chat],
      [`bare pipeline in a worker (${o.tiny.model})`, o.tiny.bareWorkerTps, o.tiny.bareWorkerTtftMs, o.tiny.tokens.bare, o.tiny.cpuMsPerToken.bare, o.tiny.mainThreadCpuMsPerToken.bare],
    ]));
    out.push('');
    out.push(`Decode ratio chat ÷ bare per round (${o.model}): ${o.perPairTpsRatios.join(', ')} (median ${o.tpsRatio}; ratio of medians ${o.ratioOfMedians}); A/A control (bare ÷ bare): ${o.controlRatios.join(', ')}; engine API alone ÷ bare: ${o.engineTpsRatio}. Cost per token outside the model: ${o.perTokenOverheadMs} ms on ${o.model}, ${o.tiny.perTokenOverheadMs} ms on ${o.tiny.model} (per-round ratios ${o.tiny.perPairTpsRatios.join(', ')}).`);
    out.push('');
  }
  if (r['follow-up'] && !r['follow-up'].error) {
    const f = r['follow-up'];
    out.push('### 2. Follow-up turns');
    out.push('');
    out.push(mdTable(['turn', ...f.chatTtftMs.map((_, i) => i + 1)], [
      ['prompt tokens', ...f.promptTokensPerTurn],
      ['of which cached', ...f.cachedTokensPerTurn],
      ['`<slm-chat>` TTFT ms', ...f.chatTtftMs],
      ['naive TTFT ms', ...f.naiveTtftMs],
    ]));
    out.push('');
  }
  if (r['main-thread'] && !r['main-thread'].error) {
    const m = r['main-thread'];
    out.push('### 3. Main thread');
    out.push('');
    const line = (name, x) => [name, x.longTasks, x.totalBlockingMs, x.longestTaskMs, x.busyMs, x.busyPercent, x.busyMsPerToken, x.cpuMsPerToken, x.wallMs];
    out.push(mdTable(['', 'long tasks', 'TBT ms', 'longest task ms', 'busy ms (TaskDuration)', 'busy %', 'busy ms/token', 'CPU ms/token (ThreadTime)', 'wall ms'], [
      line('`<slm-chat>` (model in its worker)', m.chat),
      line('pipeline on the main thread', m.mainThreadPipeline),
    ]));
    out.push('');
  }
  if (r.render && !r.render.error) {
    const s = r.render;
    out.push('### 4. Streaming render');
    out.push('');
    const row = (name, x) => [
      name,
      `${x.at100.syncMsPerToken} (${x.at100.scriptMsPerToken} + ${x.at100.layoutMsPerToken})`,
      `${x.at1000.syncMsPerToken} (${x.at1000.scriptMsPerToken} + ${x.at1000.layoutMsPerToken})`,
      `${x.at4000.syncMsPerToken} (${x.at4000.scriptMsPerToken} + ${x.at4000.layoutMsPerToken})`,
      x.syncRatio,
      x.at100.mainThreadMsPerToken,
      x.at1000.mainThreadMsPerToken,
      x.at4000.mainThreadMsPerToken,
      x.mainThreadRatio,
    ];
    out.push('Milliseconds per token; "sync" is update + style/layout (script + layout in brackets), medians over the 150 tokens of each window (25–175, 925–1,075, 3,925–4,075); "main thread" is main-thread CPU time per token, everything the frame does included (wall-clock task time in the JSON).');
    out.push('');
    out.push(mdTable(['', 'sync @100', 'sync @1,000', 'sync @4,000', 'ratio 4,000/100', 'main thread @100', '@1,000', '@4,000', 'ratio 4,000/100'], [
      row('`<slm-chat>` + scripted engine', s.element),
      row('`MarkdownStream` alone', s.stream),
      ...(s.plain ? [row('floor: one growing text node (no markdown)', s.plain)] : []),
      row('naive: whole reply re-rendered', s.naive),
    ]));
    out.push('');
    out.push(`The reply is ${s.element.at4000.replyKB} KB of markdown at token 4,000.`);
    out.push('');
  }
  if (r.sharing && !r.sharing.error) {
    out.push('### 5. Sharing');
    out.push('');
    out.push(mdTable(['chats', 'slm-ready', 'worker scripts', 'weight downloads', 'bytes fetched', 'workers', 'page JS heap', 'worker JS heap', 'worker ArrayBuffers', 'renderer RSS', 'all replied'], r.sharing.map((x) => [
      x.consumers, x.readyEvents, x.workerScripts, x.weightDownloads, mb(x.bytesFetched), x.workers, mib(x.mainHeapBytes), mib(x.workerHeapBytes), mib(x.workerBuffersBytes), mib(x.rendererRssBytes), ms(x.allRepliedMs),
    ])));
    out.push('');
  }
  if (r.load && !r.load.error) {
    const l = r.load;
    out.push('### 6. Load');
    out.push('');
    // The page (and so the elements bundle) was already loaded when load() was called.
    const cat = (c) => `model ${mb(c.model)}, ONNX Runtime ${mb(c.ort)}, engine JS ${kb(c.engine)}`;
    out.push(mdTable(['', 'time to ready', 'bytes over the network'], [
      ['cold (empty Cache Storage)', ms(l.coldMs), `${mb(l.coldBytes)}: ${cat(l.coldByCategory)}`],
      ['warm (new page, same profile)', ms(l.warmMs), `${mb(l.warmBytes)}: ${cat(l.warmByCategory)}`],
      ...(l.flaky ? [['cold over a flaky connection (weights cut at 30 % and 70 %)', ms(l.flaky.coldMs), `model ${mb(l.flaky.modelBytes)} (${l.flaky.bytesRatio}× the clean cold load's); weights requests: ${l.flaky.weightRequests.join(', ')}`]] : []),
      ...(l.secondProvider ? [['second provider, same model, same page', ms(l.secondProvider.ms), `${mb(l.secondProvider.totalBytes)}; ${l.secondProvider.workerScripts} more worker script, ${l.secondProvider.workers} workers in all, RSS +${mib(l.secondProvider.rendererRssIncreaseBytes)}`]] : []),
    ]));
    out.push('');
    out.push(`Requests for model files on the warm load: ${l.warmModelRequests.length ? l.warmModelRequests.join(', ') : 'none'}.`);
    out.push('');
    const tl = l.coldTimeline;
    out.push(`Cold load timeline (first request of each part, ms after \`load()\`): worker script ${tl.workerScript}, transformers.js chunk ${tl.transformersChunk}, model config ${tl.modelConfig}, weights ${tl.weights}, ONNX Runtime wasm ${tl.ortWasm}, ready ${tl.ready}.`);
    out.push('');
  }
  if (r.bundle && !r.bundle.error) {
    const b = r.bundle;
    out.push('### 7. Bundle');
    out.push('');
    out.push(mdTable(['file', 'role', 'raw', 'brotli'], b.sizes.map((s) => [`\`${s.file}\``, s.role, kb(s.rawBytes), `${kb(s.brotliBytes)}${s.brotliQuality !== 11 ? ` (q${s.brotliQuality})` : ''}`])));
    out.push('');
    out.push(`Requests, from the server's log: on page load ${b.lazy.pageLoadPaths.map((p) => `\`${p}\``).join(', ')}; when the pointer enters the chat ${b.lazy.pointerOverChatPaths.length ? b.lazy.pointerOverChatPaths.map((p) => `\`${p}\``).join(', ') : 'nothing'}; on the first message ${b.lazy.firstMessagePaths.length ? b.lazy.firstMessagePaths.map((p) => `\`${p}\``).join(', ') : 'nothing more'}.`);
    out.push('');
  }
  if (r.stop && !r.stop.error) {
    const t = r.stop;
    out.push('### 8. Stop latency');
    out.push('');
    out.push(mdTable(['run', 'click → last paint ms', 'click → last token ms', 'tokens after click', 'click → slm-response ms'], t.runs.map((x, i) => [i + 1, x.clickToLastPaintMs, x.clickToLastTokenMs, x.tokensAfterClick, x.clickToResponseMs])));
    out.push('');
  }
  if (r.structured && !r.structured.error) {
    const g = r.structured;
    out.push('### 9. Structured output');
    out.push('');
    out.push(`Decode rate with a schema ÷ without, per round: ${g.ratios.join(', ')} (median ${g.tpsRatio}). Grammar cost per token in those rounds ${g.maskMsPerToken} ms.`);
    out.push('');
    out.push(mdTable(['vocabulary', 'mask ms/token', 'apply ms/token', 'advance ms/token', 'tokenizer info ms', 'compile ms'], g.vocabularies.map((v) => [v.vocab.toLocaleString('en'), v.maskMs, v.applyMs, v.acceptMs, v.infoMs, v.compileMs])));
    out.push('');
    out.push(mdTable(['fetched on the first constrained request', 'raw', 'brotli'], g.firstUse.files.map((f) => [`\`dist/cdn/${f.file}\``, kb(f.raw), kb(f.brotli)])));
    out.push('');
  }
  await writeFile(path, `${out.join('\n')}\n`);
}

const METHOD = `All pages are served by a plain static server (\`bench/server.mjs\`: files byte for byte, \`Range\`
and \`ETag\` support, every request logged with its body bytes) and load the script-tag bundle
\`dist/cdn/slm-elements.js\`, as users do. Each section opens a fresh browser profile (empty Cache
Storage and HTTP cache). Times are \`performance.now()\` in the page unless said otherwise; CPU
times come from the DevTools protocol (\`Performance.getMetrics\`: \`ThreadTime\` for the main thread,
\`ProcessTime\` for the whole renderer process, workers included), and unlike wall-clock times they
hardly depend on what else the machine is doing.

1. **Widget overhead.** One page holds \`<slm-provider device=…>\` with a \`<slm-chat>\` and a bare
   transformers.js text-generation pipeline in its own worker (\`bench/pages/bare-worker.js\`:
   greedy, a minimal streamer that only posts each token id, no text decoding), both on
   \`slm-bench\` and the same device, both warmed up. Same prompt, same number of new tokens. Each
   round runs, in rotating order: the chat; the bare worker; the provider's engine API alone
   (\`provider.engine.generate\` with a conversation id, i.e. the chat's worker path without any
   element); and the bare worker again as an A/A control, whose ratio to the first bare run shows
   how much two identical runs differ on this machine. Tokens are timed as they arrive on the main
   thread in every case (\`slm-token\` events; the worker's messages). Decode tok/s = (tokens − 1) ÷
   (last − first arrival); TTFT is from \`chat.send()\` / \`postMessage\` to the first token. The
   headline ratio is the median of the per-round ratios. \`slm-tiny\` repeats the comparison where
   the model costs almost nothing, which shows the library's fixed cost per token.
2. **Follow-up turns.** A chat with a system prompt answers ten ~90-character user messages with
   48-token replies (one token per byte with this tokenizer, so turn 10's prompt holds well over
   1,000 tokens of history). TTFT per turn from \`chat.send()\`. The naive way is the bare worker
   pipeline given, every turn, the same messages the chat had (system prompt and transcript up to
   that user message), timed to its first token.
3. **Main thread.** While a reply streams: long tasks from a \`PerformanceObserver('longtask')\` in
   the page, total blocking time = Σ(duration − 50 ms), main-thread busy time (\`TaskDuration\`
   over the reply's wall time) and main-thread CPU time per token (\`ThreadTime\`). The reference
   runs the same bare pipeline on the main thread of a page of its own (its own renderer process,
   as in 9), appending each token to the page; section 1's main-thread rate comes from it too. On the
   render page (below), the chat also waits 3 s with a reply pending and no token arriving, which
   shows what merely displaying "a reply is on its way" costs.
4. **Streaming render.** No model: a deterministic markdown-heavy reply (headings, emphasis, code
   spans, links, nested lists, fenced code, tables, quotes: \`bench/pages/markdown-sample.js\`) is
   split into model-like tokens. Targets: \`<slm-chat>\` fed by a scripted engine through the same
   context protocol \`<slm-provider>\` answers (the element's real path: generation controller,
   \`slm-token\` event, Lit update of the transcript, markdown directive, renderer, scrolling);
   \`MarkdownStream\` alone in a styled shadow root; a floor, the text appended to a single text
   node; and a naive renderer that renders the whole reply again at every token (\`renderMarkdown\`).
   Tokens outside the windows 25–175, 925–1,075 and 3,925–4,075 are fed as fast as possible (one
   update per token); inside them one token arrives per animation frame. "Update + style + layout"
   is the time from handing over the token to the updated DOM laid out (layout forced by reading
   \`scrollHeight\`), median per window. "All main-thread CPU" is the main thread's CPU time over the
   window minus that of as many frames without a token, per token: it adds paint, compositing
   commit and everything else a frame with a change costs. The page is cross-origin isolated
   (5 µs timers; no model runs on it).
5. **Sharing.** One provider with 1, 3 or 10 chats on \`slm-bench\`; every chat sends a message at
   once (8-token replies). Loads are \`slm-ready\` events, requests for \`slm-worker.js\` and full
   downloads of the weights in the server log, and dedicated worker targets (DevTools). Memory after
   a forced GC: page JS heap, each worker's JS heap and ArrayBuffers (DevTools
   \`Runtime.getHeapUsage\`), and the resident memory of the page's renderer process (\`/proc\`,
   median of 5 samples), which holds the workers' WebAssembly memory and so the model.
6. **Load.** \`provider.load()\` to resolution (\`slm-ready\`) on \`slm-bench\`: cold after clearing Cache
   Storage in a fresh profile, then warm in a new page of the same profile (the model and ONNX
   Runtime's wasm come from Cache Storage; the server answers revalidations of scripts with 304,
   no body), then warm again with every request to the model host failing (an offline visit).
   Then a second \`<slm-provider>\` for the same model on the cold page. Then cold again over a
   flaky connection: the server cuts every transfer of the weights the first time it reaches 30 %
   and 70 % of the file (the connection closes, as a dropped Wi-Fi does); bytes are the model's
   bytes the server sent.
7. **Bundle.** Brotli (node:zlib, quality 11; the wasm at quality 9) of the files in \`dist/cdn/\`.
   Lazy loading from the server's log: a page with a provider and a chat, idle for 1.5 s; then the
   pointer enters the chat (the chat then asks whether the model is cached, to show the download
   size, which starts the worker); then a first message.
8. **Stop latency.** During a long reply on \`slm-bench\`, at a random moment between two tokens, the
   stop button is clicked (\`click()\` in the page). A \`MutationObserver\` on the reply records the last
   change of its text; the latency is from the click to the first animation frame after that
   change (0 when nothing changed after the click).
9. **High token rate.** On \`slm-fast\` (4 layers, hidden 256: ~300 tokens/s here, the rate of small
   models on real GPUs, where a fixed cost per token weighs most), the same reply through
   \`<slm-chat>\`, through the provider's engine API alone, through a bare pipeline in a worker and
   through one on the page's main thread (as in 1). Each setup runs in a tab of its own (a browser
   context, so a renderer process of its own), as on a real site, which runs the library or a bare
   pipeline, not both: three copies of ONNX Runtime's wasm in one renderer kept V8 compiling it in
   the background during every reply (the renderer's thread pool took ~2 s of CPU per 256-token
   reply instead of ~0.1 s, and every setup slowed from ~300 to ~180 tokens/s). A second bare-worker
   tab is the A/A control. Rounds rotate the order; "the faster bare setup" is the one with the
   higher median rate, and the headline is the median of the chat's per-round ratios to it, with a
   95% bootstrap interval (one round's ratio of two identical setups spreads ±11% here). CPU per
   token is each tab's renderer process (\`ProcessTime\`), and per thread from \`/proc/<pid>/task\`,
   as are the model thread's minor page faults (memory the kernel hands out afresh, page by page).
10. **Tabs.** In a fresh browser context, one visit loads \`slm-bench\` into Cache Storage and leaves;
   then 1, 2 or 4 tabs each open the page with a provider (\`share="page"\` or \`"origin"\`), time
   \`provider.load()\` and send one message. Also 1, 2 and 4 tabs of the same page without any
   provider: what a tab costs the browser by itself. Memory is summed over every renderer process
   (tabs, their dedicated workers, the shared worker) after a garbage collection in each tab and
   each worker (a worker that has just loaded a model still holds the downloaded file), median
   of 5 samples: PSS (\`/proc/<pid>/smaps_rollup\`: each page counted once, shared pages split
   between the processes that map them; the sum is the memory the processes take together), RSS
   (shared pages, Chromium's code among them, counted once per process) and private memory (what
   closing the processes would free).
11. **Structured output.** On the model page, the provider's engine generates the same chat reply
   with and without a \`schema\` (one string of a fixed length, so both arms generate the same number
   of tokens), alternating which goes first, for the decode-speed rounds; the ratio of the decode
   rates (\`tokensPerSecond\`) per round, its median reported. The grammar's cost per token is what
   the worker reports (\`constraint.maskMs\` ÷ tokens: mask computed, applied to the logits, matcher
   advanced). Compile times are \`constraint.compileMs\` of the first constrained request (XGrammar
   imported and initialised, the tokenizer described, the grammar compiled), of the same schema
   again, and of another schema. The code fetched on the first constrained request is read from the
   server's log (paths never requested before) and sized as in 7. Apart from any model, XGrammar's
   mask, apply and advance times per token are also measured at 32,000- and 128,000-token
   byte-level vocabularies (random pieces; a random walk through a JSON schema's grammar).`;
