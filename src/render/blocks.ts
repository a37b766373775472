/**
 * Block-level rendering, one complete line at a time.
 *
 * A `BlockStream` owns a sequence of blocks inside one parent element: the top level of a reply,
 * the inside of a list item or of a blockquote. Only its last block is open. Each complete line
 * either continues that block or closes it for good and starts the next one, and a closed block's
 * nodes are never touched again. Lists and blockquotes hold a nested `BlockStream`, so the same
 * rule applies inside them: appending to the tenth item of a list re-renders (at most) that
 * item's last paragraph, not the list.
 *
 * The incomplete last line of a streamed reply is shown provisionally with `show(partial)`: it is
 * rendered where it would go if it were complete, and that rendering is undone or replaced on the
 * next call. Decisions that close blocks are made only on complete lines, because a partial line
 * can change meaning as it grows (`***` is a rule, `***bold***` is not). This is why streaming
 * in chunks of any size ends in exactly the DOM that one-shot rendering produces.
 */
import { renderInline } from './inline.js';
import {
  continuesTable,
  indentOf,
  interruptsParagraph,
  isAmbiguousPartialLine,
  isBlank,
  isClosingFence,
  isQuoteLine,
  isThematicBreak,
  parseAtxHeading,
  parseCodeFence,
  parseDelimiterRow,
  parseListMarker,
  setextLevel,
  splitTableRow,
  stripIndent,
  stripQuoteMarker,
  type CellAlignment,
  type CodeFence,
  type ListMarker,
} from './line-syntax.js';

/** What every block needs from the stream that renders it. */
export interface RenderContext {
  /** Document that creates the nodes. */
  doc: Document;
  /** Visible label of code blocks' copy buttons. */
  copyLabel: string;
}

/**
 * One block (paragraph, heading, list, code block...).
 *
 * A block is created from the line that opens it, but does not consume that line yet: the
 * stream then either `push`es it (the line is complete) or `show`s it (the line is still
 * streaming, and the block is a preview). A preview whose opening still `matchesOpening` the
 * grown line is kept and, once the line completes, becomes the open block. So a paragraph keeps
 * one `<p>` from its first token to its last, and every token costs one re-render of it.
 */
interface Block {
  /** The block's outermost element in its parent. It may be swapped while open (`<p>` → `<h2>`). */
  readonly root: Element;
  /** Whether `line` would open a block exactly like this one (only asked before the first `push`). */
  matchesOpening(line: string): boolean;
  /** Whether `line` belongs to this block: a complete line, or the partial last line when previewing. */
  continues(line: string): boolean;
  /** Adds a complete line: the opening line first, then lines `continues` accepted. Rendering may wait until `show`. */
  push(line: string): void;
  /**
   * Updates the DOM, showing `partial` (accepted by `continues`, the opening line of a preview,
   * or '') provisionally.
   */
  show(partial: string): void;
  /**
   * Whether the innermost open block is a paragraph that would take `line` as a lazy
   * continuation (`> quoted\nstill quoted` or a list item's paragraph running on unindented).
   */
  acceptsLazy(line: string): boolean;
  /** Whether partial lines go to this block verbatim (an open code block), skipping the hold-back rule. */
  readonly verbatim: boolean;
  /** Renders the final state. The block's nodes are never touched afterwards. */
  close(): void;
}

/** Sequence of blocks in one parent, only the last of which is open. */
export class BlockStream {
  /** The last block, still accepting lines; `null` after a blank line or before any text. */
  private open: Block | null = null;

  /** A provisional block for a partial line that would start a new block. */
  private preview: Block | null = null;

  /**
   * @param parent Element the blocks are appended to.
   * @param context Document and labels.
   * @param depth How many containers (quotes, list items) deep this stream is.
   */
  constructor(
    private readonly parent: Element,
    private readonly context: RenderContext,
    private readonly depth = 0,
  ) {}

