/**
 * markdown-it tokens → `VNode`s, with the safety rules applied (docs/markdown.md):
 *
 * 1. **Raw HTML is text.** HTML blocks and inline tags are recognised as CommonMark says (so the
 *    markdown around them parses normally) and shown as their source characters.
 * 2. **Links only to absolute http(s) and mailto URLs**, opening in a new tab with
 *    `rel="noopener noreferrer"`. Any other destination (relative, `javascript:`, `data:`...)
 *    keeps the link's words and drops the link.
 * 3. **Images are never loaded.** An image becomes a link to it, marked 🖼, or marked text when
 *    its URL is not a web URL.
 *
 * Attributes are set one by one through the DOM, so no source text is ever parsed as markup;
 * the only values taken from the source are a validated `href`, a link `title` and a code
 * block's language (`data-language`), all inert in an attribute.
 */
import { splitAutolinks } from './gfm-autolink.js';
import { unescapeAll, type Token } from './parser.js';
import { isSafeHref, isWebUrl } from './safe-url.js';
import { velement, vtext, type VElement, type VNode } from './vdom.js';

/** Shown before an image's alt text: images are never loaded, only linked. */
export const IMAGE_MARKER = '🖼\u00a0';

/** A GFM task list item's marker at the start of its first paragraph: `[ ]`, `[x]` or `[X]`. */
const TASK_MARKER = /^\[([ xX])\][ \t]+(?=\S)/;

/** What building blocks needs from the stream. */
export interface BuildContext {
  doc: Document;
  /** Visible label of code blocks' copy buttons. */
  copyLabel: string;
  /**
   * Inline content → nodes. `token` identifies where the content is (the stream caches by it);
   * `content` may differ from `token.content` (a task list item without its marker).
   */
  inline(token: Token, content: string): readonly VNode[];
}

/** `class="md-block …"`: every block carries `md-block` for the spacing rules in the styles. */
const blockClass = (name: string): readonly (readonly [string, string])[] => [['class', `md-block ${name}`]];

/** Index of the token that closes the one opened at `open` (same level, nesting -1). */
export function closingIndex(tokens: readonly Token[], open: number): number {
  const level = tokens[open].level;
  for (let i = open + 1; i < tokens.length; i++) {
    if (tokens[i].level === level && tokens[i].nesting === -1) return i;
  }
  return tokens.length - 1;
}

/** The blocks of `tokens[start, end)`, one level of nesting. */
export function buildBlocks(tokens: readonly Token[], start: number, end: number, context: BuildContext): VNode[] {
  const out: VNode[] = [];
  for (let i = start; i < end; ) {
    const token = tokens[i];
    const close = token.nesting === 1 ? closingIndex(tokens, i) : i;
    if (token.type === 'paragraph_open' && token.hidden) {
      // A tight list item's paragraph: its text goes straight into the <li>.
      out.push(...context.inline(tokens[i + 1], tokens[i + 1].content));
    } else {
      const vnode = buildBlock(tokens, i, close, context);
      if (vnode) out.push(vnode);
    }
    i = close + 1;
  }
  return out;
}

/** One block: `tokens[open]` up to its closing token `close` (or a single token). Null for definitions. */
export function buildBlock(tokens: readonly Token[], open: number, close: number, context: BuildContext): VNode | null {
  const token = tokens[open];
  switch (token.type) {
    case 'paragraph_open':
      return velement('p', blockClass('md-paragraph'), context.inline(tokens[open + 1], tokens[open + 1].content));
    case 'heading_open':
      return velement(token.tag, blockClass('md-heading'), context.inline(tokens[open + 1], tokens[open + 1].content));
    case 'blockquote_open':
      return velement('blockquote', blockClass('md-blockquote'), buildBlocks(tokens, open + 1, close, context));
    case 'bullet_list_open':
    case 'ordered_list_open':
      return buildList(tokens, open, close, context).vnode;
    case 'table_open':
      return buildTable(tokens, open, close, context).vnode;
    case 'fence':
    case 'code_block':
      return buildCode(context, token.type === 'fence' ? codeLanguage(token.info) : '', token.content);
    case 'hr':
      return velement('hr', blockClass('md-rule'), []);
    case 'html_block':
      // Safety rule 1: raw HTML is shown as the text it is.
      return velement('div', blockClass('md-html'), [vtext(token.content.replace(/\n$/, ''))]);
    default:
      // `reference_definition` renders nothing; markdown-it emits no other block tokens here.
      return null;
  }
}

