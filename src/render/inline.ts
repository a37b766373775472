/**
 * Inline markdown → DOM nodes: emphasis, strong, strikethrough, code spans, links, autolinks,
 * image links, line breaks, backslash escapes and character references.
 *
 * Every node is built with `createElement` / `createTextNode`, so text from the model can never
 * become markup: `<script>` in a reply is just the characters `<script>`. The only attribute that
 * carries anything from the source is a link's `href`, and only after `safeHref` accepted it.
 *
 * Emphasis follows CommonMark's delimiter-run algorithm (flanking rules, the "rule of 3"), so
 * `snake_case_names`, `2 * 3 * 4` and `**bold**text` behave as in other renderers. While a reply
 * streams, an unclosed `**` simply has no partner yet and shows as literal text until it is closed.
 */
import { isWebUrl, safeHref } from './safe-url.js';

/** A flat piece of a paragraph before emphasis is resolved. */
type InlineItem =
  | { kind: 'text'; text: string }
  | { kind: 'node'; node: Node }
  | {
      kind: 'delimiter';
      char: string;
      /** Characters of the run still unmatched. */
      count: number;
      /** Length of the run as written (the "rule of 3" looks at this). */
      original: number;
      canOpen: boolean;
      canClose: boolean;
    };

/** Characters that may start inline syntax; everything between them is plain text. */
const SPECIAL = /[\\`<!\[*_~\n&]|https?:\/\//g;

/** ASCII punctuation, the characters a backslash can escape. */
const ESCAPABLE = /^[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]$/;

/** Named character references worth decoding in chat output; others stay literal. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®',
  trade: '™', hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“',
  rdquo: '”', laquo: '«', raquo: '»', times: '×', divide: '÷', deg: '°', plusmn: '±',
  middot: '·', bull: '•', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶',
  larr: '←', rarr: '→', uarr: '↑', darr: '↓', harr: '↔', le: '≤', ge: '≥', ne: '≠',
  asymp: '≈', infin: '∞', minus: '−', hearts: '♥', check: '✓',
};

// Sticky (`y`) patterns match at `lastIndex` without copying the rest of the paragraph.
/** `<scheme:…>` (CommonMark autolink). */
const AUTOLINK_URI = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/y;
/** `<user@example.com>` (CommonMark's e-mail autolink pattern). */
const AUTOLINK_EMAIL =
  /<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>/y;
/** A bare web URL, capped in length so trimming it stays cheap. */
const BARE_URL = /https?:\/\/[^\s<>]{1,2048}/y;
/** `&name;`, `&#123;`, `&#x1F600;`. */
const ENTITY = /&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z][a-zA-Z0-9]{1,31}));/y;

/** Longest link title searched for (titles are dropped anyway). */
const MAX_TITLE_LENGTH = 1000;

/** Shown before an image's alt text: images are never loaded, only linked. */
export const IMAGE_MARKER = '🖼\u00a0';

/** Options for one inline render. */
export interface InlineOptions {
  /** Inside a link's text: links and autolinks must not nest. */
  inLink?: boolean;
  /** How many link or image labels deep this render is (bounds recursion on `![![![…`). */
  depth?: number;
}

/**
 * Images inside link text (`[![badge](…)](…)`) are rendered, but no deeper: a hostile
 * `![![![…` would otherwise recurse once per bracket and overflow the stack.
 */
const MAX_LABEL_DEPTH = 2;

/**
 * Renders inline markdown `text` into a list of nodes created in `doc`. Soft line breaks stay
 * `\n` characters in text nodes; hard breaks become `<br>`.
 *
 * The open paragraph is re-rendered on every token, so the work here must stay close to linear
 * in the paragraph's length even for hostile input: brackets are paired in one pass, failed
 * code-span searches are remembered, and emphasis keeps CommonMark's "openers bottom".
 */
