import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { DeferredView, LazyModule } from '../../controllers/deferred-view.js';
import { themeStyles } from '../../styles/theme.styles.js';
import { numberAttribute } from '../shared/attribute-converters.js';
import { ModelSettingsMixin } from '../shared/model-settings.js';
import { statusStyles } from '../shared/status.styles.js';
import type { CompleteStrings } from './complete.strings.js';
import { completeStyles } from './complete.styles.js';
import type { CompleteMode, TextField } from './complete.types.js';
import type { JsonSchema } from '../../engine/shared/structured.js';

/** The element's interface (`complete-view.ts`), imported when the first `<slm-complete>` connects. */
const completeView = /* @__PURE__ */ new LazyModule(() => import('./complete-view.js'));

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
 * Without a provider, give the element its own `model` (and optionally `device`, `dtype`,
 * `model-base-url`, `wasm-base-url`): every element on the page with the same configuration then
 * shares one engine, and this element reports `slm-progress`, `slm-ready`, `slm-warning` and `slm-error` itself.
 *
 * @summary Streams a continuation of a text, or suggests one inline in any textarea, from a language model running in the browser.
 *
 * @slot - A `<textarea>` or `<input>` (or an element containing one) to offer ghost text in.
 *
 * @csspart base - The frame of a standalone completion.
 * @csspart output - The box showing the prompt and its continuation.
 * @csspart prompt - The prompt text inside the output (not shown with `mode="chat"`).
 * @csspart completion - The generated continuation.
 * @csspart typing-indicator - Three dots after the prompt while nothing is generated yet.
 * @csspart status - The status line (a polite live region): this element's state and failures, not those of requests it did not make.
 * @csspart progress - The model download progress bar, beside the status line while this element waits for the model.
 * @csspart pause-button - Pauses or resumes the model download (beside the progress bar while files download).
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
 * @fires slm-response - A completion or suggestion ended. `detail: { text, reason, tokens, ttftMs, tokensPerSecond, promptTokens, cachedTokens, droppedMessages, json?, constraint?, error? }`; `reason` is `eos`, `length`, `stop` (a stop sequence), `stopped` or `error`; with a `schema`, `json` is the completion parsed.
 * @fires slm-error - A request of this element failed, or an attribute has an invalid value (load failures are reported by the provider). `detail: { code, message }`.
 * @fires slm-progress - Without a provider only: model files arrive.
 * @fires slm-ready - Without a provider only: the model is loaded.
 * @fires slm-warning - Without a provider only: something went wrong but the model works (see `<slm-provider>`).
 */
export class SlmCompleteElement extends ModelSettingsMixin(LitElement) {
  static override styles = [themeStyles, statusStyles, completeStyles];

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

  /**
   * A JSON Schema the completion must follow (attribute: the schema as JSON text; property: an
   * object). The output then always parses and validates; `slm-response` carries it parsed as
   * `json`. A schema the grammar engine cannot enforce fails with `invalid-schema`; a completion
   * cut off by `max-new-tokens` fails with `length`. Not used for ghost text.
   */
  @property() schema?: string | JsonSchema;

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

  /** Everything the element renders and does, once its module has arrived. */
  private readonly views = new DeferredView(this, completeView, (module) => {
    const view = new module.CompleteView(this);
    if (this.earlyValue !== undefined) view.value = this.earlyValue;
    this.earlyValue = undefined;
    return view;
  });
  /** A `value` set before the view arrived (a framework setting the property at creation). */
  private earlyValue: string | undefined;

  /** The latest completion (growing while it streams). Setting it replaces the shown completion and stops a running one. */
  get value(): string {
    return this.views.view?.value ?? this.earlyValue ?? '';
  }
  set value(text: string) {
    if (this.views.view) this.views.view.value = text;
    else this.earlyValue = String(text ?? '');
  }

  /** Ghost text: the suggestion on screen (growing while it streams), or `''`. */
  get suggestion(): string {
    return this.views.view?.suggestion ?? '';
  }

  /** Ghost text: the `<textarea>` or `<input>` this element suggests in, or `null`. */
  get field(): TextField | null {
    return this.views.view?.field ?? null;
  }

  /**
   * Continues `prompt` (or this element's `prompt` attribute); with `mode="chat"`, answers it.
   * Resolves with the completion (partial when stopped, `''` on failure).
   */
  async complete(prompt?: string): Promise<string> {
    return (await this.views.request((view) => view.complete(prompt))) ?? '';
  }

  /** Stops the completion being generated (keeping what was generated) and any pending suggestion. */
  stop(): void {
    this.views.stop();
  }

  /** Ghost text: asks for a suggestion now, without waiting for a pause (the field must have focus). */
  suggest(): void {
    this.views.when((view) => view.suggest());
  }

  /** Ghost text: inserts the visible suggestion at the caret as one undoable edit. Returns whether it did. */
  accept(): boolean {
    return this.views.view?.accept() ?? false;
  }

  /** Ghost text: hides the suggestion and cancels a pending one. */
  dismiss(): void {
    this.views.view?.dismiss();
  }

  /** Includes the arrival of the element's interface: after `await el.updateComplete` it is on screen. */
  protected override getUpdateComplete(): Promise<boolean> {
    return this.views.updateComplete(() => super.getUpdateComplete());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.views.view?.willUpdate(changed);
  }

  protected override render() {
    const view = this.views.view;
    if (view) return view.render();
    // Until the interface arrives: a slotted field stays where it is, a standalone completion
    // shows its frame and prompt at the size it will have, and a failure is said where the
    // status line goes.
    const failure = this.views.failure;
    const status = failure ? html`<div part="status" class="status error" role="alert">${failure.message}</div>` : nothing;
    if (this.htmlFor || this.querySelector('textarea, input')) return html`<slot></slot>${status}`;
    return html`<slot></slot>
      <div part="base" class="complete">
        <div part="output" class="output">${this.mode === 'chat' ? nothing : html`<span part="prompt" class="prompt">${this.prompt}</span>`}</div>
        <div class="toolbar">${status}</div>
      </div>`;
  }
}