/** One list item as built, with the source lines it came from. */
export interface BuiltPart {
  vnode: VNode;
  /** Source lines `[start, end)` of the item or row (relative to the parsed text). */
  map: [number, number];
}

/** Options for a list whose beginning was already rendered (the stream's continuation). */
export interface ListOptions {
  /** Items rendered before these tokens' items. */
  before?: readonly VNode[];
  /** The list element's attributes as the first item set them (`start`). */
  attrs?: readonly (readonly [string, string])[];
  /** Whether the whole list is loose (its items' paragraphs in `<p>`), overriding these tokens'. */
  loose?: boolean;
}

/** Whether a list's items wrap their paragraphs in `<p>`: `null` when these tokens cannot tell (no paragraph). */
export function listLooseness(tokens: readonly Token[], open: number, close: number): boolean | null {
  const level = tokens[open].level + 2;
  for (let i = open + 1; i < close; i++) {
    const token = tokens[i];
    if (token.type === 'paragraph_open' && token.level === level) return !token.hidden;
  }
  return null;
}

/** A bullet or ordered list, and its items. */
export function buildList(tokens: readonly Token[], open: number, close: number, context: BuildContext, options: ListOptions = {}): { vnode: VElement; items: BuiltPart[] } {
  const token = tokens[open];
  const itemLevel = token.level + 1;
  const items: BuiltPart[] = [];
  for (let i = open + 1; i < close; ) {
    const itemClose = closingIndex(tokens, i);
    items.push({ vnode: buildListItem(tokens, i, itemClose, itemLevel, context, options.loose), map: tokens[i].map! });
    i = itemClose + 1;
  }
  let attrs = options.attrs;
  if (!attrs) {
    const start = Number(attr(token, 'start') || 1);
    attrs = token.type === 'ordered_list_open' && start !== 1 ? [...blockClass('md-list'), ['start', String(start)]] : blockClass('md-list');
  }
  const children = options.before ? [...options.before, ...items.map((item) => item.vnode)] : items.map((item) => item.vnode);
  return { vnode: velement(token.tag, attrs, children), items };
}

function buildListItem(tokens: readonly Token[], open: number, close: number, itemLevel: number, context: BuildContext, loose: boolean | undefined): VNode {
  const children: VNode[] = [];
  let attrs: readonly (readonly [string, string])[] = [];
  for (let i = open + 1; i < close; ) {
    const token = tokens[i];
    const blockClose = token.nesting === 1 ? closingIndex(tokens, i) : i;
    if (token.type === 'paragraph_open' && token.level === itemLevel + 1) {
      const inline = tokens[i + 1];
      let content = inline.content;
      if (i === open + 1) {
        // GFM task list item: a disabled checkbox (the reader cannot tick it; the model wrote it).
        const task = TASK_MARKER.exec(content);
        if (task) {
          const checked = task[1] !== ' ';
          attrs = [['class', 'md-task']];
          const box: (readonly [string, string])[] = [['type', 'checkbox'], ['disabled', '']];
          if (checked) box.push(['checked', '']);
          box.push(['aria-label', checked ? 'done' : 'to do']);
          children.push(velement('input', box, []), vtext(' '));
          content = content.slice(task[0].length);
        }
      }
      const nodes = context.inline(inline, content);
      const hidden = loose === undefined ? token.hidden : !loose;
      if (hidden) children.push(...nodes);
      else children.push(velement('p', blockClass('md-paragraph'), nodes));
    } else {
      const vnode = buildBlock(tokens, i, blockClose, context);
      if (vnode) children.push(vnode);
    }
    i = blockClose + 1;
  }
  return velement('li', attrs, children);
}

/** Options for a table whose first rows were already rendered. */
export interface TableOptions {
  /** Body rows rendered before these tokens' rows. */
  before?: readonly VNode[];
}

/**
 * A GFM table in a focusable wrapper that scrolls it horizontally (a scrollable region must be
 * reachable by keyboard), and its body rows.
 */