export function renderInline(text: string, doc: Document, options: InlineOptions = {}): Node[] {
  const inLink = options.inLink ?? false;
  const depth = options.depth ?? 0;
  const codeSpans = new CodeSpanFinder(text);
  let brackets: Map<number, number> | null = null;
  const labelEnd = (start: number): number | undefined => (brackets ??= pairBrackets(text, codeSpans)).get(start);
  const items: InlineItem[] = [];
  let buffer = '';
  const flush = (): void => {
    if (buffer !== '') items.push({ kind: 'text', text: buffer });
    buffer = '';
  };
  const pushNode = (node: Node): void => {
    flush();
    items.push({ kind: 'node', node });
  };

  // A fresh regex per call: the scanner is re-entered for link text.
  const special = new RegExp(SPECIAL.source, 'g');
  let i = 0;
  while (i < text.length) {
    special.lastIndex = i;
    const found = special.exec(text);
    if (!found) {
      buffer += text.slice(i);
      break;
    }
    buffer += text.slice(i, found.index);
    i = found.index;
    const ch = text[i];

    if (ch === '\\') {
      const next = text[i + 1] ?? '';
      if (next === '\n') {
        // Backslash at the end of a line: a hard break.
        pushNode(doc.createElement('br'));
        i += 2;
      } else if (ESCAPABLE.test(next)) {
        buffer += next;
        i += 2;
      } else {
        buffer += '\\';
        i++;
      }
    } else if (ch === '`') {
      const span = codeSpans.match(i);
      if (span) {
        const code = doc.createElement('code');
        code.textContent = span.content;
        pushNode(code);
        i = span.end;
      } else {
        // No closing run of the same length: the whole run is literal text.
        const run = runLength(text, i, '`');
        buffer += text.slice(i, i + run);
        i += run;
      }
    } else if (ch === '<') {
      const autolink = inLink ? null : matchAutolink(text, i);
      if (autolink) {
        pushNode(autolink.href ? createLink(doc, autolink.href, [doc.createTextNode(autolink.label)]) : doc.createTextNode(autolink.raw));
        i = autolink.end;
      } else {
        buffer += '<';
        i++;
      }
    } else if (ch === '!' && text[i + 1] === '[' && depth < MAX_LABEL_DEPTH) {
      const link = matchLink(text, i + 1, labelEnd(i + 1));
      if (link) {
        pushNode(createImageLink(doc, link.label, link.destination, depth + 1));
        i = link.end;
      } else {
        buffer += '!';
        i++;
      }
    } else if (ch === '!') {
      buffer += '!';
      i++;
    } else if (ch === '[') {
      const link = inLink ? null : matchLink(text, i, labelEnd(i));
      if (link) {
        const href = safeHref(link.destination);
        const children = renderInline(link.label, doc, { inLink: true, depth: depth + 1 });
        if (href) {
          pushNode(createLink(doc, href, children));
        } else {
          // An unsafe or relative destination: keep the words, drop the link.
          for (const child of children) pushNode(child);
        }
        i = link.end;
      } else {
        buffer += '[';
        i++;
      }
    } else if (ch === '*' || ch === '_' || ch === '~') {
      const run = runLength(text, i, ch);
      const delimiter = classifyDelimiterRun(text, i, run, ch);
      if (delimiter) {
        flush();
        items.push(delimiter);
      } else {
        buffer += text.slice(i, i + run);
      }
      i += run;
    } else if (ch === '\n') {
      // Two or more trailing spaces make a hard break; otherwise a soft break (kept as '\n').
      const trimmed = buffer.replace(/ +$/, '');
      const hard = buffer.length - trimmed.length >= 2;
      buffer = trimmed;
      if (hard) pushNode(doc.createElement('br'));
      else buffer += '\n';
      i++;
    } else if (ch === '&') {
      const entity = matchEntity(text, i);
      if (entity) {
        buffer += entity.value;
        i = entity.end;
      } else {
        buffer += '&';
        i++;
      }
    } else {
      // A bare http(s) URL (GFM's extended autolink), only at a word boundary.
      const url = inLink ? null : matchBareUrl(text, i);
      if (url) {
        const href = safeHref(url);
        pushNode(href ? createLink(doc, href, [doc.createTextNode(url)]) : doc.createTextNode(url));
        i += url.length;
      } else {
        buffer += ch;
        i++;
      }
    }
  }
  flush();
  return materialize(resolveEmphasis(items, doc), doc);
}

