/**
 * What `<slm-complete>` renders and does: a standalone completion (output, run, stop, copy,
 * autorun) or ghost text for a field. The element (`complete-element.ts`) holds the public
 * properties and methods and imports this module when the first `<slm-complete>` connects
 * (`DeferredView`), so pages without one never download it.
 *
 * The seam is one-directional: this module never imports the element. It works on the
 * `CompleteViewHost` the element is and hears of property changes through `willUpdate`
 * (forwarded by the element).
 */
import { html, nothing, type PropertyValues, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ElementView } from '../../controllers/deferred-view.js';
import { EngineController } from '../../controllers/engine-controller.js';
import { GenerationController } from '../../controllers/generation-controller.js';
import { GhostTextController, isTextField, type TextField } from '../../controllers/ghost-text-controller.js';
import { SlmError, type SlmErrorData } from '../../engine/shared/errors.js';
import { parseWholeNumber } from '../../engine/shared/settings.js';
import type { ChatMessage, GenerationInput } from '../../engine/shared/types.js';
import type { JsonSchema } from '../../engine/shared/structured.js';
import { SlmErrorEvent } from '../../events/slm-error.js';
import { cssomStyle } from '../shared/cssom-style.js';
import { controlStyles } from '../shared/controls.styles.js';
import { cursorStyles } from '../shared/cursor.styles.js';
import { icon } from '../shared/icons.js';
import { progressStyles } from '../shared/progress.styles.js';
import { describeStatus, renderProgress, renderStatus, type StatusLine } from '../shared/status.js';
import { adoptViewStyles } from '../shared/view-styles.js';
import type { ModelSettings } from '../shared/model-settings.js';
import { DEFAULT_COMPLETE_STRINGS, type CompleteStrings } from './complete.strings.js';
import type { CompleteMode } from './complete.types.js';
import { completeViewStyles } from './complete-view.styles.js';
import { mirrorLayout } from './ghost-overlay.js';

/** What the view needs of its element: `<slm-complete>`'s public state, and Lit's host API. */
export interface CompleteViewHost extends ReactiveControllerHost, HTMLElement, ModelSettings {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly hasUpdated: boolean;
  prompt: string;
  mode: CompleteMode;
  systemPrompt: string;
  maxNewTokens?: number | string | undefined;
  temperature?: number | string | undefined;
  stopSequences?: string | string[] | undefined;
  schema?: string | JsonSchema | undefined;
  autorun: boolean;
  debounce?: number | string | undefined;
  htmlFor: string;
  contextChars?: number | string | undefined;
  suffixAware: boolean;
  strings: Partial<CompleteStrings>;
}

/** Default pause, in milliseconds, before `autorun` completes or ghost text asks for a suggestion. */
const DEFAULT_DEBOUNCE = 300;
/** Default number of characters before the caret sent for a suggestion. */
const DEFAULT_CONTEXT_CHARS = 2000;
const MODES: readonly CompleteMode[] = ['text', 'chat'];

/** The interface of one `<slm-complete>` (a reactive controller of the element). */
export class CompleteView implements ElementView, ReactiveController {
  /** A field slotted into the element (ghost text wraps it). */
  private slotted: TextField | null = null;
  /** The copy button's feedback is showing. */
  private copied = false;
  /** An invalid attribute value, shown in the status line until corrected. */
  private configError: SlmErrorData | null = null;

  private readonly engines: EngineController;
  private readonly generation: GenerationController;
  private readonly ghost: GhostTextController;
  /** The prompt the shown completion belongs to. */
  private shownPrompt = '';
  private autorunTimer: ReturnType<typeof setTimeout> | undefined;
  private debounceMs = DEFAULT_DEBOUNCE;
  private contextCharCount = DEFAULT_CONTEXT_CHARS;
  /** Root (document or shadow root) whose `focusin` re-finds the `for` field. */
  private observedRoot: Document | ShadowRoot | undefined;
  private followingLayout = false;

  constructor(private readonly host: CompleteViewHost) {
    adoptViewStyles(host, [controlStyles, cursorStyles, progressStyles, completeViewStyles]);
    this.engines = new EngineController(host);
    this.generation = new GenerationController(host, this.engines);
    this.ghost = new GhostTextController(host, this.engines, () => ({
      debounce: this.debounceMs,
      contextChars: this.contextCharCount,
      generation: {
        maxNewTokens: host.maxNewTokens,
        temperature: host.temperature,
        stopSequences: host.stopSequences,
      },
      suggestionAnnouncement: this.text.suggestion,
      acceptedAnnouncement: this.text.accepted,
    }));
    host.addController(this);
    // The element may have had its properties for a while (the view arrives lazily): start from them.
    this.validate();
    this.findField();
    if (host.autorun && !this.ghostMode) this.scheduleAutorun();
  }

  /** See `SlmCompleteElement.value`. */
  get value(): string {
    return this.generation.text;
  }
  set value(text: string) {
    this.generation.reset();
    this.generation.text = String(text ?? '');
    this.host.requestUpdate();
  }

  /** See `SlmCompleteElement.suggestion`. */
  get suggestion(): string {
    return this.ghost.visible ? this.ghost.suggestion : '';
  }

