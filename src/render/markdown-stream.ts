/**
 * Safe, incremental markdown → DOM rendering for streamed model output.
 *
 * Plain DOM, no Lit: the chat element hands this module a container and forwards tokens to it.
 *
 * - **CommonMark and GFM, from a well-kept parser.** markdown-it parses (`parser.ts`); this
 *   module decides *what* to re-parse as text arrives, and `build.ts` turns tokens into nodes.
 * - **Incremental.** Only the open end of the reply is parsed again when a token arrives:
 *   top-level blocks that a later block has closed are final and never touched again, and
 *   inside the last block only its open part is re-parsed: the last items of a list, the last
 *   rows of a table, the last lines of a code block, the unsettled end of a long paragraph. So
 *   a token costs about the same at the end of a 20 KB reply as at its start (re-rendering
 *   everything grows to ~14 ms per token at 24 KB on a 2-core machine, NOTES.md §7).
 * - **Stable DOM.** The open part is patched (`vdom.ts`), not rebuilt: a paragraph keeps one
 *   `<p>` from its first token to its last, a code block's text node only grows.
 * - **Safe by construction.** Nodes are created with `createElement` / `createTextNode` only;
 *   there is no HTML sink anywhere in `src/render/`. Raw HTML in a reply is shown as text,
 *   links are limited to `http:`, `https:` and `mailto:`, and images are never loaded
 *   (NOTES.md §4, docs/markdown.md).
 *
 * Streaming ends in exactly the DOM that one-shot rendering produces: decisions that make
 * something final are taken on complete lines only, and everything else is re-parsed.
 */
import { buildBlock, buildCode, buildInline, buildList, buildTable, closingIndex, codeLanguage, listLooseness, type BuildContext } from './build.js';
import { asciiTrim, parseBlocks, parseInline, type References, type Token } from './parser.js';
import { patchChildren, vtext, type VNode, type VText } from './vdom.js';

/** Options for `MarkdownStream` and `renderMarkdown`. */
export interface MarkdownStreamOptions {
  /** Document to create nodes in (default: `container.ownerDocument`). */
  document?: Document;
  /** Label of the copy button on code blocks (i18n), default `'Copy'`. */
  copyLabel?: string;
}

/**
 * Inline text longer than this is split into settled stretches (see `InlineCache`): below it,
 * parsing the whole text again costs less than looking for a place to cut.
 */
const SETTLE_AT = 256;
/** A settled stretch is at least this long, so a paragraph is not cut into tiny pieces. */
const MIN_SETTLED = 64;
/** After a failed attempt to settle (something is still open), wait for this many more characters. */
const SETTLE_RETRY = 128;
/**
 * A streaming code block keeps its finished lines in text nodes of about this many characters:
 * growing one long text node costs the browser time in proportion to its length on every token.
 */
const CODE_CHUNK = 1024;

/** A top-level block that is final. */
interface CommittedBlock {
  /** Source lines `[start, end)`. */
  start: number;
  end: number;
  node: Node;
  /** Whether its source has a `[`: a later reference definition could turn it into a link. */
  mayReference: boolean;
}

/**
 * The last top-level block when only its end is re-parsed. The parsed text is `prefix` (the
 * block's own first lines, which give the rest its context) followed by the source from
 * `resume`; what came before `resume` is already rendered.
 */
type Continuation =
  | (ContinuationBase & {
      kind: 'list';
      /** The list element's attributes (its start number comes from its first item). */
      attrs: readonly (readonly [string, string])[];
      /** Bullet character or ordered delimiter: an item with another one starts a new list. */
      markup: string;
      /** Finished items, and their source lines (to render them again if looseness changes). */
      items: VNode[];
      itemLines: [number, number][];
      /** Whether the finished items make the list loose, and how they are rendered now. */
      loose: boolean;
      renderedLoose: boolean;
    })
  | (ContinuationBase & { kind: 'table'; rows: VNode[] })
  | (ContinuationBase & {
      kind: 'code';
      markup: string;
      /** Finished content in text nodes of about `CODE_CHUNK` characters, and the finished rest. */
      chunks: VText[];
      tail: string;
    });

interface ContinuationBase {
  /** First source line of the block. */
  start: number;
  prefix: string;
  prefixLines: number;
  /** First source line parsed after the prefix. */
  resume: number;
}

