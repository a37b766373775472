import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { cssomStyle } from '../shared/cssom-style.js';
import { EngineController } from '../../controllers/engine-controller.js';
import { GenerationController } from '../../controllers/generation-controller.js';
import { GhostTextController, isTextField, type TextField } from '../../controllers/ghost-text-controller.js';
import { SlmError, type SlmErrorData } from '../../engine/errors.js';
import { parseWholeNumber } from '../../engine/options.js';
import type { ChatMessage, GenerationInput } from '../../engine/types.js';
import { SlmErrorEvent } from '../../events/slm-error.js';
import { themeStyles } from '../../styles/theme.styles.js';
import { numberAttribute } from '../shared/attribute-converters.js';
import { cursorStyles } from '../shared/cursor.styles.js';
import { describeStatus, renderStatus, type StatusLine } from '../shared/status.js';
import { statusStyles } from '../shared/status.styles.js';
import { DEFAULT_COMPLETE_STRINGS, type CompleteStrings } from './complete.strings.js';
import { completeStyles } from './complete.styles.js';
import type { CompleteMode } from './complete.types.js';
import { mirrorLayout } from './ghost-overlay.js';

/** Default pause, in milliseconds, before `autorun` completes or ghost text asks for a suggestion. */
const DEFAULT_DEBOUNCE = 300;
/** Default number of characters before the caret sent for a suggestion. */
const DEFAULT_CONTEXT_CHARS = 2000;
const MODES: readonly CompleteMode[] = ['text', 'chat'];

/**
 * Continues a text with the model of the nearest `<slm-provider>`, in one of two ways.
 *
 * **Standalone**: continues `prompt` (a raw continuation, or with `mode="chat"` the answer to it
 * as an instruction, chat template applied) and streams the completion into its output box, with
 * run, stop and copy buttons; `autorun` completes whenever `prompt` changes.
 *
 * **Ghost text**: with `for="id"` (a `<textarea>` or `<input>` in the same document or shadow
 * root) or a slotted field, it suggests a continuation of the text before the caret whenever the
 * user pauses typing, drawn as faint text after the caret. Tab (or → at the end of the text)
 * accepts it as one undoable edit, Escape dismisses it, and typing on cancels it at once. A
 * finished suggestion is announced politely, once.
 *
 * @summary Streams a continuation of a text, or suggests one inline in any textarea, from a language model running in the browser.
 *
 * @slot - A `<textarea>` or `<input>` (or an element containing one) to offer ghost text in.
 *
 * @csspart base - The frame of a standalone completion.
 * @csspart output - The box showing the prompt and its continuation.
 * @csspart prompt - The prompt text inside the output (not shown with `mode="chat"`).
 * @csspart completion - The generated continuation.
 * @csspart status - The status line (a polite live region).
 * @csspart progress - The model download progress bar.
 * @csspart run-button - The button that starts a completion.
 * @csspart stop-button - The stop button, shown while generating.
 * @csspart copy-button - Copies the completion.
 * @csspart ghost - The overlay drawn over the field for ghost text (copies the field's text layout).
 * @csspart suggestion - The suggested text inside the overlay.
 *
 * @cssprop --slm-complete-max-height - Height at which the output starts to scroll (default `20rem`).
 * @cssprop --slm-ghost-color - Colour of suggested text (default: the field's text colour at 55% opacity).
 * @cssprop --slm-ghost-z-index - Stacking order of the overlay over the field (default `1`).
 * @cssprop --slm-font-family - Font of all text.
 * @cssprop --slm-font-size - Base font size.
 * @cssprop --slm-radius - Corner radius of the frame.
 * @cssprop --slm-spacing - Base spacing unit.
 * @cssprop --slm-color-background - Background of the frame.
 * @cssprop --slm-color-surface - Background of the output.
 * @cssprop --slm-color-text - Text colour.
 * @cssprop --slm-color-text-muted - Colour of the prompt and the status line.
 * @cssprop --slm-color-border - Border colour.
 * @cssprop --slm-color-accent - Accent colour (run button, focus ring).
 * @cssprop --slm-color-accent-text - Text on the accent colour.
 * @cssprop --slm-color-danger - Error text colour.
 * @cssprop --slm-focus-ring - Focus ring (a `box-shadow`).
 * @cssprop --slm-shadow - Shadow of the frame.
 *
 * @fires slm-token - Per generated token (of completions and of suggestions). `detail: { token, tokenId, text }`, `text` being the completion so far.
 * @fires slm-response - A completion or suggestion ended. `detail: { text, reason, tokens, ttftMs, tokensPerSecond, promptTokens, cachedTokens, droppedMessages, error? }`; `reason` is `eos`, `length`, `stop` (a stop sequence), `stopped` or `error`.
 * @fires slm-error - A request of this element failed, or an attribute has an invalid value (load failures are reported by the provider). `detail: { code, message }`.
 * @fires slm-progress - Without a provider only: model files arrive.
 * @fires slm-ready - Without a provider only: the model is loaded.
 * @fires slm-warning - Without a provider only: something went wrong but the model works (see `<slm-provider>`).
 */
