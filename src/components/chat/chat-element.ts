import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { EngineController } from '../../controllers/engine-controller.js';
import { GenerationController } from '../../controllers/generation-controller.js';
import type { ChatMessage } from '../../engine/types.js';
import { themeStyles } from '../../styles/theme.styles.js';
import { numberAttribute } from '../shared/attribute-converters.js';
import { describeStatus, renderStatus } from '../shared/status.js';
import { cursorStyles } from '../shared/cursor.styles.js';
import { statusStyles } from '../shared/status.styles.js';
import { chatStyles } from './chat.styles.js';

/**
 * A chat with the model of the nearest `<slm-provider>`. Replies stream into the transcript token
 * by token; nothing leaves the device.
 *
 * @summary A streaming chat with a language model running in the visitor's browser.
 *
 * @slot empty - Shown while the conversation is empty.
 *
 * @csspart base - The chat's frame.
 * @csspart log - The transcript (`role="log"`).
 * @csspart message - Every message; also `user-message` or `assistant-message`.
 * @csspart user-message - A message the user sent.
 * @csspart assistant-message - A reply of the model.
 * @csspart error - The error shown after a failed request, with a retry button.
 * @csspart status - The status line (a polite live region).
 * @csspart progress - The model download progress bar.
 * @csspart input - The message field.
 * @csspart send-button - The send button.
 * @csspart stop-button - The stop button, shown while a reply is generated.
 *
 * @cssprop --slm-chat-height - Height of the chat (default `32rem`).
 * @cssprop --slm-font-family - Font of all text.
 * @cssprop --slm-font-size - Base font size.
 * @cssprop --slm-radius - Corner radius of the frame and bubbles.
 * @cssprop --slm-spacing - Base spacing unit.
 * @cssprop --slm-color-background - Background of the frame.
 * @cssprop --slm-color-surface - Background of assistant bubbles and tracks.
 * @cssprop --slm-color-text - Main text colour.
 * @cssprop --slm-color-text-muted - Secondary text colour.
 * @cssprop --slm-color-border - Border colour.
 * @cssprop --slm-color-accent - Accent colour (buttons, user bubbles, focus ring).
 * @cssprop --slm-color-accent-text - Text on the accent colour.
 * @cssprop --slm-color-user-background - Background of user bubbles.
 * @cssprop --slm-color-user-text - Text of user bubbles.
 * @cssprop --slm-color-assistant-background - Background of assistant bubbles.
 * @cssprop --slm-color-assistant-text - Text of assistant bubbles.
 * @cssprop --slm-color-danger - Error text colour.
 * @cssprop --slm-color-danger-background - Error background.
 *
 * @fires slm-token - Per generated token. `detail: { token, tokenId, text }`, `text` being the reply so far.
 * @fires slm-response - A reply ended. `detail: { text, reason, tokens, ttftMs, tokensPerSecond, promptTokens, error? }`.
 * @fires slm-error - A request of this chat failed (load failures are reported by the provider). `detail: { code, message }`.
 */
export class SlmChatElement extends LitElement {
  static override styles = [themeStyles, statusStyles, cursorStyles, chatStyles];

  /** Instructions sent as the conversation's system message (not shown in the transcript). */
  @property({ attribute: 'system-prompt' }) systemPrompt = '';

  /** Upper bound on the tokens of one reply (default 256). */
  @property({ attribute: 'max-new-tokens', converter: numberAttribute }) maxNewTokens?: number | string;

  /** Sampling temperature; `0` (the default) means greedy, deterministic decoding. */
  @property({ converter: numberAttribute }) temperature?: number | string;

  /** Placeholder of the message field. */
  @property() placeholder = 'Message…';

  /** The conversation: user and assistant turns, the reply being generated included. */
  @property({ attribute: false }) messages: ChatMessage[] = [];

  /** The text in the message field. */
  @state() private draft = '';

  @query('textarea') private input?: HTMLTextAreaElement;
  @query('.log') private log?: HTMLElement;

  private readonly engines = new EngineController(this);
  private readonly generation = new GenerationController(this, this.engines);