export function buildTable(tokens: readonly Token[], open: number, close: number, context: BuildContext, options: TableOptions = {}): { vnode: VElement; rows: BuiltPart[] } {
  const sections: VNode[] = [];
  const rows: BuiltPart[] = [];
  for (let i = open + 1; i < close; ) {
    const section = tokens[i];
    const sectionClose = closingIndex(tokens, i);
    const built: VNode[] = [];
    for (let r = i + 1; r < sectionClose; ) {
      const rowClose = closingIndex(tokens, r);
      const cells: VNode[] = [];
      for (let c = r + 1; c < rowClose; c += 3) {
        const cell = tokens[c];
        const align = /text-align:(left|right|center)/.exec(attr(cell, 'style'))?.[1];
        cells.push(velement(cell.tag, [], context.inline(tokens[c + 1], tokens[c + 1].content), align));
      }
      const row = velement('tr', [], cells);
      built.push(row);
      if (section.type === 'tbody_open') rows.push({ vnode: row, map: tokens[r].map! });
      r = rowClose + 1;
    }
    const children = section.type === 'tbody_open' && options.before ? [...options.before, ...built] : built;
    sections.push(velement(section.tag, [], children));
    i = sectionClose + 1;
  }
  if (options.before?.length && !sections.some((section) => (section as VElement).tag === 'tbody')) {
    sections.push(velement('tbody', [], options.before));
  }
  return { vnode: velement('div', [...blockClass('md-table'), ['tabindex', '0']], [velement('table', [], sections)]), rows };
}

/** The language of a fence: the first word of its info string, escapes and entities decoded. */
export function codeLanguage(info: string): string {
  return unescapeAll(info).trim().split(/\s+/)[0] ?? '';
}

/**
 * A code block with a header (language, copy button) and its content: one text node, or a few
 * while it streams (see `CODE_CHUNK` in `markdown-stream.ts`).
 *
 * ```html
 * <div class="md-block md-code">
 *   <div class="md-code-header"><span class="md-code-language">js</span>
 *     <button type="button" part="code-copy-button" data-copy>Copy</button></div>
 *   <pre part="code-block" tabindex="0"><code data-language="js">…</code></pre>
 * </div>
 * ```
 *
 * The button has no click handler: the host handles `[data-copy]` clicks by delegation, so a
 * reply with many code blocks adds no listeners and restored messages need no re-wiring.
 */
export function buildCode(context: BuildContext, language: string, content: string | readonly VNode[]): VElement {
  const header = velement('div', [['class', 'md-code-header']], [
    velement('span', [['class', 'md-code-language']], language ? [vtext(language)] : []),
    velement('button', [['type', 'button'], ['part', 'code-copy-button'], ['data-copy', '']], [vtext(context.copyLabel)]),
  ]);
  const code = velement('code', language ? [['data-language', language]] : [], typeof content === 'string' ? [vtext(content)] : content);
  // Long lines scroll horizontally; a scrollable region must be reachable by keyboard (axe
  // `scrollable-region-focusable`).
  const pre = velement('pre', [['part', 'code-block'], ['tabindex', '0']], [code]);
  return velement('div', blockClass('md-code'), [header, pre]);
}

/**
 * Inline tokens → nodes. `boundary` tells whether the content starts where a GFM autolink may
 * start (it does unless the content is a continuation of earlier text).
 */
export function buildInline(tokens: readonly Token[], boundary = true): VNode[] {
  return new InlineBuilder().build(tokens, boundary);
}

/** One open inline element while building. */
interface Frame {
  tag: string;
  attrs: (readonly [string, string])[];
  children: VNode[];
  /** For links: the href if it passed the safety check, else null (the words stay, the link goes). */
  link?: { safe: boolean };
}

class InlineBuilder {
  private frames: Frame[] = [];
  private text = '';
  /** Whether the pending text starts at a GFM autolink boundary. */
  private textAtBoundary = true;
  private linkDepth = 0;