/** Length of the run of `char` starting at `start`. */
function runLength(text: string, start: number, char: string): number {
  let end = start;
  while (text[end] === char) end++;
  return end - start;
}

/** A code span's content and where it ends. */
interface CodeSpan {
  content: string;
  end: number;
}

/**
 * Finds code spans in one text. A span opened by a backtick run closes at the next run of exactly
 * the same length, so ``` `` a ` b `` ``` can contain backticks. Line endings become spaces, and
 * one space is stripped from both ends when both are present (CommonMark).
 *
 * A failed search is remembered per run length: if no closing run of length n follows position
 * p, none follows any later position either. Without this, a paragraph full of unmatched
 * backticks would be scanned to its end once per backtick, on every token.
 */
class CodeSpanFinder {
  /** Run length → the earliest position from which a search for a closing run failed. */
  private readonly noCloserFrom = new Map<number, number>();

  constructor(private readonly text: string) {}

  match(start: number): CodeSpan | null {
    const { text } = this;
    const open = runLength(text, start, '`');
    let search = start + open;
    if ((this.noCloserFrom.get(open) ?? Infinity) <= search) return null;
    for (;;) {
      const next = text.indexOf('`', search);
      if (next === -1) {
        this.noCloserFrom.set(open, start + open);
        return null;
      }
      const run = runLength(text, next, '`');
      if (run === open) {
        let content = text.slice(start + open, next).replace(/\n/g, ' ');
        if (content.length >= 2 && content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '') {
          content = content.slice(1, -1);
        }
        return { content, end: next + run };
      }
      search = next + run;
    }
  }
}

/**
 * Pairs every `[` with its matching `]` in one pass (skipping escapes and code spans, so
 * `` [`a]`](url) `` works). Searching for the match from each `[` instead would make a line of
 * brackets quadratic.
 */
function pairBrackets(text: string, codeSpans: CodeSpanFinder): Map<number, number> {
  const pairs = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
    } else if (ch === '`') {
      const span = codeSpans.match(i);
      i = (span ? span.end : i + runLength(text, i, '`')) - 1;
    } else if (ch === '[') {
      open.push(i);
    } else if (ch === ']' && open.length > 0) {
      pairs.set(open.pop()!, i);
    }
  }
  return pairs;
}

/** A parsed `<…>` autolink. */
interface Autolink {
  /** Validated href, or null when the scheme is not allowed (then `raw` is shown as text). */
  href: string | null;
  label: string;
  raw: string;
  end: number;
}

/** Matches `<scheme:…>` or `<user@example.com>` at `start`. */
function matchAutolink(text: string, start: number): Autolink | null {
  AUTOLINK_URI.lastIndex = start;
  const uri = AUTOLINK_URI.exec(text);
  if (uri) {
    return { href: safeHref(uri[1]), label: uri[1], raw: uri[0], end: start + uri[0].length };
  }
  AUTOLINK_EMAIL.lastIndex = start;
  const email = AUTOLINK_EMAIL.exec(text);
  if (email) {
    return { href: safeHref(`mailto:${email[1]}`), label: email[1], raw: email[0], end: start + email[0].length };
  }
  return null;
}

