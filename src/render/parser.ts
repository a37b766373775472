/**
 * The CommonMark parser under the renderer: markdown-it, configured once.
 *
 * markdown-it was chosen over marked and micromark by measurement (docs/markdown.md): it is the
 * one that passes all 652 CommonMark 0.31.2 examples *and* re-parses a growing block fastest, and
 * its block tokens carry line ranges, which is what lets `markdown-stream.ts` re-parse only the
 * open end of a reply. Everything here uses markdown-it's documented plugin surface (`md.block`,
 * `md.inline`, their `State` classes and rulers); nothing renders HTML: the tokens are turned into
 * DOM nodes by `build.ts`.
 *
 * Configuration:
 * - the `commonmark` preset plus GFM tables and strikethrough (markdown-it's own rules);
 * - `html: true`, so raw HTML is *recognised* exactly as CommonMark says (an HTML block's lines
 *   are not parsed as markdown). `build.ts` then shows it as text: the safety rule changes how
 *   raw HTML looks, never how the text around it parses;
 * - `validateLink` accepts everything for the same reason: whether `[a](javascript:x)` is a link
 *   is a parsing question; whether it becomes an `<a>` is decided later by `safe-url.ts`;
 * - GFM task lists and extended autolinks (`www.`, bare URLs, e-mail) are handled in `build.ts`
 *   and `gfm-autolink.ts`, on the tokens markdown-it produces.
 */
import MarkdownIt, { type StateInline, type Token } from 'markdown-it';

/** markdown-it's nesting limit; deeper containers stop being parsed (hostile input, not prose). */
const MAX_NESTING = 32;

const md = new MarkdownIt('commonmark', { html: true, maxNesting: MAX_NESTING });
md.enable(['table', 'strikethrough']);
md.validateLink = () => true;

/**
 * Whether the inline text parsed last left something open that text appended later could still
 * change: an unmatched code-span opener, a `[` whose link could still complete, or a `<` that
 * could still become an autolink or a raw HTML tag. Set by the two watch rules below.
 */
let leftOpen = false;

/**
 * Runs at a backtick before markdown-it's code-span rule, which takes an unmatched run as
 * literal text: such a run would pair with a later run of the same length.
 */
function watchBackticks(state: StateInline, silent: boolean): boolean {
  if (silent || leftOpen || state.src.charCodeAt(state.pos) !== 0x60) return false;
  const { src, pos, posMax } = state;
  let end = pos;
  while (end < posMax && src.charCodeAt(end) === 0x60) end++;
  const length = end - pos;
  for (let next = src.indexOf('`', end); next !== -1 && next < posMax; next = src.indexOf('`', next)) {
    let runEnd = next;
    while (runEnd < posMax && src.charCodeAt(runEnd) === 0x60) runEnd++;
    if (runEnd - next === length) return false;
    next = runEnd;
  }
  leftOpen = true;
  return false;
}

/**
 * Runs last, where no other rule matched: a `[` whose link failed, or a `<` that is neither an
 * autolink nor a tag. `[label]` followed by neither `(` nor `[` is settled for good (CommonMark
 * drops such an opener at its `]`; a later definition of `label` is handled by the stream).
 */
function watchUnmatched(state: StateInline, silent: boolean): boolean {
  if (silent || leftOpen) return false;
  const { src, pos } = state;
  const ch = src.charCodeAt(pos);
  if (ch === 0x5b /* [ */) {
    const labelEnd = md.helpers.parseLinkLabel(state, pos, false);
    const after = labelEnd < 0 ? -1 : src.charCodeAt(labelEnd + 1);
    if (labelEnd < 0 || after === 0x28 /* ( */ || after === 0x5b /* [ */) leftOpen = true;
  } else if (ch === 0x3c /* < */ && /[A-Za-z!?/]/.test(src[pos + 1] ?? '')) {
    leftOpen = true;
  }
  return false;
}

md.inline.ruler.before('backticks', 'slm_watch_backticks', watchBackticks);
md.inline.ruler.push('slm_watch_unmatched', watchUnmatched);

/** Reference definitions collected while parsing: markdown-it's `env.references`. */
export type References = Record<string, { href: string; title: string }>;

/** Block tokens of `src` (inline tokens keep their `content`; their children are not parsed). */
export function parseBlocks(src: string, references: References): Token[] {
  const tokens: Token[] = [];
  md.block.parse(src, md, { references }, tokens);
  return tokens;
}

/** Inline tokens of one paragraph, heading or cell, and whether it left anything open (see `leftOpen`). */
export function parseInline(src: string, references: References): { tokens: Token[]; open: boolean } {
  const tokens: Token[] = [];
  leftOpen = false;
  const state = new md.inline.State(src, md, { references }, tokens);
  md.inline.tokenize(state);
  for (const rule of md.inline.ruler2.getRules('')) rule(state);
  // An emphasis or strikethrough opener without a closer could still be closed by later text.
  const open = leftOpen || state.delimiters.some((delimiter) => delimiter.open && delimiter.end < 0);
  leftOpen = false;
  return { tokens, open };
}

/** markdown-it's trim of paragraph and heading text: spaces, tabs and line endings only. */
export const asciiTrim: (text: string) => string = md.utils.asciiTrim;

/** Decodes backslash escapes and character references (code block info strings). */
export const unescapeAll: (text: string) => string = md.utils.unescapeAll;

export type { Token };