  /** Adds one complete line (without its line ending). */
  pushLine(line: string): void {
    const open = this.open;
    if (open) {
      if (open instanceof Paragraph) {
        // A GFM delimiter row turns the paragraph's last line into a table header. The lines
        // above it, if any, stay a paragraph, now closed.
        const table = open.splitTable(line);
        if (table) {
          this.clearPreview();
          if (open.isEmpty) open.root.remove();
          else open.close();
          this.open = new Table(this.context, table.header, table.alignments);
          this.parent.append(this.open.root);
          return;
        }
      }
      if (open.continues(line)) {
        this.clearPreview();
        open.push(line);
        return;
      }
      open.close();
      this.open = null;
    }
    if (isBlank(line)) {
      this.clearPreview();
      return;
    }
    // The line opens a block. If it was previewed as this same block while incomplete, the
    // preview (and its nodes) carries on as the open block.
    let block = this.preview;
    this.preview = null;
    if (!block || !block.matchesOpening(line)) {
      block?.root.remove();
      block = createBlock(line, this.context, this.depth);
      this.parent.append(block.root);
    }
    this.open = block;
    block.push(line);
  }

  /** Brings the DOM up to date, showing the incomplete last line `partial` provisionally. */
  show(partial: string): void {
    const open = this.open;
    // An open code block takes every partial line as is (it has its own hold-back rule for a
    // possible closing fence); elsewhere, a line of bare punctuation waits until it means something.
    if (isBlank(partial) || (!open?.verbatim && isAmbiguousPartialLine(partial))) {
      this.clearPreview();
      open?.show('');
      return;
    }
    if (open && open.continues(partial)) {
      this.clearPreview();
      open.show(partial);
      return;
    }
    open?.show('');
    if (!this.preview || !this.preview.matchesOpening(partial)) {
      this.clearPreview();
      this.preview = createBlock(partial, this.context, this.depth);
      this.parent.append(this.preview.root);
    }
    this.preview.show(partial);
  }

  /** Whether the innermost open paragraph would continue with `line` (see `Block.acceptsLazy`). */
  acceptsLazy(line: string): boolean {
    return this.open?.acceptsLazy(line) ?? false;
  }

  /** Finalises the open block; nothing in this stream changes afterwards. */
  close(): void {
    this.clearPreview();
    this.open?.close();
    this.open = null;
  }

  private clearPreview(): void {
    this.preview?.root.remove();
    this.preview = null;
  }
}

/**
 * Containers deeper than this render their markers as paragraph text. Each level costs a few
 * stack frames per line, and `>>>>…` or `- - - - x` repeated thousands of times must not overflow
 * the stack (markdown-it caps nesting for the same reason).
 */
const MAX_NESTING = 16;

/** Creates the (still empty) block that a non-blank line opens, in a stream `depth` containers deep. */
function createBlock(line: string, context: RenderContext, depth: number): Block {
  const fence = parseCodeFence(line);
  if (fence) return new CodeBlock(context, fence);
  const heading = parseAtxHeading(line);
  if (heading) return new Heading(context, heading.level);
  // Before lists: `* * *` and `- - -` are rules, not items.
  if (isThematicBreak(line)) return new ThematicBreak(context);
  if (depth < MAX_NESTING) {
    if (isQuoteLine(line)) return new Blockquote(context, depth + 1);
    const marker = parseListMarker(line);
    if (marker) return new List(context, marker, depth + 1);
  }
  return new Paragraph(context, depth);
}

/** Whether a (non-blank) line opens a paragraph rather than another block, `depth` containers deep. */
function opensParagraph(line: string, depth: number): boolean {
  if (isBlank(line) || parseCodeFence(line) || parseAtxHeading(line) || isThematicBreak(line)) return false;
  return depth >= MAX_NESTING || (!isQuoteLine(line) && !parseListMarker(line));
}

/** Creates a block element with its styling classes (`md-block` marks every block for spacing rules). */
function blockElement<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, className: string): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag);
  element.className = `md-block ${className}`;
  return element;
}

/** Paragraph lines, until a blank line or a block that interrupts paragraphs. Also setext headings. */
class Paragraph implements Block {
  root: HTMLElement;
  readonly verbatim = false;
  private readonly lines: string[] = [];
  /** Set once a `===` / `---` underline made this a heading; then no more lines belong to it. */
  private headingLevel: 1 | 2 | null = null;
  /** The text last rendered, to skip re-rendering when a held-back partial line changed nothing. */
  private rendered: string | null = null;

  constructor(
    private readonly context: RenderContext,
    private readonly depth: number,
  ) {
    this.root = blockElement(context.doc, 'p', 'md-paragraph');
  }

  /** No lines left (the only line became a table header). */
  get isEmpty(): boolean {
    return this.lines.length === 0;
  }