  /** See `SlmCompleteElement.field`. */
  get field(): TextField | null {
    return this.ghost.field;
  }

  /** All strings, defaults merged with `strings`. */
  private get text(): CompleteStrings {
    return { ...DEFAULT_COMPLETE_STRINGS, ...this.host.strings };
  }

  /** Whether the element works as ghost text for a field rather than as a standalone completion. */
  private get ghostMode(): boolean {
    // A removed attribute leaves `null` behind.
    return !!this.host.htmlFor || this.slotted !== null;
  }

  /** See `SlmCompleteElement.complete`. */
  async complete(prompt: string = this.host.prompt ?? ''): Promise<string> {
    const host = this.host;
    clearTimeout(this.autorunTimer);
    this.shownPrompt = prompt;
    const input: GenerationInput =
      host.mode === 'chat'
        ? {
            kind: 'chat',
            messages: [
              ...(host.systemPrompt ? [{ role: 'system', content: host.systemPrompt } satisfies ChatMessage] : []),
              { role: 'user', content: prompt },
            ],
          }
        : { kind: 'text', prompt };
    const result = await this.generation.run(
      input,
      { maxNewTokens: host.maxNewTokens, temperature: host.temperature, stopSequences: host.stopSequences, schema: host.schema },
      // A completion yields to chats waiting for the same model.
      { priority: 'background' },
    );
    // Constrained output is valid or nothing: a cut-off (`length`) JSON is never handed back.
    return result.reason === 'error' && host.schema !== undefined && host.schema !== null ? '' : result.text;
  }

  /** See `SlmCompleteElement.stop`. */
  stop(): void {
    clearTimeout(this.autorunTimer);
    this.generation.stop();
    this.ghost.dismiss();
  }

  /** See `SlmCompleteElement.suggest`. */
  suggest(): void {
    this.ghost.request();
  }

  /** See `SlmCompleteElement.accept`. */
  accept(): boolean {
    return this.ghost.accept();
  }

  /** See `SlmCompleteElement.dismiss`. */
  dismiss(): void {
    this.ghost.dismiss();
  }

  hostConnected(): void {
    this.observedRoot = this.host.getRootNode() as Document | ShadowRoot;
    this.observedRoot.addEventListener('focusin', this.onRootFocusIn);
    if (this.host.hasUpdated) this.findField();
  }

  hostDisconnected(): void {
    clearTimeout(this.autorunTimer);
    this.observedRoot?.removeEventListener('focusin', this.onRootFocusIn);
    this.observedRoot = undefined;
    this.followLayout(false);
    this.ghost.attach(null);
  }

  /** Forwarded by the element before each update. */
  willUpdate(changed: PropertyValues<CompleteViewHost>): void {
    const host = this.host;
    if (['debounce', 'contextChars', 'mode', 'suffixAware'].some((name) => changed.has(name as keyof CompleteViewHost))) {
      this.validate();
    }
    if (changed.has('htmlFor')) this.findField();
    if ((changed.has('prompt') || changed.has('autorun')) && host.autorun && !this.ghostMode) this.scheduleAutorun();
  }

  hostUpdated(): void {
    // While a suggestion shows, the overlay follows the page's scrolling and resizing.
    this.followLayout(this.ghost.suggestion !== '');
  }

  /** Checks attribute values; a bad one is reported once and its default used meanwhile. */
  private validate(): void {
    const host = this.host;
    const debounce = parseWholeNumber('debounce', host.debounce, DEFAULT_DEBOUNCE);
    const contextChars = parseWholeNumber('context-chars', host.contextChars, DEFAULT_CONTEXT_CHARS, 1);
    this.debounceMs = debounce.ok ? debounce.value : DEFAULT_DEBOUNCE;
    this.contextCharCount = contextChars.ok ? contextChars.value : DEFAULT_CONTEXT_CHARS;
    let error: SlmError | undefined;
    if (!debounce.ok) error = debounce.error;
    else if (!contextChars.ok) error = contextChars.error;
    else if (host.mode && !MODES.includes(host.mode)) {
      error = new SlmError('invalid-option', `mode="${host.mode}" is not supported: use one of "text", "chat".`);
    } else if (host.suffixAware) {
      error = new SlmError(
        'invalid-option',
        'suffix-aware (fill-in-the-middle) is not supported yet: suggestions continue the text before the caret.',
      );
    }
    // Each new problem is reported once; the status line shows it until it is corrected.
    if (error && error.message !== this.configError?.message) host.dispatchEvent(new SlmErrorEvent(error.toJSON()));
    this.configError = error?.toJSON() ?? null;
  }

  /** Clears a completion that no longer matches `prompt` and completes the new one after a pause. */
  private scheduleAutorun(): void {
    clearTimeout(this.autorunTimer);
    if (this.generation.busy || this.generation.text) this.generation.reset();
    if (!this.host.prompt?.trim()) return;
    this.autorunTimer = setTimeout(() => void this.complete(), this.debounceMs);
  }