export class SlmCompleteElement extends LitElement {
  static override styles = [themeStyles, statusStyles, cursorStyles, completeStyles];

  /** The text to continue (standalone), or the instruction to answer with `mode="chat"`. */
  @property() prompt = '';

  /** `text` (default): raw continuation of `prompt`; `chat`: the chat template is applied and `prompt` is the user message. */
  @property() mode: CompleteMode = 'text';

  /** With `mode="chat"`: instructions sent as the system message. */
  @property({ attribute: 'system-prompt' }) systemPrompt = '';

  /** Upper bound on generated tokens (default 256 for completions, 24 for ghost-text suggestions). */
  @property({ attribute: 'max-new-tokens', converter: numberAttribute }) maxNewTokens?: number | string;

  /** Sampling temperature; `0` (the default) means greedy, deterministic decoding. */
  @property({ converter: numberAttribute }) temperature?: number | string;

  /** Ends a completion at the first of these strings (cut before it): a JSON array of strings, or one string where `\n` means a line break. Ghost text defaults to a line break in an `<input>`, a blank line in a `<textarea>`. */
  @property({ attribute: 'stop-sequences' }) stopSequences?: string | string[];

  /** Complete automatically whenever `prompt` changes (after `debounce` ms without a further change). */
  @property({ type: Boolean }) autorun = false;

  /** Pause in milliseconds before `autorun` completes, or before ghost text asks for a suggestion (default 300). */
  @property({ converter: numberAttribute }) debounce?: number | string;

  /** Id of a `<textarea>` or `<input>` in the same document or shadow root to offer ghost text in. */
  @property({ attribute: 'for' }) htmlFor = '';

  /** Ghost text: how many characters before the caret are sent to the model (default 2000). */
  @property({ attribute: 'context-chars', converter: numberAttribute }) contextChars?: number | string;

  /** Reserved for fill-in-the-middle suggestions that also see the text after the caret; not supported yet (setting it reports an `invalid-option` error). */
  @property({ attribute: 'suffix-aware', type: Boolean }) suffixAware = false;

  /** Overrides for any visible or announced string (translations). See `CompleteStrings`. */
  @property({ attribute: false }) strings: Partial<CompleteStrings> = {};

  /** A field slotted into the element (ghost text wraps it). */
  @state() private slotted: TextField | null = null;
  /** The copy button's feedback is showing. */
  @state() private copied = false;
  /** An invalid attribute value, shown in the status line until corrected. */
  @state() private configError: SlmErrorData | null = null;

  private readonly engines = new EngineController(this);
  private readonly generation = new GenerationController(this, this.engines);
  private readonly ghost = new GhostTextController(this, this.engines, () => ({
    debounce: this.debounceMs,
    contextChars: this.contextCharCount,
    generation: {
      maxNewTokens: this.maxNewTokens,
      temperature: this.temperature,
      stopSequences: this.stopSequences,
    },
    suggestionAnnouncement: this.text.suggestion,
    acceptedAnnouncement: this.text.accepted,
  }));
  /** The prompt the shown completion belongs to. */
  private shownPrompt = '';
  private autorunTimer: ReturnType<typeof setTimeout> | undefined;
  private debounceMs = DEFAULT_DEBOUNCE;
  private contextCharCount = DEFAULT_CONTEXT_CHARS;
  /** Root (document or shadow root) whose `focusin` re-finds the `for` field. */
  private observedRoot: Document | ShadowRoot | undefined;
  private followingLayout = false;