  /**
   * If `line` is a delimiter row whose cell count matches the last line, removes that line
   * (the table header) and returns it with the column alignments.
   */
  splitTable(line: string): { header: string; alignments: CellAlignment[] } | null {
    if (this.headingLevel !== null) return null;
    const alignments = parseDelimiterRow(line);
    const header = this.lines[this.lines.length - 1];
    if (!alignments || header === undefined || splitTableRow(header).length !== alignments.length) return null;
    this.lines.pop();
    return { header, alignments };
  }

  matchesOpening(line: string): boolean {
    return this.lines.length === 0 && opensParagraph(line, this.depth);
  }

  continues(line: string): boolean {
    if (this.headingLevel !== null || isBlank(line)) return false;
    // The underline check comes first: `---` under a paragraph is a heading, not a rule.
    return setextLevel(line) !== null || !interruptsParagraph(line);
  }

  push(line: string): void {
    const level = this.lines.length > 0 ? setextLevel(line) : null;
    if (level === null) {
      this.lines.push(line);
      return;
    }
    this.headingLevel = level;
    const heading = blockElement(this.context.doc, level === 1 ? 'h1' : 'h2', 'md-heading');
    this.root.replaceWith(heading);
    this.root = heading;
    this.rendered = null;
  }

  show(partial: string): void {
    const lines = partial === '' ? this.lines : [...this.lines, partial];
    // Leading whitespace of each line is not content; trailing spaces at the very end are not a
    // hard break (CommonMark).
    const text = lines
      .map((line) => line.replace(/^[ \t]+/, ''))
      .join('\n')
      .replace(/[ \t]+$/, '');
    if (text === this.rendered) return;
    this.rendered = text;
    this.root.replaceChildren(...renderInline(text, this.context.doc));
  }

  /**
   * Deviation from GFM: a line starting with `|` is never a lazy continuation, so a table written
   * right under a list or quote (no blank line, as models do) becomes a table, not paragraph text.
   */
  acceptsLazy(line: string): boolean {
    return (
      this.headingLevel === null &&
      !/^ {0,3}\|/.test(line) &&
      !isBlank(line) &&
      setextLevel(line) === null &&
      !interruptsParagraph(line) &&
      parseDelimiterRow(line) === null
    );
  }

  close(): void {
    this.show('');
  }
}

/** `# Heading`: one line, complete as soon as it is. */
class Heading implements Block {
  readonly root: HTMLHeadingElement;
  readonly verbatim = false;
  private rendered: string | null = null;

  constructor(
    private readonly context: RenderContext,
    private readonly level: number,
  ) {
    this.root = blockElement(context.doc, `h${level}` as 'h1', 'md-heading');
  }

  matchesOpening(line: string): boolean {
    return parseAtxHeading(line)?.level === this.level;
  }

  continues(): boolean {
    return false;
  }

  push(line: string): void {
    this.render(line);
  }

  show(partial: string): void {
    // Only a preview is shown with a partial line: its own, growing opening line.
    if (partial !== '') this.render(partial);
  }

  acceptsLazy(): boolean {
    return false;
  }

  close(): void {}

  private render(line: string): void {
    const text = parseAtxHeading(line)?.text ?? '';
    if (text === this.rendered) return;
    this.rendered = text;
    this.root.replaceChildren(...renderInline(text, this.context.doc));
  }
}

/** `---` */
class ThematicBreak implements Block {
  readonly root: HTMLHRElement;
  readonly verbatim = false;

  constructor(context: RenderContext) {
    this.root = blockElement(context.doc, 'hr', 'md-rule');
  }

  matchesOpening(line: string): boolean {
    return isThematicBreak(line);
  }

  continues(): boolean {
    return false;
  }

  push(): void {}

  show(): void {}

  acceptsLazy(): boolean {
    return false;
  }

  close(): void {}
}

/**
 * A fenced code block. Its content lives in a single text node that only ever grows by
 * `appendData` while lines arrive, so a long code block costs the same per token as a short one.
 *
 * ```html
 * <div class="md-block md-code">
 *   <div class="md-code-header"><span class="md-code-language">js</span>
 *     <button type="button" part="code-copy-button" data-copy>Copy</button></div>
 *   <pre part="code-block" tabindex="0"><code data-language="js">…</code></pre>
 * </div>
 * ```
 */