/** One top-level block of a parse. */
interface ParsedBlock {
  open: number;
  close: number;
  /** Source lines `[start, end)`. */
  start: number;
  end: number;
}

/**
 * Renders markdown that arrives in pieces into a container element.
 *
 * The stream owns the container's children: it empties the container when created and on
 * `reset()`. Chunks may split anything (a token, a line, a code fence); the final DOM does not
 * depend on how the text was chunked.
 *
 * ```ts
 * const stream = new MarkdownStream(bubble, { copyLabel: 'Copy' });
 * for await (const token of tokens) stream.append(token);
 * stream.finish();
 * ```
 */
export class MarkdownStream {
  private readonly container: HTMLElement;
  private readonly doc: Document;
  private readonly copyLabel: string;
  /** The markdown as appended. */
  private text = '';
  /** The same with line endings normalised to '\n' and U+0000 replaced, as CommonMark asks. */
  private src = '';
  /** Offset of each line in `src`; the last entry starts the incomplete last line. */
  private lineStarts: number[] = [0];
  /** A chunk ended in '\r': wait for the next chunk to tell '\r\n' from a lone '\r'. */
  private pendingCarriageReturn = false;
  private finished = false;

  private committed: CommittedBlock[] = [];
  /** First source line of the open (not yet final) blocks. */
  private openLine = 0;
  private continuation: Continuation | null = null;
  /** What the open blocks were last rendered as (their nodes follow the committed blocks). */
  private openNodes: VNode[] = [];
  /** Reference definitions of committed blocks (markdown-it's `env.references`). */
  private references: References = Object.create(null) as References;
  /** References for the parse under way: the committed ones plus those of the open blocks. */
  private parseReferences: References = this.references;
  private readonly inlineCache = new InlineCache();
  /** The open paragraph, when only its last line can grow (see `growingParagraph`). */
  private paragraph: { tokens: Token[]; start: number; lines: number } | null = null;

  /**
   * @param container Element the rendered blocks are appended to; its current children are removed.
   * @param options Document and copy button label.
   */
  constructor(container: HTMLElement, options: MarkdownStreamOptions = {}) {
    this.container = container;
    this.doc = options.document ?? container.ownerDocument;
    this.copyLabel = options.copyLabel ?? 'Copy';
    container.replaceChildren();
  }

  /** The markdown source so far, exactly as appended. */
  get source(): string {
    return this.text;
  }

  /**
   * Appends streamed text (any chunk size; it may split a token, a line or a code fence anywhere).
   * Work is proportional to the chunk and the open end of the last block, not to the whole reply.
   *
   * Appending after `finish()` is allowed but re-renders everything once, because the last block
   * was already finalised.
   */
  append(text: string): void {
    if (text === '') return;
    if (this.finished) {
      const all = this.text + text;
      this.reset();
      this.append(all);
      return;
    }
    this.text += text;
    let chunk = this.pendingCarriageReturn ? `\r${text}` : text;
    this.pendingCarriageReturn = chunk.endsWith('\r');
    if (this.pendingCarriageReturn) chunk = chunk.slice(0, -1);
    // CommonMark: '\r\n' and '\r' end lines too, and U+0000 is replaced for safety.
    // eslint-disable-next-line no-control-regex -- matching U+0000 is the point.
    chunk = chunk.replace(/\r\n?/g, '\n').replace(/\u0000/g, '\ufffd');
    const offset = this.src.length;
    this.src += chunk;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', end + 1)) this.lineStarts.push(offset + end + 1);
    this.render(false);
  }

  /** Marks the end of the text: the last line is parsed as complete and every block is finalised. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.pendingCarriageReturn = false;
    this.render(true);
  }

  /**
   * Replaces everything with `text` and finishes (used when a finished message is shown again,
   * e.g. restored). Without an argument, empties the container and starts a new stream.
   */
  reset(text?: string): void {
    this.container.replaceChildren();
    this.text = '';
    this.src = '';
    this.lineStarts = [0];
    this.pendingCarriageReturn = false;
    this.finished = false;
    this.committed = [];
    this.openLine = 0;
    this.continuation = null;
    this.openNodes = [];
    this.references = Object.create(null) as References;
    this.paragraph = null;
    this.inlineCache.clear();
    if (text !== undefined) {
      this.append(text);
      this.finish();
    }
  }

  /** Number of complete lines (the last line is complete once the text is finished). */
  private get completeLines(): number {
    return this.finished ? Infinity : this.lineStarts.length - 1;
  }

