import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import { EngineController } from '../../controllers/engine-controller.js';
import { GenerationController } from '../../controllers/generation-controller.js';
import { themeStyles } from '../../styles/theme.styles.js';
import { numberAttribute } from '../shared/attribute-converters.js';
import { cursorStyles } from '../shared/cursor.styles.js';
import { describeStatus, renderStatus } from '../shared/status.js';
import { statusStyles } from '../shared/status.styles.js';
import { completeStyles } from './complete.styles.js';

/**
 * Continues a text with the model of the nearest `<slm-provider>`: a raw continuation of
 * `prompt` (no chat template), streamed into the output token by token.
 *
 * @summary Streams a continuation of a text from a language model running in the browser.
 *
 * @csspart base - The element's frame.
 * @csspart output - The box showing the prompt and its continuation.
 * @csspart prompt - The prompt text inside the output.
 * @csspart completion - The generated continuation.
 * @csspart status - The status line (a polite live region).
 * @csspart progress - The model download progress bar.
 * @csspart run-button - The button that starts a completion.
 * @csspart stop-button - The stop button, shown while generating.
 *
 * @cssprop --slm-complete-max-height - Height at which the output starts to scroll (default `20rem`).
 * @cssprop --slm-font-family - Font of all text.
 * @cssprop --slm-color-accent - Accent colour (button, focus ring).
 *
 * @fires slm-token - Per generated token. `detail: { token, tokenId, text }`, `text` being the completion so far.
 * @fires slm-response - A completion ended. `detail: { text, reason, tokens, ttftMs, tokensPerSecond, promptTokens, error? }`.
 * @fires slm-error - A request of this element failed (load failures are reported by the provider). `detail: { code, message }`.
 */
export class SlmCompleteElement extends LitElement {
  static override styles = [themeStyles, statusStyles, cursorStyles, completeStyles];

  /** The text to continue. */
  @property() prompt = '';

  /** Upper bound on generated tokens (default 256). */
  @property({ attribute: 'max-new-tokens', converter: numberAttribute }) maxNewTokens?: number | string;

  /** Sampling temperature; `0` (the default) means greedy, deterministic decoding. */
  @property({ converter: numberAttribute }) temperature?: number | string;

  private readonly engines = new EngineController(this);
  private readonly generation = new GenerationController(this, this.engines);
  /** The prompt the shown completion belongs to. */
  private shownPrompt = '';

  /** The latest completion (streaming while it is generated). */
  get value(): string {
    return this.generation.text;
  }

  /**
   * Continues `prompt` (or this element's `prompt` attribute). Resolves with the completion
   * (partial when stopped, `''` on failure).
   */
  async complete(prompt: string = this.prompt): Promise<string> {
    this.shownPrompt = prompt;
    const result = await this.generation.run(
      { kind: 'text', prompt },
      { maxNewTokens: this.maxNewTokens, temperature: this.temperature },
    );
    return result.text;
  }

  /** Stops the completion being generated, keeping what was generated. */
  stop(): void {
    this.generation.stop();
  }

  protected override render() {
    const busy = this.generation.busy;
    const prompt = this.generation.phase === 'idle' ? this.prompt : this.shownPrompt;
    return html`
      <div part="base" class="complete">
        <!-- No whitespace inside the output: it is pre-wrap, and every space would show. -->
        <div part="output" class="output" aria-label="Completion" tabindex="0"><span part="prompt" class="prompt">${prompt}</span><span part="completion" class="completion ${busy ? 'streaming' : ''}">${this.generation.text}</span></div>
        <div class="toolbar">
          <div class="state">${renderStatus(describeStatus(this.engines, this.generation))}</div>
          <button part="run-button" class="primary" type="button" ?hidden=${busy} @click=${() => this.complete()}>
            Complete
          </button>
          <button part="stop-button" class="secondary" type="button" ?hidden=${!busy} @click=${this.stop}>Stop</button>
        </div>
      </div>
    `;
  }
}