class CodeBlock implements Block {
  readonly root: HTMLDivElement;
  private readonly text: Text;
  /** The opening fence line has been pushed: later lines are content. */
  private opened = false;
  private closed = false;
  /** Content lines seen so far; a '\n' goes before every line but the first, so no trailing newline. */
  private lineCount = 0;
  /** Length of the committed content (complete lines) in the text node. */
  private committedLength = 0;
  /** Complete-line content not yet written to the text node (written by the next `show`). */
  private pending = '';
  /** Provisional partial-line content currently at the end of the text node. */
  private shown = '';

  constructor(
    context: RenderContext,
    private readonly fence: CodeFence,
  ) {
    const { doc } = context;
    this.root = blockElement(doc, 'div', 'md-code');
    const header = doc.createElement('div');
    header.className = 'md-code-header';
    const language = doc.createElement('span');
    language.className = 'md-code-language';
    language.textContent = fence.language;
    // No click handler here: the host element handles `[data-copy]` clicks by delegation, so a
    // reply with many code blocks adds no listeners and restored messages need no re-wiring.
    const button = doc.createElement('button');
    button.type = 'button';
    button.setAttribute('part', 'code-copy-button');
    button.setAttribute('data-copy', '');
    button.textContent = context.copyLabel;
    header.append(language, button);

    const pre = doc.createElement('pre');
    pre.setAttribute('part', 'code-block');
    // Long lines scroll horizontally; a scrollable region must be reachable by keyboard (axe
    // `scrollable-region-focusable`).
    pre.tabIndex = 0;
    const code = doc.createElement('code');
    if (fence.language) code.dataset['language'] = fence.language;
    this.text = doc.createTextNode('');
    code.append(this.text);
    pre.append(code);
    this.root.append(header, pre);
  }

  get verbatim(): boolean {
    return this.opened && !this.closed;
  }

  matchesOpening(line: string): boolean {
    const fence = parseCodeFence(line);
    return (
      !this.opened &&
      fence !== null &&
      fence.char === this.fence.char &&
      fence.length === this.fence.length &&
      fence.indent === this.fence.indent &&
      fence.language === this.fence.language
    );
  }

  continues(): boolean {
    return !this.closed;
  }

  push(line: string): void {
    if (!this.opened) {
      this.opened = true;
    } else if (isClosingFence(line, this.fence)) {
      this.closed = true;
    } else {
      this.pending += (this.lineCount > 0 ? '\n' : '') + stripIndent(line, this.fence.indent);
      this.lineCount++;
    }
  }

  show(partial: string): void {
    // Before the opening line is complete, `partial` is that line: there is no content yet.
    if (!this.opened) return;
    const provisional =
      this.closed || this.mightCloseFence(partial) ? '' : (this.lineCount > 0 ? '\n' : '') + stripIndent(partial, this.fence.indent);
    const tail = this.pending + provisional;
    // The node holds committed + shown; make it committed + pending + provisional, appending only
    // what is new when the previous provisional text is a prefix of it (the usual case: the same
    // line grew by a token, or it was completed).
    if (tail.startsWith(this.shown)) {
      if (tail.length > this.shown.length) this.text.appendData(tail.slice(this.shown.length));
    } else {
      this.text.replaceData(this.committedLength, this.shown.length, tail);
    }
    this.committedLength += this.pending.length;
    this.pending = '';
    this.shown = provisional;
  }

  acceptsLazy(): boolean {
    return false;
  }

  close(): void {
    this.show('');
  }

  /**
   * A partial line of only whitespace and fence characters may turn out to be the closing fence;
   * it is not shown until it either is completed or gets other characters.
   */
  private mightCloseFence(partial: string): boolean {
    const rest = partial.replace(/^ {0,3}/, '').replace(/[ \t]+$/, '');
    return rest === '' || [...rest].every((ch) => ch === this.fence.char);
  }
}

/** A GFM table: rows are appended as they complete; only the partial last row is provisional. */
class Table implements Block {
  readonly root: HTMLDivElement;
  readonly verbatim = false;
  private readonly table: HTMLTableElement;
  private body: HTMLTableSectionElement | null = null;
  private previewRow: HTMLTableRowElement | null = null;

  constructor(
    private readonly context: RenderContext,
    header: string,
    private readonly alignments: CellAlignment[],
  ) {
    const { doc } = context;
    // The wrapper scrolls wide tables horizontally instead of stretching the chat bubble; like a
    // scrolling <pre>, it must then be focusable.
    this.root = blockElement(doc, 'div', 'md-table');
    this.root.tabIndex = 0;
    this.table = doc.createElement('table');
    const head = doc.createElement('thead');
    head.append(this.row(header, 'th'));
    this.table.append(head);
    this.root.append(this.table);
  }