  /** Parses the open end of the text again and brings the DOM up to date. */
  private render(final: boolean): void {
    const partialStart = this.lineStarts[this.lineStarts.length - 1];
    // A partial line of bare punctuation waits until it means something (see isAmbiguousPartialLine).
    // Its start tells, unless it is long punctuation only: no need to copy a long line to find out.
    const head = this.src.slice(partialStart, partialStart + 64);
    const ambiguous = isAmbiguousPartialLine(head) && (this.src.length - partialStart <= 64 || isAmbiguousPartialLine(this.src.slice(partialStart)));
    const end = final || !ambiguous ? this.src.length : partialStart;
    const continuation = this.continuation;
    const from = continuation ? continuation.resume : this.openLine;
    const prefixLines = continuation?.prefixLines ?? 0;
    const windowText = () => (continuation?.prefix ?? '') + this.src.slice(this.lineStarts[from] ?? this.src.length, end);
    /** Source line of a line of the parsed window. */
    const sourceLine = (line: number): number => (line < prefixLines ? continuation!.start + line : from + line - prefixLines);

    // Definitions in the open blocks count for this parse only; committed ones for good.
    const references = Object.create(this.references) as References;
    this.parseReferences = references;
    const tokens = this.growParagraph(final, end) ?? parseBlocks(windowText(), references);
    const blocks = topLevelBlocks(tokens, sourceLine);
    if (continuation) {
      if (!this.continues(continuation, tokens, blocks[0])) {
        // Cannot happen for text that only grew, but never render a wrong list: parse the block whole.
        this.openLine = continuation.start;
        this.continuation = null;
        this.render(final);
        return;
      }
      blocks[0].start = continuation.start;
    }

    // A block is final once the next one starts on a complete line, except that a definition
    // directly followed by a line may still take that line as its title.
    const complete = this.completeLines;
    let firstOpen = final ? blocks.length : Math.max(0, blocks.length - 1);
    for (let k = 0; k < blocks.length - 1 && !final; k++) {
      const next = blocks[k + 1];
      const definitionRunsOn = tokens[blocks[k].open].type === 'reference_definition' && blocks[k].end === next.start;
      if (next.start >= complete || definitionRunsOn) {
        firstOpen = k;
        break;
      }
    }

    // A definition in the open blocks may still change (`[a]: /x` can grow into `[a]: /xyz`):
    // nothing rendered with it becomes final until it is final itself.
    const openDefinition = !final && blocks.slice(firstOpen).some((block) => tokens[block.open].type === 'reference_definition');
    if (openDefinition) firstOpen = 0;

    this.inlineCache.startRender(Object.keys(references).join('\n'));
    const context: BuildContext = { doc: this.doc, copyLabel: this.copyLabel, inline: (token, content) => this.inline(token, content, sourceLine) };
    const vnodes: (VNode | null)[] = [];
    let nextContinuation: Continuation | null = null;
    for (let k = 0; k < blocks.length; k++) {
      const block = blocks[k];
      const continued = k === 0 ? continuation : null;
      if (k === firstOpen || continued) {
        const built = this.buildContinued(tokens, block, context, continued, sourceLine, k === firstOpen && !final && !openDefinition);
        vnodes.push(built.vnode);
        if (k === firstOpen) nextContinuation = built.next;
      } else {
        vnodes.push(buildBlock(tokens, block.open, block.close, context));
      }
    }

    const rendered = vnodes.filter((vnode): vnode is VNode => vnode !== null);
    patchChildren(this.doc, this.container, this.lastCommittedNode(), this.openNodes, rendered);

    // Commit the final blocks: their nodes stay as they are.
    let committedVNodes = 0;
    let newDefinitions = false;
    for (let k = 0; k < firstOpen; k++) {
      const block = blocks[k];
      const token = tokens[block.open];
      if (token.type === 'reference_definition') {
        const label = (token.meta as { label: string }).label;
        if (!Object.prototype.hasOwnProperty.call(this.references, label) && references[label]) {
          this.references[label] = references[label]!;
          newDefinitions = true;
        }
        continue;
      }
      const vnode = vnodes[k]!;
      const source = this.src.slice(this.lineStarts[block.start] ?? this.src.length, this.lineStarts[block.end] ?? this.src.length);
      this.committed.push({ start: block.start, end: block.end, node: vnode.node!, mayReference: source.includes('[') });
      committedVNodes++;
    }
    this.openNodes = rendered.slice(committedVNodes);
    if (firstOpen < blocks.length) this.openLine = blocks[firstOpen].start;
    else if (blocks.length > 0) this.openLine = blocks[blocks.length - 1].end;
    this.continuation = nextContinuation;
    this.inlineCache.sweep();
    this.paragraph = final ? null : this.growingParagraph(tokens, blocks, end);

    if (newDefinitions) this.definitionsChanged(final);
  }