/** Matches a bare `http://` or `https://` URL at `start`, trimmed like GFM's extended autolinks. */
function matchBareUrl(text: string, start: number): string | null {
  const before = codePointBefore(text, start);
  if (before !== '' && !/[\s*_~(]/u.test(before)) return null;
  BARE_URL.lastIndex = start;
  const match = BARE_URL.exec(text);
  if (!match) return null;
  let url = match[0];
  const opening = count(url, '(');
  let closing = count(url, ')');
  // Trailing punctuation ends a sentence rather than the URL, and a closing parenthesis belongs to
  // the URL only if it balances one inside it: "(see https://example.com/a_(b))."
  for (;;) {
    const last = url[url.length - 1];
    if (/[?!.,:;*_~'"]/.test(last)) {
      url = url.slice(0, -1);
    } else if (last === ')' && closing > opening) {
      url = url.slice(0, -1);
      closing--;
    } else {
      break;
    }
  }
  return /^https?:\/\/[^/?#]/.test(url) ? url : null;
}

/** Occurrences of `char` in `text`. */
function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** A decoded character reference. */
interface Entity {
  value: string;
  end: number;
}

/** Decodes `&name;`, `&#123;` or `&#x1F600;` at `start`; unknown names are left alone. */
function matchEntity(text: string, start: number): Entity | null {
  ENTITY.lastIndex = start;
  const match = ENTITY.exec(text);
  if (!match) return null;
  const end = start + match[0].length;
  if (match[3] !== undefined) {
    const value = NAMED_ENTITIES[match[3]];
    return value === undefined ? null : { value, end };
  }
  const code = match[1] !== undefined ? parseInt(match[1], 16) : parseInt(match[2], 10);
  // NUL, surrogates and out-of-range code points become U+FFFD (CommonMark).
  const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
  return { value: valid ? String.fromCodePoint(code) : '\ufffd', end };
}

/** A parsed `[label](destination "title")`. */
interface InlineLink {
  label: string;
  destination: string;
  end: number;
}

/**
 * Matches an inline link whose `[` is at `start` and whose label ends at `labelEnd` (the
 * matching `]`, from `pairBrackets`). The title is parsed so it does not end up in the URL, then
 * dropped: no attribute text is ever taken from the source except a validated href.
 * Reference-style links (`[a][ref]`) are not supported.
 */
function matchLink(text: string, start: number, labelEnd: number | undefined): InlineLink | null {
  if (labelEnd === undefined || text[labelEnd + 1] !== '(') return null;

  let k = skipSpace(text, labelEnd + 2);
  let destination: string;
  if (text[k] === '<') {
    // <destination with spaces> form: up to the next unescaped '>' on the same line.
    let j = k + 1;
    while (j < text.length && text[j] !== '>' && text[j] !== '\n' && text[j] !== '<') j += text[j] === '\\' ? 2 : 1;
    if (text[j] !== '>') return null;
    destination = text.slice(k + 1, j);
    k = j + 1;
  } else {
    // Bare destination: no spaces or controls, parentheses balanced.
    let j = k;
    let parens = 0;
    while (j < text.length) {
      const ch = text[j];
      if (ch === '\\' && j + 1 < text.length) {
        j += 2;
        continue;
      }
      if (ch <= ' ') break;
      if (ch === '(') {
        // CommonMark's limit; it also keeps `[a]([a]([a](…` from scanning to the end from every link.
        if (++parens > 32) return null;
      } else if (ch === ')') {
        if (parens === 0) break;
        parens--;
      }
      j++;
    }
    destination = text.slice(k, j);
    k = j;
  }

  const afterDestination = k;
  k = skipSpace(text, k);
  const quote = text[k];
  if (k > afterDestination && (quote === '"' || quote === "'" || quote === '(')) {
    const close = quote === '(' ? ')' : quote;
    // Titles are bounded so that many unclosed ones cannot make each link scan to the end.
    const limit = Math.min(text.length, k + MAX_TITLE_LENGTH);
    let j = k + 1;
    while (j < limit && text[j] !== close) j += text[j] === '\\' ? 2 : 1;
    if (j >= limit) return null;
    k = skipSpace(text, j + 1);
  }
  if (text[k] !== ')') return null;
  return { label: text.slice(start + 1, labelEnd), destination: decodeDestination(destination), end: k + 1 };
}

/** Skips spaces, tabs and at most one line ending. */
function skipSpace(text: string, start: number): number {
  let i = start;
  let newlines = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || (text[i] === '\n' && newlines++ === 0))) i++;
  return i;
}

/**
 * Resolves backslash escapes and character references in a link destination, as CommonMark does.
 * Decoding happens before validation, so `jav&#x09;ascript:` is judged as what a browser would
 * see (and then rejected for its tab).
 */
function decodeDestination(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\' && ESCAPABLE.test(raw[i + 1] ?? '')) {
      out += raw[i + 1];
      i++;
    } else if (ch === '&') {
      const entity = matchEntity(raw, i);
      if (entity) {
        out += entity.value;
        i = entity.end - 1;
      } else {
        out += ch;
      }
    } else {
      out += ch;
    }
  }
  return out;
}

