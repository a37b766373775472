/**
 * `markdown(text, enabled)`: an element directive that keeps a `MarkdownStream` per element and
 * feeds it only the text added since the last render, so a streaming reply costs the same to
 * paint at its 4,000th token as at its first (completed blocks are never rebuilt).
 *
 * The renderer is a separate module, loaded on first need (`loadMarkdownRenderer`), which keeps it
 * out of the page's first script. Until it has arrived the text is shown as plain text; the host
 * re-renders when it arrives and the directive switches to markdown.
 */
import { nothing, unsafeCSS } from 'lit';
import { Directive, PartType, directive, type ElementPart, type PartInfo } from 'lit/directive.js';
import { LazyModule } from '../../controllers/deferred-view.js';
import type { MarkdownStream } from '../../render/markdown-stream.js';

type Renderer = typeof import('../../render/renderer.js');

const rendererModule = /* @__PURE__ */ new LazyModule<Renderer>(() => import('../../render/renderer.js'));
let sheet: CSSStyleSheet | undefined;

/** Loads the markdown renderer once per page; resolves when `markdownRenderer()` returns it. */
export function loadMarkdownRenderer(): Promise<Renderer> {
  return rendererModule.load();
}

/** The renderer, once loaded. */
export function markdownRenderer(): Renderer | undefined {
  return rendererModule.loaded;
}

/** The renderer's styles as a constructable stylesheet (shared by every element that adopts it). */
export function markdownStyleSheet(): CSSStyleSheet | undefined {
  const renderer = rendererModule.loaded;
  if (!renderer) return undefined;
  sheet ??= unsafeCSS(renderer.markdownStyles).styleSheet;
  return sheet;
}

class MarkdownDirective extends Directive {
  private stream: MarkdownStream | undefined;
  private plain: Text | undefined;
  private finished = false;

  constructor(partInfo: PartInfo) {
    super(partInfo);
    if (partInfo.type !== PartType.ELEMENT) throw new Error('markdown() must be used on an element: <div ${markdown(…)}>');
  }

  render(_text: string, _options: { enabled: boolean; streaming: boolean; copyLabel: string }) {
    return nothing;
  }

  override update(part: ElementPart, [text, options]: Parameters<this['render']>) {
    const element = part.element as HTMLElement;
    const renderer = rendererModule.loaded;
    if (!options.enabled || !renderer) {
      // markdown="off": one text node, updated in place.
      if (this.stream) {
        element.replaceChildren();
        this.stream = undefined;
      }
      this.plain ??= element.appendChild(document.createTextNode(''));
      if (this.plain.data !== text) this.plain.data = text;
      return nothing;
    }
    if (this.plain) {
      element.replaceChildren();
      this.plain = undefined;
    }
    if (!this.stream) {
      this.stream = new renderer.MarkdownStream(element, { copyLabel: options.copyLabel });
      this.finished = false;
    }
    const source = this.stream.source;
    if (text.startsWith(source) && !(this.finished && text.length > source.length)) {
      // The common case while streaming: only the new characters.
      if (text.length > source.length) this.stream.append(text.slice(source.length));
    } else if (options.streaming) {
      // Replaced while still streaming: start over without finishing (reset(text) would finish).
      this.stream.reset();
      this.stream.append(text);
      this.finished = false;
    } else {
      // Replaced (edited, regenerated, restored): reset(text) renders and finishes in one pass.
      this.stream.reset(text);
      this.finished = true;
    }
    if (!options.streaming && !this.finished) {
      this.stream.finish();
      this.finished = true;
    }
    return nothing;
  }
}

/** Renders markdown (or plain text when `enabled` is false) into the element it is placed on. */
export const markdown = directive(MarkdownDirective);