  /**
   * The tokens of the last parse, kept when the open blocks are one top-level paragraph that
   * ends in the incomplete last line, and text appended to that line can change nothing but the
   * paragraph's text. Whether a line starts a block is decided by its first characters (a
   * marker and what follows it), which no longer change once more text follows them; the
   * constructs that depend on a whole line (a rule, a setext underline, a table delimiter row,
   * an empty list item) cannot contain a letter; a table or setext heading needs another line.
   * What remains is excluded: a line starting with `<` (an HTML block can depend on the whole
   * line), a paragraph starting with `[` (it may still become a reference definition), tabs and
   * indentation. A long paragraph then costs no block parse per token.
   */
  private growingParagraph(tokens: Token[], blocks: ParsedBlock[], end: number): MarkdownStream['paragraph'] {
    const lines = this.lineStarts.length;
    const block = blocks[0];
    if (this.continuation || blocks.length !== 1 || tokens.length !== 3 || tokens[0].type !== 'paragraph_open') return null;
    if (end !== this.src.length || block.start !== this.openLine || block.end !== lines) return null;
    const head = (line: number) => this.src.slice(this.lineStarts[line], this.lineStarts[line] + 200);
    if (!/^ {0,3}[^\s[]/.test(head(block.start))) return null;
    const last = head(lines - 1);
    if (!/^ {0,3}[^\s<[]/.test(last) || last.slice(0, 16).includes('\t') || !/\p{L}/u.test(last)) return null;
    return { tokens, start: block.start, lines };
  }

  /** The open paragraph's tokens with its grown text, when `growingParagraph` allows; else null. */
  private growParagraph(final: boolean, end: number): Token[] | null {
    const paragraph = this.paragraph;
    if (final || !paragraph || this.continuation || this.lineStarts.length !== paragraph.lines || end !== this.src.length) return null;
    // What markdown-it's paragraph rule would take: the lines, trimmed (top level, no indent to strip).
    paragraph.tokens[1].content = asciiTrim(this.src.slice(this.lineStarts[paragraph.start]));
    // Line numbers relative to the window, which now starts at the paragraph.
    for (const token of paragraph.tokens) token.map = [0, paragraph.lines - paragraph.start];
    return paragraph.tokens;
  }

  /** Whether the window parse still continues `continuation` in its first block. */
  private continues(continuation: Continuation, tokens: Token[], first: ParsedBlock | undefined): boolean {
    const token = first ? tokens[first.open] : null;
    if (!token || token.map?.[0] !== 0) return false;
    switch (continuation.kind) {
      case 'list':
        return (token.type === 'bullet_list_open' || token.type === 'ordered_list_open') && token.markup === continuation.markup;
      case 'table':
        return token.type === 'table_open';
      case 'code':
        return token.type === 'fence' && token.markup === continuation.markup;
    }
  }

  /**
   * Builds a top-level block that is (or was) the last one: with the parts already rendered
   * (`continued`), and, when `settle` is set, works out which of its parts are now final so
   * that the next render parses only what follows them.
   */
  private buildContinued(
    tokens: Token[],
    block: ParsedBlock,
    context: BuildContext,
    continued: Continuation | null,
    sourceLine: (line: number) => number,
    settle: boolean,
  ): { vnode: VNode | null; next: Continuation | null } {
    const token = tokens[block.open];
    const complete = this.completeLines;
    if (token.type === 'bullet_list_open' || token.type === 'ordered_list_open') {
      const list = continued?.kind === 'list' ? continued : null;
      let loose = list?.loose ?? false;
      if (!loose) loose = listLooseness(tokens, block.open, block.close) ?? this.probeLooseness(tokens, block, sourceLine);
      if (list && list.renderedLoose !== loose) this.renderItemsAgain(list, loose, context);
      const built = buildList(tokens, block.open, block.close, context, list ? { before: list.items, attrs: list.attrs, loose } : { loose });
      if (!settle) return { vnode: built.vnode, next: list };
      // An item is final once the next item starts on a complete line.
      let final = 0;
      while (final < built.items.length - 1 && sourceLine(built.items[final + 1].map[0]) < complete) final++;
      if (final === 0 && !list) return { vnode: built.vnode, next: null };
      const next = list ?? {
        kind: 'list' as const,
        start: block.start,
        prefix: '',
        prefixLines: 0,
        resume: block.start,
        attrs: built.vnode.attrs,
        markup: token.markup,
        items: [],
        itemLines: [],
        loose,
        renderedLoose: loose,
      };
      for (let i = 0; i < final; i++) {
        const lines: [number, number] = [sourceLine(built.items[i].map[0]), sourceLine(built.items[i + 1].map[0])];
        next.items.push(built.items[i].vnode);
        next.itemLines.push(lines);
        next.loose ||= this.itemMakesLoose(lines);
      }
      next.renderedLoose = loose;
      if (final > 0) next.resume = sourceLine(built.items[final].map[0]);
      return { vnode: built.vnode, next };
    }
    if (token.type === 'table_open') {
      const table = continued?.kind === 'table' ? continued : null;
      const built = buildTable(tokens, block.open, block.close, context, { before: table?.rows ?? [] });
      if (!settle) return { vnode: built.vnode, next: table };
      // A table row is one line: final once that line is complete.
      const final = built.rows.filter((row) => sourceLine(row.map[0]) < complete);
      if (final.length === 0) return { vnode: built.vnode, next: table };
      const next = table ?? {
        kind: 'table' as const,
        start: block.start,
        prefix: this.lines(block.start, block.start + 2),
        prefixLines: 2,
        resume: block.start + 2,
        rows: [],
      };
      for (const row of final) next.rows.push(row.vnode);
      next.resume = sourceLine(final[final.length - 1].map[1]);
      return { vnode: built.vnode, next };
    }
    if (token.type === 'fence') {
      const code = continued?.kind === 'code' ? continued : null;
      const text = code ? [...code.chunks, vtext(code.tail + token.content)] : [vtext(token.content)];
      const vnode = buildCode(context, codeLanguage(token.info), text);
      if (!settle) return { vnode, next: code };
      // The complete lines of an unclosed fence are final content (a closed fence is final as a
      // whole once the next block starts, a line or two later).
      const content = token.content;
      const contentLines = content.split('\n').length - 1;
      const shownLines = content === '' ? 0 : contentLines + (content.endsWith('\n') ? 0 : 1);
      const closed = token.map![1] - token.map![0] - 1 > shownLines;
      if (closed || contentLines === 0) return { vnode, next: code };
      const next = code ?? {
        kind: 'code' as const,
        start: block.start,
        prefix: this.lines(block.start, block.start + 1),
        prefixLines: 1,
        resume: block.start + 1,
        markup: token.markup,
        chunks: [],
        tail: '',
      };
      next.tail += content.slice(0, content.lastIndexOf('\n') + 1);
      if (next.tail.length >= CODE_CHUNK) {
        next.chunks.push(vtext(next.tail));
        next.tail = '';
      }
      next.resume = sourceLine(token.map![0] + 1 + contentLines);
      return { vnode, next };
    }
    return { vnode: buildBlock(tokens, block.open, block.close, context), next: null };
  }

  /** Source text of lines `[start, end)`. */
  private lines(start: number, end: number): string {
    return this.src.slice(this.lineStarts[start] ?? this.src.length, this.lineStarts[end] ?? this.src.length);
  }

  /**
   * Looseness of a list whose items hold no paragraph (so its tokens cannot tell): parse it with
   * one more item that does. Rare (items of code blocks or tables only) and short.
   */
  private probeLooseness(tokens: Token[], block: ParsedBlock, sourceLine: (line: number) => number): boolean {
    const first = tokens[block.open + 1];
    const marker = /^ {0,3}(?:[-+*]|\d{1,9}[.)])/.exec(this.lines(sourceLine(first.map![0]), sourceLine(first.map![0]) + 1));
    if (!marker) return false;
    // Blank lines at the end are not (yet) between items: the probe item must not follow them.
    const text = `${this.lines(block.start, block.end).replace(/(?:\n[ \t]*)+$/, '')}\n`;
    return probeListLooseness(text, marker[0], this.parseReferences);
  }

  /** Whether a finished item makes its list loose: blank lines between its blocks, or before the next item. */
  private itemMakesLoose([start, next]: [number, number]): boolean {
    const marker = /^ {0,3}(?:[-+*]|\d{1,9}[.)])/.exec(this.lines(next, next + 1));
    if (!marker) return false;
    return probeListLooseness(this.lines(start, next), marker[0], this.parseReferences);
  }