  /**
   * Sends a user message and streams the reply into the transcript. A reply still streaming is
   * stopped first (and kept). Resolves with the full reply (partial when stopped, `''` on failure).
   */
  async send(text: string = this.draft): Promise<string> {
    const content = text.trim();
    if (!content) return '';
    if (text === this.draft) this.draft = '';
    if (this.generation.busy) await this.generation.settle();
    this.messages = [...this.messages, { role: 'user', content }];
    return this.reply();
  }

  /** Stops the reply being generated; the partial reply stays in the transcript. */
  stop(): void {
    this.generation.stop();
  }

  /** Stops any reply and empties the conversation. */
  clear(): void {
    this.generation.reset();
    this.messages = [];
  }

  /** Generates the assistant's answer to the conversation as it stands. */
  private async reply(): Promise<string> {
    const history: ChatMessage[] = [
      ...(this.systemPrompt ? [{ role: 'system' as const, content: this.systemPrompt }] : []),
      ...this.messages,
    ];
    const answer: ChatMessage = { role: 'assistant', content: '' };
    this.messages = [...this.messages, answer];
    const result = await this.generation.run(
      { kind: 'chat', messages: history },
      { maxNewTokens: this.maxNewTokens, temperature: this.temperature },
      {
        onText: (text) => {
          // Updated in place: the array keeps its identity while one reply streams.
          answer.content = text;
          this.scrollToEnd();
        },
      },
    );
    answer.content = result.text;
    if (!answer.content && result.reason === 'error') {
      // Keep the user's message; drop only the empty reply bubble.
      this.messages = this.messages.filter((message) => message !== answer);
    } else {
      this.messages = [...this.messages];
    }
    return result.text;
  }

  /** Retries after a failure: answers the last user message again. */
  private retry(): void {
    const last = this.messages.at(-1);
    if (last?.role === 'user') void this.reply();
  }

  private scrollToEnd(): void {
    const log = this.log;
    if (!log) return;
    // Follow the reply only while the reader is at the bottom; never yank them back while reading.
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
    if (nearBottom) requestAnimationFrame(() => (log.scrollTop = log.scrollHeight));
  }

  private onKeyDown(event: KeyboardEvent): void {
    // Enter sends, Shift+Enter adds a line; never send while an IME is composing a character.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      if (!this.generation.busy) void this.send();
    } else if (event.key === 'Escape' && this.generation.busy) {
      event.preventDefault();
      this.stop();
    }
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.generation.busy) return;
    void this.send();
    this.input?.focus();
  }

  protected override render() {
    const busy = this.generation.busy;
    const status = describeStatus(this.engines, this.generation);
    const pending = busy ? this.messages.at(-1) : undefined;
    return html`
      <div part="base" class="chat">
        <div part="log" class="log" role="log" aria-label="Conversation" aria-live="off" tabindex="0">
          ${this.messages.length === 0
            ? html`<div class="empty"><slot name="empty">Ask anything. The model runs on this device.</slot></div>`
            : nothing}
          ${repeat(
            this.messages,
            (message) => message,
            (message) => html`<div
              part="message ${message.role}-message"
              class="message ${message.role} ${message === pending && message.role === 'assistant' ? 'streaming' : ''}"
            >${message.content}</div>`,
          )}
          ${this.generation.phase === 'error' && this.generation.error
            ? html`<div part="error" class="error">
                <span>${this.generation.error.message}</span>
                ${this.messages.at(-1)?.role === 'user'
                  ? html`<button class="secondary" type="button" @click=${this.retry}>Retry</button>`
                  : nothing}
              </div>`
            : nothing}
        </div>
        <div class="footer">
          ${renderStatus(status)}
          <form class="composer" @submit=${this.onSubmit}>
            <textarea
              part="input"
              rows="1"
              aria-label="Message"
              placeholder=${this.placeholder}
              .value=${live(this.draft)}
              @input=${(event: InputEvent) => (this.draft = (event.target as HTMLTextAreaElement).value)}
              @keydown=${this.onKeyDown}
            ></textarea>
            <button
              part="send-button"
              class="primary"
              type="submit"
              ?hidden=${busy}
              aria-disabled=${this.draft.trim() ? 'false' : 'true'}
            >
              Send
            </button>
            <button part="stop-button" class="secondary" type="button" ?hidden=${!busy} @click=${this.stop}>
              Stop
            </button>
          </form>
        </div>
      </div>
    `;
  }
}
