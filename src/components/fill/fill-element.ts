import { LitElement, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { DeferredView, LazyModule } from '../../controllers/deferred-view.js';
import { themeStyles } from '../../styles/theme.styles.js';
import { numberAttribute } from '../shared/attribute-converters.js';
import { ModelSettingsMixin } from '../shared/model-settings.js';
import { statusStyles } from '../shared/status.styles.js';
import type { FillStrings } from './fill.strings.js';
import { fillStyles } from './fill.styles.js';

/** The element's interface (`fill-view.ts`), imported when the first `<slm-fill>` connects. */
const fillView = /* @__PURE__ */ new LazyModule(() => import('./fill-view.js'));

/**
 * Fills a form from free text with the model of the nearest `<slm-provider>`: paste an email
 * signature, a message or notes into its field (or pass text to `fill()`), and the named controls
 * of the form `for` names get their values.
 *
 * It describes the form as a JSON Schema (each control's type, `required`, `min`/`max`/`step`,
 * `minlength`/`maxlength`, `pattern`, a select's or radio group's options, the label text as the
 * description), generates JSON constrained to it, and sets each control the way typing does
 * (`input` and `change` events, so React, Vue and Angular forms see the change). Controls that
 * already hold a value stay as they are unless `overwrite` is set; password, file, hidden,
 * disabled and read-only controls are never touched; a value a control would refuse
 * (`checkValidity()`) is never left in it. Filled controls get a `data-slm-filled` attribute;
 * the element lists what it filled, and `undo()` (or its Undo button) takes the whole fill back.
 *
 * Without a provider, give the element its own `model` (and optionally `device`, `dtype`,
 * `model-base-url`, `wasm-base-url`): every element on the page with the same configuration then
 * shares one engine, and this element reports `slm-progress`, `slm-ready`, `slm-warning` and `slm-error` itself.
 *
 * @summary Fills a form from pasted text, with JSON constrained to what the form accepts.
 *
 * @csspart base - The element's frame.
 * @csspart label - The label of the text field.
 * @csspart input - The text field.
 * @csspart fill-button - Fills the form from the text.
 * @csspart stop-button - Stops a fill, shown while generating.
 * @csspart undo-button - Undoes the last fill.
 * @csspart summary - The list of filled fields and their values.
 * @csspart status - The status line (a polite live region).
 * @csspart progress - The model download progress bar, beside the status line while this element waits for the model.
 * @csspart pause-button - Pauses or resumes the model download (beside the progress bar while files download).
 *
 * @cssprop --slm-font-family - Font of all text.
 * @cssprop --slm-font-family-mono - Font of filled values.
 * @cssprop --slm-font-size - Base font size.
 * @cssprop --slm-radius - Corner radius of the frame.
 * @cssprop --slm-spacing - Base spacing unit.
 * @cssprop --slm-color-background - Background of the frame.
 * @cssprop --slm-color-text - Text colour.
 * @cssprop --slm-color-text-muted - Colour of the status line and placeholder.
 * @cssprop --slm-color-border - Border colour.
 * @cssprop --slm-color-accent - Accent colour (fill button, focus ring).
 * @cssprop --slm-color-accent-text - Text on the accent colour.
 * @cssprop --slm-color-danger - Error text colour.
 * @cssprop --slm-focus-ring - Focus ring (a `box-shadow`).
 * @cssprop --slm-shadow - Shadow of the frame.
 *
 * @fires slm-fill - The form was filled. `detail: { values }`: each filled control's name and its new value.
 * @fires slm-token - Per generated token of the JSON. `detail: { token, tokenId, text }`.
 * @fires slm-response - A fill's generation ended. `detail: { text, reason, tokens, ttftMs, tokensPerSecond, promptTokens, cachedTokens, droppedMessages, json?, constraint?, error? }`.
 * @fires slm-error - A fill failed (no such form, `invalid-schema`, `length`, ...; load failures are reported by the provider). `detail: { code, message }`.
 * @fires slm-progress - Without a provider only: model files arrive.
 * @fires slm-ready - Without a provider only: the model is loaded.
 * @fires slm-warning - Without a provider only: something went wrong but the model works (see `<slm-provider>`).
 */
export class SlmFillElement extends ModelSettingsMixin(LitElement) {
  static override styles = [themeStyles, statusStyles, fillStyles];

  /** Id of the `<form>` to fill, in the same document or shadow root. */
  @property({ attribute: 'for' }) htmlFor = '';

  /** Also replace values controls already hold (by default only empty controls are filled). */
  @property({ type: Boolean }) overwrite = false;

  /** Upper bound on the tokens of the generated JSON (default 768). */
  @property({ attribute: 'max-new-tokens', converter: numberAttribute }) maxNewTokens?: number | string;

  /** Sampling temperature; `0` (the default) means greedy, deterministic decoding. */
  @property({ converter: numberAttribute }) temperature?: number | string;

  /** Overrides for any visible or announced string, and the model's instructions (translations). See `FillStrings`. */
  @property({ attribute: false }) strings: Partial<FillStrings> = {};

  /** Everything the element renders and does, once its module has arrived. */
  private readonly views = new DeferredView(this, fillView, (module) => new module.FillView(this));

  /**
   * Fills the form from `text` (default: the element's own field). Resolves with the values it
   * set, by control name (`{}` when nothing was filled: no text, a stop, a failure).
   */
  async fill(text?: string): Promise<Record<string, unknown>> {
    return (await this.views.request((view) => view.fill(text))) ?? {};
  }

  /** Undoes the last fill in one step (every control it changed gets its earlier value back). Returns whether there was one. */
  undo(): boolean {
    return this.views.view?.undo() ?? false;
  }

  /** Stops a fill that is generating; the form is left as it was. */
  stop(): void {
    this.views.stop();
  }

  /** Includes the arrival of the element's interface: after `await el.updateComplete` it is on screen. */
  protected override getUpdateComplete(): Promise<boolean> {
    return this.views.updateComplete(() => super.getUpdateComplete());
  }

  protected override render() {
    const view = this.views.view;
    if (view) return view.render();
    // Until the interface arrives: the frame, or why it cannot load.
    const failure = this.views.failure;
    return html`<div part="base" class="fill">
      ${failure ? html`<div part="status" class="status error" role="alert">${failure.message}</div>` : nothing}
    </div>`;
  }
}