  /** The list's looseness changed: its finished items are rendered again, once. */
  private renderItemsAgain(list: Extract<Continuation, { kind: 'list' }>, loose: boolean, context: BuildContext): void {
    list.items = list.itemLines.map(([start, end]) => {
      const tokens = parseBlocks(this.lines(start, end), this.parseReferences);
      const close = closingIndex(tokens, 0);
      return buildList(tokens, 0, close, { ...context, inline: (_token, content) => buildInline(parseInline(content, this.parseReferences).tokens) }, { loose }).items[0].vnode;
    });
    list.renderedLoose = loose;
  }

  /** Inline content of `token`, from the cache when it only grew. */
  private inline(token: Token, content: string, sourceLine: (line: number) => number): readonly VNode[] {
    const line = token.map ? sourceLine(token.map[0]) : -1;
    return this.inlineCache.render(line, content, this.parseReferences);
  }

  /** The last node of the committed blocks, after which the open blocks are rendered. */
  private lastCommittedNode(): Node | null {
    return this.committed.length > 0 ? this.committed[this.committed.length - 1].node : null;
  }

  /**
   * A committed definition can turn `[text]` in an earlier block into a link: render those
   * blocks again, and the open block whole (its finished parts were rendered without it).
   */
  private definitionsChanged(final: boolean): void {
    this.inlineCache.clear();
    for (const block of this.committed) {
      if (!block.mayReference) continue;
      const tokens = parseBlocks(this.lines(block.start, block.end), this.references);
      const context: BuildContext = {
        doc: this.doc,
        copyLabel: this.copyLabel,
        inline: (_token, content) => buildInline(parseInline(content, this.references).tokens),
      };
      const blocks = topLevelBlocks(tokens, (line) => line);
      const vnode = blocks[0] ? buildBlock(tokens, blocks[0].open, blocks[0].close, context) : null;
      if (!vnode) continue;
      const node = createNode(this.doc, vnode);
      block.node.parentNode?.replaceChild(node, block.node);
      block.node = node;
    }
    if (this.continuation) {
      this.openLine = this.continuation.start;
      this.continuation = null;
      if (!final) this.render(false);
    }
  }
}