  /** The latest completion (growing while it streams). Setting it replaces the shown completion and stops a running one. */
  get value(): string {
    return this.generation.text;
  }
  set value(text: string) {
    this.generation.reset();
    this.generation.text = String(text ?? '');
    this.requestUpdate();
  }

  /** Ghost text: the suggestion on screen (growing while it streams), or `''`. */
  get suggestion(): string {
    return this.ghost.visible ? this.ghost.suggestion : '';
  }

  /** Ghost text: the `<textarea>` or `<input>` this element suggests in, or `null`. */
  get field(): TextField | null {
    return this.ghost.field;
  }

  /** All strings, defaults merged with `strings`. */
  private get text(): CompleteStrings {
    return { ...DEFAULT_COMPLETE_STRINGS, ...this.strings };
  }

  /** Whether the element works as ghost text for a field rather than as a standalone completion. */
  private get ghostMode(): boolean {
    // A removed attribute leaves `null` behind.
    return !!this.htmlFor || this.slotted !== null;
  }

  /**
   * Continues `prompt` (or this element's `prompt` attribute); with `mode="chat"`, answers it.
   * Resolves with the completion (partial when stopped, `''` on failure).
   */
  async complete(prompt: string = this.prompt ?? ''): Promise<string> {
    clearTimeout(this.autorunTimer);
    this.shownPrompt = prompt;
    const input: GenerationInput =
      this.mode === 'chat'
        ? {
            kind: 'chat',
            messages: [
              ...(this.systemPrompt ? [{ role: 'system', content: this.systemPrompt } satisfies ChatMessage] : []),
              { role: 'user', content: prompt },
            ],
          }
        : { kind: 'text', prompt };
    const result = await this.generation.run(
      input,
      { maxNewTokens: this.maxNewTokens, temperature: this.temperature, stopSequences: this.stopSequences },
      // A completion yields to chats waiting for the same model.
      { priority: 'background' },
    );
    return result.text;
  }

  /** Stops the completion being generated (keeping what was generated) and any pending suggestion. */
  stop(): void {
    clearTimeout(this.autorunTimer);
    this.generation.stop();
    this.ghost.dismiss();
  }

  /** Ghost text: asks for a suggestion now, without waiting for a pause (the field must have focus). */
  suggest(): void {
    this.ghost.request();
  }

  /** Ghost text: inserts the visible suggestion at the caret as one undoable edit. Returns whether it did. */
  accept(): boolean {
    return this.ghost.accept();
  }

