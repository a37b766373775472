#!/usr/bin/env node
/**
 * The measurement behind the renderer's choice of parser (issue 17, docs/markdown.md): for
 * markdown-it, marked and micromark, how many CommonMark 0.31.2 examples they pass, how much
 * they would add to the lazy markdown chunk (brotli), and what re-parsing a growing block costs
 * per token, early (1 KB) and late (11 KB), for a paragraph, a list, a code block and a table.
 *
 * The candidates other than markdown-it are not dependencies: install them in a folder of your
 * choice and point the script at it.
 *
 *   npm install --prefix /tmp/md-candidates marked micromark micromark-extension-gfm markdown-it commonmark-spec
 *   node bench/markdown-parsers.mjs /tmp/md-candidates
 */
import { build } from 'esbuild';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

const dir = process.argv[2] && resolve(process.argv[2]);
if (!dir) {
  console.error('usage: node bench/markdown-parsers.mjs <folder with the candidates in node_modules>');
  process.exit(1);
}
const require = createRequire(join(dir, 'package.json'));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);

const MarkdownIt = (await load('markdown-it')).default;
const { marked, Lexer } = await load('marked');
const { micromark, parse, postprocess, preprocess } = await load('micromark');
const { gfm } = await load('micromark-extension-gfm');
const spec = (await load('commonmark-spec')).default;

// 1. CommonMark examples, compared after a strict normalisation (whitespace between tags, void tags).
const md = new MarkdownIt('commonmark');
const normalise = (html) => html.replace(/\n/g, '').replace(/>\s+</g, '><').replace(/ \/>/g, '>').trim();
const renderers = {
  'markdown-it': (text) => md.render(text),
  marked: (text) => marked.parse(text),
  micromark: (text) => micromark(text, { allowDangerousHtml: true, allowDangerousProtocol: true }),
};
for (const [name, render] of Object.entries(renderers)) {
  let passed = 0;
  for (const example of spec.tests) {
    const markdown = example.markdown.replace(/→/g, '\t');
    let html;
    try {
      html = render(markdown);
    } catch {
      html = '';
    }
    if (normalise(html) === normalise(example.html.replace(/→/g, '\t'))) passed++;
  }
  console.log(`${name.padEnd(12)} CommonMark ${passed} / ${spec.tests.length}`);
}

// 2. What each adds to a browser bundle: minified, brotli quality 11.
const entries = {
  'markdown-it': `import MarkdownIt from 'markdown-it'; export const md = new MarkdownIt('commonmark').enable(['table', 'strikethrough']);`,
  'marked (lexer)': `import { Lexer } from 'marked'; export const lex = (s) => Lexer.lex(s);`,
  'micromark + gfm (parse only)': `import { parse, postprocess, preprocess } from 'micromark'; import { gfm } from 'micromark-extension-gfm'; export const run = (s) => postprocess(parse({ extensions: [gfm()] }).document().write(preprocess()(s, undefined, true)));`,
};
const work = await mkdtemp(join(tmpdir(), 'md-parsers-'));
for (const [name, code] of Object.entries(entries)) {
  const entry = join(work, 'entry.mjs');
  await writeFile(entry, code);
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, nodePaths: [join(dir, 'node_modules')] });
  const bytes = result.outputFiles[0].contents;
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`${name.padEnd(30)} ${(bytes.length / 1024).toFixed(1)} KB minified, ${(brotli / 1024).toFixed(1)} KB brotli`);
}

// 3. Re-parsing the whole open block on every token (what a streaming renderer does without
// finer incrementality): median µs per parse, 1 KB → 11 KB.
const mdit = new MarkdownIt('commonmark').enable(['table', 'strikethrough']);
const parsers = {
  'markdown-it': (text) => mdit.parse(text, {}),
  marked: (text) => Lexer.lex(text),
  micromark: (text) => postprocess(parse({ extensions: [gfm()] }).document().write(preprocess()(text, undefined, true))),
};
const WORDS = 'the model streams each token into the transcript while **the reader** follows along and `code()` with a [link](https://example.com/x) and more words here'.split(' ');
let seed = 1;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const words = (n) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
const samples = {
  paragraph: (bytes) => { let s = ''; while (s.length < bytes) s += `${words(8)} `; return s; },
  list: (bytes) => { let s = ''; for (let i = 1; s.length < bytes; i++) s += `${i}. ${words(8)}\n`; return s; },
  code: (bytes) => { let s = '```js\n'; for (let i = 0; s.length < bytes; i++) s += `const x${i} = await f(${i}); // ${words(3)}\n`; return s; },
  table: (bytes) => { let s = '| a | b | c |\n| --- | :-: | --: |\n'; while (s.length < bytes) s += `| ${words(2)} | ${words(2)} | **${Math.floor(random() * 999)}** |\n`; return s; },
};
const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
const cost = (parseFn, text) => {
  const times = [];
  for (let rep = 0; rep < 60; rep++) {
    const grown = text + ' word'.repeat(1 + (rep % 3));
    const start = performance.now();
    for (let k = 0; k < 5; k++) parseFn(grown);
    times.push((performance.now() - start) / 5);
  }
  return median(times) * 1000;
};
for (const [name, parseFn] of Object.entries(parsers)) {
  for (let i = 0; i < 30; i++) parseFn(samples.paragraph(2000));
  const row = Object.entries(samples).map(([kind, make]) => {
    const early = cost(parseFn, make(1000));
    const late = cost(parseFn, make(11000));
    return `${kind} ${early.toFixed(0)} → ${late.toFixed(0)} µs`;
  });
  console.log(`${name.padEnd(12)} ${row.join(' | ')}`);
}