/** Creates the DOM of a `VNode` outside any patch. */
function createNode(doc: Document, vnode: VNode): Node {
  const holder = doc.createElement('div');
  patchChildren(doc, holder, null, [], [vnode]);
  return vnode.node!;
}

/** Whether `text`, one list followed by an item `marker x`, makes that list loose. */
function probeListLooseness(text: string, marker: string, references: References): boolean {
  const tokens = parseBlocks(`${text}${marker} x\n`, references);
  if (tokens.length === 0) return false;
  return listLooseness(tokens, 0, closingIndex(tokens, 0)) ?? false;
}

/** The top-level blocks of a parse, with their source lines. */
function topLevelBlocks(tokens: Token[], sourceLine: (line: number) => number): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  for (let i = 0; i < tokens.length; ) {
    const close = tokens[i].nesting === 1 ? closingIndex(tokens, i) : i;
    const map = tokens[i].map ?? [0, 0];
    blocks.push({ open: i, close, start: sourceLine(map[0]), end: sourceLine(map[1]) });
    i = close + 1;
  }
  return blocks;
}

/**
 * Inline content by position, for the open blocks. Content that only grew at its end reuses
 * what was rendered: a long paragraph is split into *settled* stretches, each parsed once, and
 * only the unsettled end is parsed again per token.
 *
 * A stretch is settled when it ends in whitespace and, parsed alone, leaves nothing open (no
 * emphasis opener without its closer, no `[` or `<` or backtick run that later text could
 * still complete: `parser.ts`). Then no text after it can change how it parses, and it parses
 * alone exactly as it does within the whole (CommonMark's inline rules look back only through
 * what is still open), so the DOM is the same as if the whole paragraph were parsed at once.
 */