/** A link that opens in a new tab without giving the page a handle on this one. */
function createLink(doc: Document, href: string, children: Node[]): HTMLAnchorElement {
  const link = doc.createElement('a');
  link.href = href;
  link.rel = 'noopener noreferrer';
  link.target = '_blank';
  link.append(...children);
  return link;
}

/**
 * An image is never loaded: remote images leak the conversation to whoever serves them (an
 * injected prompt can put data in the URL). It becomes a link to the image, marked as such, or
 * plain marked text when the URL is not a web URL.
 */
function createImageLink(doc: Document, label: string, destination: string, depth: number): Node {
  const alt = plainText(renderInline(label, doc, { inLink: true, depth }));
  const href = safeHref(destination);
  const text = doc.createTextNode(IMAGE_MARKER + (alt || (href ?? '')));
  if (href && isWebUrl(href)) {
    const link = createLink(doc, href, [text]);
    link.className = 'md-image';
    return link;
  }
  const span = doc.createElement('span');
  span.className = 'md-image';
  span.append(text);
  return span;
}

/** Text content of nodes (image alt text is plain text in CommonMark). */
function plainText(nodes: Node[]): string {
  return nodes.map((node) => node.textContent ?? '').join('');
}

/** The character just before `index` (a whole surrogate pair), or '' at the start. */
function codePointBefore(text: string, index: number): string {
  if (index <= 0) return '';
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 2, index);
  }
  return text[index - 1];
}

/** The character at `index` (a whole surrogate pair), or '' at the end. */
function codePointAt(text: string, index: number): string {
  const code = text.codePointAt(index);
  return code === undefined ? '' : String.fromCodePoint(code);
}

/** Unicode whitespace; the start and end of the text count as whitespace. */
function isWhitespace(ch: string): boolean {
  return ch === '' || /\s/u.test(ch);
}

/** Unicode punctuation and symbols (CommonMark 0.31). */
function isPunctuation(ch: string): boolean {
  return /[\p{P}\p{S}]/u.test(ch);
}

/**
 * Decides whether a run of `*`, `_` or `~` can open and/or close emphasis, from the characters
 * around it (CommonMark's left- and right-flanking rules). Returns null when the run can only
 * be literal text.
 */
function classifyDelimiterRun(text: string, start: number, run: number, char: string): InlineItem | null {
  // Strikethrough needs exactly two tildes: a single one is common in chat ("~5 minutes").
  if (char === '~' && run !== 2) return null;
  const before = codePointBefore(text, start);
  const after = codePointAt(text, start + run);
  const leftFlanking = !isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before));
  const rightFlanking = !isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after));
  let canOpen = leftFlanking;
  let canClose = rightFlanking;
  if (char === '_') {
    // Intraword underscores never emphasise: snake_case_identifiers stay intact.
    canOpen = leftFlanking && (!rightFlanking || isPunctuation(before));
    canClose = rightFlanking && (!leftFlanking || isPunctuation(after));
  }
  if (!canOpen && !canClose) return null;
  return { kind: 'delimiter', char, count: run, original: run, canOpen, canClose };
}

/** A cell of the doubly linked list that emphasis resolution works on. */
interface ItemLink {
  item: InlineItem;
  prev: ItemLink | null;
  next: ItemLink | null;
}