  /** Tables start from a paragraph line plus a delimiter row, never from a single line. */
  matchesOpening(): boolean {
    return false;
  }

  continues(line: string): boolean {
    return continuesTable(line);
  }

  push(line: string): void {
    this.clearPreview();
    this.tbody().append(this.row(line, 'td'));
  }

  show(partial: string): void {
    this.clearPreview();
    if (partial === '') return;
    this.previewRow = this.row(partial, 'td');
    this.tbody().append(this.previewRow);
  }

  acceptsLazy(): boolean {
    return false;
  }

  close(): void {
    this.clearPreview();
  }

  private tbody(): HTMLTableSectionElement {
    if (!this.body) {
      this.body = this.context.doc.createElement('tbody');
      this.table.append(this.body);
    }
    return this.body;
  }

  /** A row with exactly as many cells as the header: extra cells are dropped, missing ones empty (GFM). */
  private row(line: string, tag: 'th' | 'td'): HTMLTableRowElement {
    const { doc } = this.context;
    const cells = splitTableRow(line);
    const row = doc.createElement('tr');
    this.alignments.forEach((alignment, index) => {
      const cell = doc.createElement(tag);
      // Through the CSSOM, not a style attribute string: a fixed keyword, never source text, and
      // it works without the stylesheet (e.g. rendered into light DOM).
      if (alignment) cell.style.textAlign = alignment;
      cell.append(...renderInline(cells[index] ?? '', doc));
      row.append(cell);
    });
    return row;
  }

  private clearPreview(): void {
    this.previewRow?.remove();
    this.previewRow = null;
  }
}

/** `> quoted` lines, whose content is a nested block stream. */
class Blockquote implements Block {
  readonly root: HTMLQuoteElement;
  readonly verbatim = false;
  private readonly inner: BlockStream;

  /** @param depth Nesting depth of the quote's content. */
  constructor(context: RenderContext, depth: number) {
    this.root = blockElement(context.doc, 'blockquote', 'md-blockquote');
    this.inner = new BlockStream(this.root, context, depth);
  }

  matchesOpening(line: string): boolean {
    return isQuoteLine(line);
  }

  continues(line: string): boolean {
    return isQuoteLine(line) || this.inner.acceptsLazy(line);
  }

  push(line: string): void {
    this.inner.pushLine(isQuoteLine(line) ? stripQuoteMarker(line) : line);
  }

  show(partial: string): void {
    this.inner.show(isQuoteLine(partial) ? stripQuoteMarker(partial) : partial);
  }

  acceptsLazy(line: string): boolean {
    return this.inner.acceptsLazy(line);
  }

  close(): void {
    this.inner.close();
  }
}

/** One `<li>` and the block stream of its content. */
interface ListItem {
  li: HTMLLIElement;
  stream: BlockStream;
  /** Columns before the marker (for lenient nesting). */
  markerIndent: number;
  /** Columns a line needs to belong to this item. */
  contentIndent: number;
}

/**
 * A bullet or ordered list. Each item's content is a nested block stream fed with the item's
 * lines, de-indented; a finished item is closed and left alone. The next item is previewed while
 * its marker line streams, and that same `<li>` becomes the item when the line completes.
 */
class List implements Block {
  readonly root: HTMLUListElement | HTMLOListElement;
  readonly verbatim = false;
  /** `-`, `+`, `*`, `.` or `)`: a different marker starts a new list (CommonMark). */
  private readonly kind: string;
  private readonly start: number | null;
  /** The open item; `null` until the opening line is pushed. */
  private item: ListItem | null = null;
  /** The previous line was blank: a lazy continuation line is then no longer possible. */
  private afterBlank = false;
  private previewItem: ListItem | null = null;

  /**
   * @param marker The opening line's marker (kind and start number).
   * @param depth Nesting depth of the items' content.
   */
  constructor(
    private readonly context: RenderContext,
    marker: ListMarker,
    private readonly depth: number,
  ) {
    const { doc } = context;
    this.kind = marker.kind;
    this.start = marker.start;
    if (marker.start === null) {
      this.root = blockElement(doc, 'ul', 'md-list');
    } else {
      const list = blockElement(doc, 'ol', 'md-list');
      // A number parsed from the source, not source text; set only when it is not 1.
      if (marker.start !== 1) list.start = marker.start;
      this.root = list;
    }
  }