  /** Attaches ghost text to the `for` field, or to a slotted field. */
  private findField(): void {
    const host = this.host;
    let field: TextField | null = this.slotted;
    if (host.htmlFor) {
      const target = (host.getRootNode() as Document | ShadowRoot).getElementById?.(host.htmlFor);
      field = isTextField(target) ? target : null;
    }
    this.ghost.attach(field);
  }

  private readonly onSlotChange = (event: Event) => {
    const slot = event.target as HTMLSlotElement;
    let found: TextField | null = null;
    for (const element of slot.assignedElements({ flatten: true })) {
      const candidate = isTextField(element) ? element : element.querySelector('textarea, input');
      if (isTextField(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found !== this.slotted) {
      this.slotted = found;
      this.host.requestUpdate();
    }
    this.findField();
  };

  /** A `for` field added (or replaced) after this element is found when it gets focus. */
  private readonly onRootFocusIn = (event: Event) => {
    const target = event.target as Element;
    const htmlFor = this.host.htmlFor;
    if (htmlFor && target !== this.ghost.field && target.id === htmlFor && isTextField(target)) {
      this.ghost.attach(target);
    }
  };

  private readonly onLayoutChange = () => this.host.requestUpdate();

  private followLayout(on: boolean): void {
    if (on === this.followingLayout) return;
    this.followingLayout = on;
    const method = on ? 'addEventListener' : 'removeEventListener';
    window[method]('resize', this.onLayoutChange);
    // Capture: scroll events do not bubble, and any scrolling ancestor may move the field.
    document[method]('scroll', this.onLayoutChange, true);
  }

  private readonly copyValue = async () => {
    try {
      await navigator.clipboard.writeText(this.value);
    } catch {
      // Clipboard access can be refused (permissions, insecure context); nothing else to do.
    }
    this.copied = true;
    this.host.requestUpdate();
    setTimeout(() => {
      this.copied = false;
      this.host.requestUpdate();
    }, 1500);
  };

  private renderGhost() {
    const ghost = this.ghost;
    const field = ghost.field;
    const anchor = this.host.renderRoot.querySelector('.anchor');
    let mirror: unknown = nothing;
    if (field && anchor && ghost.visible) {
      // No whitespace inside the mirror (it is pre-wrap). The <wbr> lets the suggestion start a
      // new line on its own: without it, a suggestion that continues the last word would carry
      // that word to the next line in the mirror while the field keeps it where it is.
      const layout = mirrorLayout(field, anchor);
      mirror = html`<div
        part="ghost"
        class="mirror ${field instanceof HTMLInputElement ? 'single-line' : ''}"
        aria-hidden="true"
        ${cssomStyle(layout.box)}
      ><div class="mirror-content" ${cssomStyle(layout.content)}><span class="before">${ghost.before}</span><wbr /><span part="suggestion" class="suggestion">${ghost.suggestion}</span></div></div>`;
    }
    return html`<div class="anchor">${mirror}</div>
      <div class="visually-hidden" role="status" aria-live="polite">${ghost.announcement}</div>`;
  }

  private renderStandalone() {
    const host = this.host;
    const s = this.text;
    const busy = this.generation.busy;
    const chat = host.mode === 'chat';
    const prompt = this.generation.phase === 'idle' ? host.prompt : this.shownPrompt;
    const status: StatusLine = this.configError
      ? { text: this.configError.message, progress: null, tone: 'error' }
      : describeStatus(this.engines, this.generation, s);
    // Nothing generated yet: three dots where the completion will appear.
    const pending = busy && !this.generation.text;
    return html`
      <div part="base" class="complete">
        <!-- No whitespace inside the output: it is pre-wrap, and every space would show. A labelled,
             focusable region, so keyboard users can scroll it and screen readers can find it. -->
        <div part="output" class="output" role="region" aria-label=${s.outputLabel} tabindex="0">${chat ? nothing : html`<span part="prompt" class="prompt">${prompt}</span>`}<span part="completion" class="completion ${busy ? 'streaming' : ''}">${this.generation.text}</span>${pending ? html`<span part="typing-indicator" class="typing" aria-hidden="true"><span></span><span></span><span></span></span>` : nothing}</div>
        <div class="toolbar">
          <!-- A download waited for shows here, beside the sentence, in the toolbar's height: nothing moves. -->
          <div class="state ${status.progress !== null ? 'progress-row' : ''}">${renderStatus(status)}${renderProgress(status)}</div>
          <button
            part="copy-button"
            class="secondary"
            type="button"
            ?hidden=${busy || !this.generation.text}
            @click=${this.copyValue}
          >
            ${icon(this.copied ? 'check' : 'copy')}<span>${this.copied ? s.copied : s.copy}</span>
          </button>
          <button part="run-button" class="primary" type="button" ?hidden=${busy} @click=${() => this.complete()}>
            ${s.run}
          </button>
          <button part="stop-button" class="secondary" type="button" ?hidden=${!busy} @click=${() => this.stop()}>
            ${icon('stop')}<span>${s.stop}</span>
          </button>
        </div>
      </div>
    `;
  }

  render() {
    return html`<slot @slotchange=${this.onSlotChange}></slot>${this.ghostMode ? this.renderGhost() : this.renderStandalone()}`;
  }
}