/**
 * CommonMark's "process emphasis": each closer, left to right, pairs with the nearest compatible
 * opener; what lies between becomes an `<em>`, `<strong>` or `<del>`. Unpaired delimiters stay
 * and are later written out as literal text. Returns the resolved items.
 *
 * Two details keep this linear for long or hostile paragraphs (it runs on every token):
 * - the items form a linked list, so wrapping a range in an element does not shift an array;
 * - when a closer finds no opener, the link below it becomes the "openers bottom" for closers of
 *   its kind (CommonMark's optimisation), so `a* a* a* …` does not search back to the start each
 *   time. If that link is later wrapped or removed, searches merely go further down: slower but
 *   still correct, because openers are never added.
 */
function resolveEmphasis(items: InlineItem[], doc: Document): InlineItem[] {
  // A sentinel in front: not a delimiter, so searches pass it and stop at its null `prev`.
  const head: ItemLink = { item: { kind: 'text', text: '' }, prev: null, next: null };
  let tail = head;
  for (const item of items) {
    const link: ItemLink = { item, prev: tail, next: null };
    tail.next = link;
    tail = link;
  }
  const unlink = (link: ItemLink): void => {
    link.prev!.next = link.next;
    if (link.next) link.next.prev = link.prev;
  };

  const bottoms = new Map<string, ItemLink | null>();
  let closerLink = head.next;
  while (closerLink) {
    const closer = closerLink.item;
    if (closer.kind !== 'delimiter' || !closer.canClose || closer.count === 0) {
      closerLink = closerLink.next;
      continue;
    }
    const kind = closer.char === '~' ? '~' : `${closer.char}${closer.canOpen ? 1 : 0}${closer.original % 3}`;
    const bottom = bottoms.get(kind);
    let openerLink = closerLink.prev;
    for (; openerLink && openerLink !== bottom; openerLink = openerLink.prev) {
      const opener = openerLink.item;
      if (opener.kind !== 'delimiter' || opener.char !== closer.char || !opener.canOpen || opener.count === 0) continue;
      if (closer.char === '~') break;
      // The "rule of 3": keeps `*foo**bar*` from pairing the wrong runs.
      const both = opener.canClose || closer.canOpen;
      const multipleOfThree = (opener.original + closer.original) % 3 === 0;
      const eachMultipleOfThree = opener.original % 3 === 0 && closer.original % 3 === 0;
      if (!(both && multipleOfThree && !eachMultipleOfThree)) break;
    }
    if (!openerLink || openerLink === bottom) {
      bottoms.set(kind, closerLink.prev);
      closerLink = closerLink.next;
      continue;
    }

    const opener = openerLink.item as Extract<InlineItem, { kind: 'delimiter' }>;
    const use = closer.char === '~' ? 2 : opener.count >= 2 && closer.count >= 2 ? 2 : 1;
    const element = doc.createElement(closer.char === '~' ? 'del' : use === 2 ? 'strong' : 'em');
    const inner: InlineItem[] = [];
    for (let link = openerLink.next; link && link !== closerLink; link = link.next) inner.push(link.item);
    element.append(...materialize(inner, doc));
    const wrapped: ItemLink = { item: { kind: 'node', node: element }, prev: openerLink, next: closerLink };
    openerLink.next = wrapped;
    closerLink.prev = wrapped;
    opener.count -= use;
    closer.count -= use;
    if (opener.count === 0) unlink(openerLink);
    // A closer with characters left over may close another opener further out: go round again.
    if (closer.count === 0) {
      unlink(closerLink);
      closerLink = closerLink.next;
    }
  }

  const resolved: InlineItem[] = [];
  for (let link = head.next; link; link = link.next) resolved.push(link.item);
  return resolved;
}

/** Turns items into DOM nodes, merging adjacent text (and leftover delimiters) into one text node. */
function materialize(items: InlineItem[], doc: Document): Node[] {
  const nodes: Node[] = [];
  let text = '';
  for (const item of items) {
    if (item.kind === 'node') {
      if (text !== '') nodes.push(doc.createTextNode(text));
      text = '';
      nodes.push(item.node);
    } else if (item.kind === 'text') {
      text += item.text;
    } else {
      text += item.char.repeat(item.count);
    }
  }
  if (text !== '') nodes.push(doc.createTextNode(text));
  return nodes;
}
