/**
 * A deterministic, markdown-heavy model reply for the streaming render benchmark: headings,
 * paragraphs dense with emphasis, code spans and links, nested bullet and numbered lists, fenced
 * code, quotes and tables, in the proportions chat models produce when asked to explain code.
 */

const WORDS = (
  'the model streams each token into the transcript while the reader follows along and the ' +
  'renderer keeps finished blocks untouched so that painting stays cheap even when replies grow ' +
  'long with many sections lists tables and code samples about caching workers and browsers'
).split(' ');

/** A small seeded PRNG (mulberry32): the same sample every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Markdown text of at least `minTokens` tokens (as `splitTokens` counts them).
 * @param {number} minTokens
 */
export function markdownReply(minTokens) {
  const rand = random(7);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const inline = () => {
    const parts = [];
    for (let i = 0, n = 3 + Math.floor(rand() * 4); i < n; i++) {
      const r = rand();
      if (r < 0.2) parts.push(`**${words(2)}**`);
      else if (r < 0.35) parts.push(`*${words(2)}*`);
      else if (r < 0.55) parts.push(`\`${pick(WORDS)}.${pick(WORDS)}()\``);
      else if (r < 0.65) parts.push(`[${words(2)}](https://example.com/${pick(WORDS)})`);
      else parts.push(words(3 + Math.floor(rand() * 5)));
    }
    return parts.join(' ');
  };
  const sections = [];
  let text = '';
  for (let section = 1; splitTokens(text).length < minTokens; section++) {
    const blocks = [`## ${section}. ${words(3)}`, `${inline()}. ${inline()}.`];
    blocks.push(Array.from({ length: 4 }, () => `- ${inline()}`).join('\n') + `\n  - ${inline()}\n  - ${inline()}`);
    blocks.push(Array.from({ length: 3 }, (_, i) => `${i + 1}. ${inline()}`).join('\n'));
    if (section % 2) {
      blocks.push(
        '```js\n' +
          Array.from({ length: 6 }, (_, i) => `const ${pick(WORDS)}${i} = await ${pick(WORDS)}.${pick(WORDS)}(${i}); // ${words(3)}`).join('\n') +
          '\n```',
      );
    } else {
      blocks.push(
        `| ${words(1)} | ${words(1)} | ${words(1)} |\n| --- | :---: | ---: |\n` +
          Array.from({ length: 4 }, () => `| \`${pick(WORDS)}\` | ${words(2)} | **${Math.floor(rand() * 1000)}** |`).join('\n'),
      );
    }
    blocks.push(`> ${inline()}\n> ${inline()}`);
    blocks.push(`${inline()}.`);
    sections.push(blocks.join('\n\n'));
    text = sections.join('\n\n');
  }
  return text;
}

/**
 * One long block of a kind, for the per-token cost of the renderer as that block grows (issue
 * 17): `paragraph` (one line of prose dense with emphasis, code spans and links), `list`
 * (numbered items like those), `code` (a fenced JavaScript block) or `table` (rows with inline
 * markup). At least `minTokens` tokens, as `splitTokens` counts them.
 * @param {'paragraph' | 'list' | 'code' | 'table'} kind
 * @param {number} minTokens
 */
export function longSample(kind, minTokens) {
  const rand = random(11);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const phrase = () => {
    const r = rand();
    if (r < 0.15) return `**${words(2)}**`;
    if (r < 0.3) return `*${words(2)}*`;
    if (r < 0.45) return `\`${pick(WORDS)}.${pick(WORDS)}()\``;
    if (r < 0.55) return `[${words(2)}](https://example.com/${pick(WORDS)})`;
    return words(3 + Math.floor(rand() * 5));
  };
  const head = { paragraph: '', list: '', code: '```js\n', table: '| name | what | count |\n| --- | :---: | ---: |\n' }[kind];
  let text = head;
  for (let i = 1; splitTokens(text).length < minTokens; i++) {
    if (kind === 'paragraph') text += `${phrase()} ${phrase()}. `;
    else if (kind === 'list') text += `${i}. ${phrase()} ${phrase()}.\n`;
    else if (kind === 'code') text += `const ${pick(WORDS)}${i} = await ${pick(WORDS)}.${pick(WORDS)}(${i}); // ${words(3)}\n`;
    else text += `| \`${pick(WORDS)}\` | ${phrase()} | **${Math.floor(rand() * 1000)}** |\n`;
  }
  return text;
}

/**
 * Splits text into model-like tokens: a word with its leading space, a run of digits, a run of
 * whitespace, or a single punctuation character (markdown syntax mostly arrives one or two
 * characters per token).
 */
export function splitTokens(text) {
  return text.match(/ ?[A-Za-z]+| ?\d{1,3}|\s+|[^\sA-Za-z\d]/g) ?? [];
}