class InlineCache {
  private readonly entries = new Map<string, InlineEntry>();
  /** Entries used by the render under way; others are dropped when it ends. */
  private used = new Set<string>();
  /** Changes when the reference definitions of the parse change (links may resolve differently). */
  private version = '';
  /** Inline contents seen per source line in this render (a table row has several cells). */
  private perLine = new Map<number, number>();

  startRender(version: string): void {
    if (version !== this.version) this.entries.clear();
    this.version = version;
    this.perLine.clear();
  }

  sweep(): void {
    for (const key of this.entries.keys()) if (!this.used.has(key)) this.entries.delete(key);
    this.used.clear();
  }

  clear(): void {
    this.entries.clear();
    this.used.clear();
  }

  render(line: number, content: string, references: References): readonly VNode[] {
    const ordinal = this.perLine.get(line) ?? 0;
    this.perLine.set(line, ordinal + 1);
    const key = `${line}:${ordinal}`;
    this.used.add(key);
    let entry = this.entries.get(key);
    if (!entry || !content.startsWith(entry.settled)) {
      entry = { settled: '', settledNodes: [], rest: null, nodes: [], retryAt: 0 };
      this.entries.set(key, entry);
    }
    let rest = content.slice(entry.settled.length);
    if (rest === entry.rest) return entry.nodes;
    if (rest.length >= SETTLE_AT && content.length >= entry.retryAt) {
      const cut = settleCut(rest);
      if (cut >= MIN_SETTLED) {
        const head = parseInline(rest.slice(0, cut), references);
        if (head.open) {
          entry.retryAt = content.length + SETTLE_RETRY;
        } else {
          entry.settledNodes = [...entry.settledNodes, ...buildInline(head.tokens)];
          entry.settled += rest.slice(0, cut);
          rest = rest.slice(cut);
        }
      }
    }
    const parsed = parseInline(rest, references);
    entry.rest = rest;
    entry.nodes = entry.settledNodes.length > 0 ? [...entry.settledNodes, ...buildInline(parsed.tokens)] : buildInline(parsed.tokens);
    return entry.nodes;
  }
}

interface InlineEntry {
  /** The settled start of the content, and its nodes. */
  settled: string;
  settledNodes: VNode[];
  /** The rest of the content as last rendered, and the nodes of the whole. */
  rest: string | null;
  nodes: readonly VNode[];
  /** Content length from which settling is tried again. */
  retryAt: number;
}

/** Where a settled stretch may end: after the last whitespace that is followed by more text. */
function settleCut(text: string): number {
  for (let i = text.length - 1; i > 0; i--) {
    const ch = text.charCodeAt(i - 1);
    if ((ch === 0x20 || ch === 0x0a || ch === 0x09) && !isSpaceCode(text.charCodeAt(i))) return i;
  }
  return -1;
}

function isSpaceCode(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09;
}

/**
 * An incomplete last line that is nothing but block punctuation (`-`, `1.`, `` ` ``, `#`, `>`,
 * `|`, `---`, `**`...) could still become almost anything: a list item, a heading, a fence, a
 * rule, a setext underline, a table delimiter row or bold text. Showing it provisionally would
 * flash the wrong structure for a token or two, so it is held back until a word character or
 * the end of the line settles it.
 */
function isAmbiguousPartialLine(partial: string): boolean {
  return /^[ \t]*(?:\d{1,9}[.)]?)?[-+*=_~`#>|:. \t]*$/.test(partial);
}

/**
 * One-shot render of a complete markdown string into a container (replacing its children).
 * Produces exactly the DOM that streaming the same text through `MarkdownStream` ends with.
 */
export function renderMarkdown(container: HTMLElement, text: string, options?: MarkdownStreamOptions): void {
  new MarkdownStream(container, options).reset(text);
}

/**
 * The code a copy button (`[data-copy]`, inside a rendered code block) refers to, without the
 * header's text and without the line ending that closes the last line. Code blocks carry no
 * click handlers; the host listens once and delegates:
 *
 * ```ts
 * log.addEventListener('click', (event) => {
 *   const button = (event.target as Element).closest('[data-copy]');
 *   if (button) void navigator.clipboard.writeText(codeTextForCopyButton(button));
 * });
 * ```
 *
 * Returns '' when `button` is not inside a rendered code block.
 */
export function codeTextForCopyButton(button: Element): string {
  return (button.closest('.md-code')?.querySelector('pre > code')?.textContent ?? '').replace(/\n$/, '');
}

export { safeHref } from './safe-url.js';