  matchesOpening(line: string): boolean {
    const marker = this.marker(line);
    return this.item === null && marker !== null && marker.kind === this.kind && marker.start === this.start;
  }

  continues(line: string): boolean {
    const item = this.item;
    if (!item) return false;
    if (isBlank(line) || indentOf(line) >= item.contentIndent) return true;
    const marker = this.marker(line);
    if (marker && (marker.kind === this.kind || this.nestsLeniently(marker, item))) return true;
    return !this.afterBlank && item.stream.acceptsLazy(line);
  }

  push(line: string): void {
    const item = this.item;
    if (!item) {
      this.openItem(this.marker(line));
      return;
    }
    this.afterBlank = isBlank(line);
    if (this.afterBlank) {
      this.clearPreview();
      item.stream.pushLine('');
      return;
    }
    const indent = indentOf(line);
    const marker = indent >= item.contentIndent ? null : this.marker(line);
    if (marker && marker.kind === this.kind) {
      item.stream.close();
      this.openItem(marker);
      return;
    }
    this.clearPreview();
    if (indent >= item.contentIndent) {
      item.stream.pushLine(stripIndent(line, item.contentIndent));
    } else if (marker && this.nestsLeniently(marker, item)) {
      item.stream.pushLine(stripIndent(line, indent));
    } else {
      // A lazy continuation line (`continues` checked that the item's paragraph takes it).
      item.stream.pushLine(line);
    }
  }

  show(partial: string): void {
    const item = this.item;
    const indent = indentOf(partial);
    const marker = item && (partial === '' || indent >= item.contentIndent) ? null : this.marker(partial);
    if (marker && (!item || marker.kind === this.kind)) {
      // The next item (or, in a preview, the first) is on its way: show it after the current one.
      item?.stream.show('');
      this.showPreviewItem(marker);
      return;
    }
    this.clearPreview();
    if (!item) return;
    if (partial === '' || indent >= item.contentIndent) {
      item.stream.show(stripIndent(partial, item.contentIndent));
    } else if (marker && this.nestsLeniently(marker, item)) {
      item.stream.show(stripIndent(partial, indent));
    } else {
      item.stream.show(partial);
    }
  }

  acceptsLazy(line: string): boolean {
    return this.item !== null && !this.afterBlank && this.item.stream.acceptsLazy(line);
  }

  close(): void {
    this.clearPreview();
    this.item?.stream.close();
  }

  /** A list marker on `line`, unless the line is a thematic break (`- - -`). */
  private marker(line: string): ListMarker | null {
    return isThematicBreak(line) ? null : parseListMarker(line);
  }

  /**
   * Deviation from CommonMark, for model output: a list of a different kind indented by at least
   * two columns more than the current item's marker nests inside it, even when that is less than
   * the item's content indent. Models often write `1. Step` followed by `  - detail`; CommonMark
   * would end the ordered list there, which is never what was meant.
   */
  private nestsLeniently(marker: ListMarker, item: ListItem): boolean {
    return marker.kind !== this.kind && marker.indent >= item.markerIndent + 2;
  }

  /** Starts the item that `marker` opens, taking over its preview if it had one of the same shape. */
  private openItem(marker: ListMarker | null): void {
    if (!marker) return;
    const preview = this.previewItem;
    this.previewItem = null;
    let item: ListItem;
    if (preview && preview.markerIndent === marker.indent && preview.contentIndent === marker.contentIndent) {
      item = preview;
    } else {
      preview?.li.remove();
      item = this.createItem(marker);
    }
    this.item = item;
    this.afterBlank = false;
    if (marker.content !== '') item.stream.pushLine(marker.content);
  }

  private showPreviewItem(marker: ListMarker): void {
    const preview = this.previewItem;
    if (!preview || preview.markerIndent !== marker.indent || preview.contentIndent !== marker.contentIndent) {
      this.clearPreview();
      this.previewItem = this.createItem(marker);
    }
    this.previewItem!.stream.show(marker.content);
  }

  private createItem(marker: ListMarker): ListItem {
    const li = this.context.doc.createElement('li');
    this.root.append(li);
    return { li, stream: new BlockStream(li, this.context, this.depth), markerIndent: marker.indent, contentIndent: marker.contentIndent };
  }

  private clearPreview(): void {
    this.previewItem?.li.remove();
    this.previewItem = null;
  }
}