  build(tokens: readonly Token[], boundary: boolean): VNode[] {
    const root: Frame = { tag: '', attrs: [], children: [] };
    this.frames = [root];
    this.textAtBoundary = boundary;
    for (const token of tokens) this.token(token);
    this.flush(false);
    // Unbalanced tokens cannot happen with markdown-it, but never lose text if they did.
    while (this.frames.length > 1) this.close();
    return root.children;
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1];
  }

  private token(token: Token): void {
    switch (token.type) {
      case 'text':
      case 'text_special':
        this.text += token.content;
        return;
      case 'softbreak':
        this.text += '\n';
        return;
      case 'html_inline':
        // Safety rule 1: an inline tag is shown as the characters it is (and, as in GFM, a URL
        // inside it is not autolinked).
        this.push(vtext(token.content));
        return;
      case 'hardbreak':
        this.push(velement('br', [], []));
        return;
      case 'code_inline':
        this.push(velement('code', [], [vtext(token.content)]));
        return;
      case 'image':
        this.push(this.image(token));
        return;
      case 'link_open': {
        this.flush(false);
        const href = attr(token, 'href');
        const safe = isSafeHref(href);
        const attrs: (readonly [string, string])[] = [];
        if (safe) {
          attrs.push(['href', href]);
          const title = attr(token, 'title');
          if (title) attrs.push(['title', title]);
          attrs.push(['rel', 'noopener noreferrer'], ['target', '_blank']);
        }
        this.frames.push({ tag: 'a', attrs, children: [], link: { safe } });
        this.linkDepth++;
        return;
      }
      default:
        if (token.nesting === 1) {
          // em, strong, s (GFM strikethrough, rendered as <del> as GFM does).
          this.flush(true);
          this.frames.push({ tag: token.tag === 's' ? 'del' : token.tag, attrs: [], children: [] });
        } else if (token.nesting === -1) {
          this.close();
        }
    }
  }

  /** Closes the innermost open element. */
  private close(): void {
    const frame = this.top;
    this.flush(!frame.link);
    this.frames.pop();
    if (frame.link) {
      this.linkDepth--;
      // Safety rule 2: an unsafe or relative destination keeps the words and drops the link.
      if (frame.link.safe) this.top.children.push(velement('a', frame.attrs, frame.children));
      else this.top.children.push(...frame.children);
    } else {
      this.top.children.push(velement(frame.tag, frame.attrs, frame.children));
    }
    this.textAtBoundary = !frame.link;
  }

  /** Adds a node after the pending text. */
  private push(vnode: VNode): void {
    this.flush(false);
    this.top.children.push(vnode);
  }

  /**
   * Turns the pending text into nodes, with GFM autolinks outside links. `boundaryAfter` tells
   * whether what comes next starts at an autolink boundary (after emphasis delimiters it does).
   */
  private flush(boundaryAfter: boolean): void {
    const text = this.text;
    if (text !== '') {
      this.text = '';
      if (this.linkDepth > 0) {
        this.top.children.push(vtext(text));
      } else {
        for (const part of splitAutolinks(text, this.textAtBoundary)) {
          if (typeof part === 'string') this.top.children.push(vtext(part));
          else if (isSafeHref(part.href)) this.top.children.push(velement('a', [['href', part.href], ['rel', 'noopener noreferrer'], ['target', '_blank']], [vtext(part.text)]));
          else this.top.children.push(vtext(part.text));
        }
      }
    }
    this.textAtBoundary = boundaryAfter;
  }

  /** Safety rule 3: an image becomes a marked link to it (web URLs) or marked text. */
  private image(token: Token): VNode {
    const src = attr(token, 'src');
    const alt = plainText(token.children ?? []);
    const safe = isSafeHref(src) && isWebUrl(src);
    const label = vtext(IMAGE_MARKER + (alt || (safe ? src : '')));
    if (!safe) return velement('span', [['class', 'md-image']], [label]);
    const attrs: (readonly [string, string])[] = [['href', src]];
    const title = attr(token, 'title');
    if (title) attrs.push(['title', title]);
    attrs.push(['rel', 'noopener noreferrer'], ['target', '_blank'], ['class', 'md-image']);
    return velement('a', attrs, [label]);
  }
}

/** A token attribute as a string ('' when absent). */
function attr(token: Token, name: string): string {
  const value = token.attrGet(name);
  return value === null ? '' : String(value);
}

/** An image's alt text: the plain text of its description (CommonMark). */
function plainText(tokens: readonly Token[]): string {
  let text = '';
  for (const token of tokens) {
    if (token.type === 'image') text += plainText(token.children ?? []);
    else if (token.type === 'softbreak' || token.type === 'hardbreak') text += '\n';
    else text += token.content;
  }
  return text;
}