  /** Ghost text: hides the suggestion and cancels a pending one. */
  dismiss(): void {
    this.ghost.dismiss();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.observedRoot = this.getRootNode() as Document | ShadowRoot;
    this.observedRoot.addEventListener('focusin', this.onRootFocusIn);
    if (this.hasUpdated) this.findField();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.autorunTimer);
    this.observedRoot?.removeEventListener('focusin', this.onRootFocusIn);
    this.observedRoot = undefined;
    this.followLayout(false);
    this.ghost.attach(null);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('debounce') || changed.has('contextChars') || changed.has('mode') || changed.has('suffixAware')) {
      this.validate();
    }
    if (changed.has('htmlFor')) this.findField();
    if (this.autorun && !this.ghostMode && (changed.has('prompt') || changed.has('autorun'))) this.scheduleAutorun();
  }

  protected override updated(): void {
    // While a suggestion shows, the overlay follows the page's scrolling and resizing.
    this.followLayout(this.ghost.suggestion !== '');
  }

  /** Checks attribute values; a bad one is reported once and its default used meanwhile. */
  private validate(): void {
    const debounce = parseWholeNumber('debounce', this.debounce, DEFAULT_DEBOUNCE);
    const contextChars = parseWholeNumber('context-chars', this.contextChars, DEFAULT_CONTEXT_CHARS, 1);
    this.debounceMs = debounce.ok ? debounce.value : DEFAULT_DEBOUNCE;
    this.contextCharCount = contextChars.ok ? contextChars.value : DEFAULT_CONTEXT_CHARS;
    let error: SlmError | undefined;
    if (!debounce.ok) error = debounce.error;
    else if (!contextChars.ok) error = contextChars.error;
    else if (this.mode && !MODES.includes(this.mode)) {
      error = new SlmError('invalid-option', `mode="${this.mode}" is not supported: use one of "text", "chat".`);
    } else if (this.suffixAware) {
      error = new SlmError(
        'invalid-option',
        'suffix-aware (fill-in-the-middle) is not supported yet: suggestions continue the text before the caret.',
      );
    }
    // Each new problem is reported once; the status line shows it until it is corrected.
    if (error && error.message !== this.configError?.message) this.dispatchEvent(new SlmErrorEvent(error.toJSON()));
    this.configError = error?.toJSON() ?? null;
  }

  /** Clears a completion that no longer matches `prompt` and completes the new one after a pause. */
  private scheduleAutorun(): void {
    clearTimeout(this.autorunTimer);
    if (this.generation.busy || this.generation.text) this.generation.reset();
    if (!this.prompt?.trim()) return;
    this.autorunTimer = setTimeout(() => void this.complete(), this.debounceMs);
  }

  /** Attaches ghost text to the `for` field, or to a slotted field. */
  private findField(): void {
    let field: TextField | null = this.slotted;
    if (this.htmlFor) {
      const target = (this.getRootNode() as Document | ShadowRoot).getElementById?.(this.htmlFor);
      field = isTextField(target) ? target : null;
    }
    this.ghost.attach(field);
  }

  private onSlotChange(event: Event): void {
    const slot = event.target as HTMLSlotElement;
    let found: TextField | null = null;
    for (const element of slot.assignedElements({ flatten: true })) {
      const candidate = isTextField(element) ? element : element.querySelector('textarea, input');
      if (isTextField(candidate)) {
        found = candidate;
        break;
      }
    }
    this.slotted = found;
    this.findField();
  }

  /** A `for` field added (or replaced) after this element is found when it gets focus. */
  private readonly onRootFocusIn = (event: Event) => {
    const target = event.target as Element;
    if (this.htmlFor && target !== this.ghost.field && target.id === this.htmlFor && isTextField(target)) {
      this.ghost.attach(target);
    }
  };

  private readonly onLayoutChange = () => this.requestUpdate();

  private followLayout(on: boolean): void {
    if (on === this.followingLayout) return;
    this.followingLayout = on;
    const method = on ? 'addEventListener' : 'removeEventListener';
    window[method]('resize', this.onLayoutChange);
    // Capture: scroll events do not bubble, and any scrolling ancestor may move the field.
    document[method]('scroll', this.onLayoutChange, true);
  }

  private async copyValue(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.value);
    } catch {
      // Clipboard access can be refused (permissions, insecure context); nothing else to do.
    }
    this.copied = true;
    setTimeout(() => (this.copied = false), 1500);
  }

  private renderGhost() {
    const ghost = this.ghost;
    const field = ghost.field;
    const anchor = this.renderRoot.querySelector('.anchor');
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
    const s = this.text;
    const busy = this.generation.busy;
    const chat = this.mode === 'chat';
    const prompt = this.generation.phase === 'idle' ? this.prompt : this.shownPrompt;
    const status: StatusLine = this.configError
      ? { text: this.configError.message, progress: null, tone: 'error' }
      : describeStatus(this.engines, this.generation, s);
    return html`
      <div part="base" class="complete">
        <!-- No whitespace inside the output: it is pre-wrap, and every space would show. A labelled,
             focusable region, so keyboard users can scroll it and screen readers can find it. -->
        <div part="output" class="output" role="region" aria-label=${s.outputLabel} tabindex="0">${chat ? nothing : html`<span part="prompt" class="prompt">${prompt}</span>`}<span part="completion" class="completion ${busy ? 'streaming' : ''}">${this.generation.text}</span></div>
        <div class="toolbar">
          <div class="state">${renderStatus(status)}</div>
          <button
            part="copy-button"
            class="secondary"
            type="button"
            ?hidden=${busy || !this.generation.text}
            @click=${this.copyValue}
          >
            ${this.copied ? s.copied : s.copy}
          </button>
          <button part="run-button" class="primary" type="button" ?hidden=${busy} @click=${() => this.complete()}>
            ${s.run}
          </button>
          <button part="stop-button" class="secondary" type="button" ?hidden=${!busy} @click=${this.stop}>${s.stop}</button>
        </div>
      </div>
    `;
  }

  protected override render() {
    return html`<slot @slotchange=${this.onSlotChange}></slot>${this.ghostMode ? this.renderGhost() : this.renderStandalone()}`;
  }
}
