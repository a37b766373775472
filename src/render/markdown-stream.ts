/**
 * Safe, incremental markdown → DOM rendering for streamed model output.
 *
 * Plain DOM, no Lit: the chat element hands this module a container and forwards tokens to it.
 *
 * - **Incremental.** The reply is split into blocks as lines complete. A block that is finished
 *   is never touched again; only the open block is re-rendered, and an open code block only grows
 *   its text node. Painting a token therefore costs the same at the end of a 20 KB reply as at
 *   the start (re-rendering everything grows to ~14 ms per token at 24 KB on a 2-core machine,
 *   NOTES.md §7).
 * - **Safe by construction.** Nodes are created with `createElement` / `createTextNode` only;
 *   there is no HTML sink anywhere in `src/render/`. Raw HTML in a reply is shown as text,
 *   links are limited to `http:`, `https:` and `mailto:`, and images are never loaded
 *   (NOTES.md §4).
 */
import { BlockStream, type RenderContext } from './blocks.js';

/** Options for `MarkdownStream` and `renderMarkdown`. */
export interface MarkdownStreamOptions {
  /** Document to create nodes in (default: `container.ownerDocument`). */
  document?: Document;
  /** Label of the copy button on code blocks (i18n), default `'Copy'`. */
  copyLabel?: string;
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
  private readonly context: RenderContext;
  private blocks: BlockStream;
  private text = '';
  /** The incomplete last line: shown provisionally, parsed for real once its line ending arrives. */
  private partial = '';
  /** A chunk ended in '\r': wait for the next chunk to tell '\r\n' from a lone '\r'. */
  private pendingCarriageReturn = false;
  private finished = false;

  /**
   * @param container Element the rendered blocks are appended to; its current children are removed.
   * @param options Document and copy button label.
   */
  constructor(container: HTMLElement, options: MarkdownStreamOptions = {}) {
    this.container = container;
    this.context = {
      doc: options.document ?? container.ownerDocument,
      copyLabel: options.copyLabel ?? 'Copy',
    };
    container.replaceChildren();
    this.blocks = new BlockStream(container, this.context);
  }

  /** The markdown source so far, exactly as appended. */
  get source(): string {
    return this.text;
  }

  /**
   * Appends streamed text (any chunk size; it may split a token, a line or a code fence anywhere).
   * Work is proportional to the chunk and the open block, never to the whole reply.
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
    chunk = chunk.replace(/\r\n?/g, '\n').replace(/\u0000/g, '\ufffd');

    // Only the new text is scanned for line endings: the partial line has none.
    const buffer = this.partial + chunk;
    let lineStart = 0;
    for (let end = buffer.indexOf('\n', this.partial.length); end !== -1; end = buffer.indexOf('\n', lineStart)) {
      this.blocks.pushLine(buffer.slice(lineStart, end));
      lineStart = end + 1;
    }
    this.partial = buffer.slice(lineStart);
    this.blocks.show(this.partial);
  }

  /** Marks the end of the text: the last line is parsed as complete and the last block is finalised. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.partial !== '') this.blocks.pushLine(this.partial);
    this.partial = '';
    this.pendingCarriageReturn = false;
    this.blocks.close();
  }

  /**
   * Replaces everything with `text` and finishes (used when a finished message is shown again,
   * e.g. restored). Without an argument, empties the container and starts a new stream.
   */
  reset(text?: string): void {
    this.container.replaceChildren();
    this.blocks = new BlockStream(this.container, this.context);
    this.text = '';
    this.partial = '';
    this.pendingCarriageReturn = false;
    this.finished = false;
    if (text !== undefined) {
      this.append(text);
      this.finish();
    }
  }
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
 * header's text. Code blocks carry no click handlers; the host listens once and delegates:
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
  return button.closest('.md-code')?.querySelector('pre > code')?.textContent ?? '';
}

export { safeHref } from './safe-url.js';
