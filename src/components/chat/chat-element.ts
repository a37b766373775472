import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { EngineController } from '../../controllers/engine-controller.js';
import { GenerationController } from '../../controllers/generation-controller.js';
import type { ChatMessage } from '../../engine/types.js';
import { SlmClearEvent } from '../../events/slm-clear.js';
import type { SlmResponseDetail } from '../../events/slm-response.js';
import { SlmSendEvent } from '../../events/slm-send.js';
import { themeStyles } from '../../styles/theme.styles.js';
import { numberAttribute } from '../shared/attribute-converters.js';
import { cursorStyles } from '../shared/cursor.styles.js';
import { format, formatBytes } from '../shared/format.js';
import { loadMarkdownRenderer, markdown, markdownRenderer, markdownStyleSheet } from '../shared/markdown-directive.js';
import { describeStatus, renderStatus } from '../shared/status.js';
import { statusStyles } from '../shared/status.styles.js';
import { loadConversation, saveConversation } from './chat-storage.js';
import { DEFAULT_CHAT_STRINGS, type ChatStrings } from './chat.strings.js';
import { chatStyles } from './chat.styles.js';

let instances = 0;

/**
 * A chat with the model of the nearest `<slm-provider>`. Replies stream into the transcript token
 * by token and are rendered as safe markdown; follow-up turns reuse the model's cache of the
 * conversation so they do not process the history again. Nothing leaves the device.
 *
 * @summary A streaming chat with a language model running in the visitor's browser.
 *
 * Without a provider, give the chat its own `model` (and optionally `device`, `dtype`,
 * `model-base-url`, `wasm-base-url`): every element on the page with the same configuration then
 * shares one engine, and the chat reports `slm-progress`, `slm-ready`, `slm-warning` and `slm-error` itself.
 *
 * @attr {string} model - Without a provider: the model to load (see `<slm-provider>`'s attribute of that name).
 * @attr {string} device - Without a provider: `auto`, `webgpu` or `wasm`.
 * @attr {string} dtype - Without a provider: `auto`, `fp32`, `fp16`, `q8`, `q4` or `q4f16`.
 * @attr {string} model-base-url - Without a provider: self-hosted model files.
 * @attr {string} wasm-base-url - Without a provider: self-hosted ONNX Runtime files.
 *
 * @slot header - Above the transcript (a title, a model picker, ...).
 * @slot empty - Shown while the conversation is empty.
 * @slot footer - Below the message field (a disclaimer, links, ...).
 *
 * @csspart base - The chat's frame.
 * @csspart log - The transcript (`role="log"`).
 * @csspart message - Every message; also `user-message` or `assistant-message`.
 * @csspart user-message - A message the user sent.
 * @csspart assistant-message - A reply of the model.
 * @csspart message-content - The text of a message.
 * @csspart message-actions - The row of buttons under a message.
 * @csspart action-button - Every button in that row; also `edit-button`, `regenerate-button` or `copy-button`.
 * @csspart edit-button - Edits a user message.
 * @csspart regenerate-button - Generates the last reply again.
 * @csspart copy-button - Copies a reply.
 * @csspart code-block - A fenced code block in a reply.
 * @csspart code-copy-button - The copy button of a code block.
 * @csspart stats - Token count and speed under a reply (`show-stats`).
 * @csspart notice - A note in the transcript (older messages left out).
 * @csspart error - The error shown after a failed request, with a retry button.
 * @csspart retry-button - The retry button.
 * @csspart empty - The empty state.
 * @csspart status - The status line (a polite live region).
 * @csspart progress - The model download progress bar.
 * @csspart composer - The area with the message field and buttons.
 * @csspart editing - The banner shown while an earlier message is edited.
 * @csspart input - The message field.
 * @csspart send-button - The send button.
 * @csspart stop-button - The stop button, shown while a reply is generated.
 * @csspart clear-button - Empties the conversation.
 *
 * @cssprop --slm-chat-height - Height of the chat (default `32rem`).
 * @cssprop --slm-font-family - Font of all text.
 * @cssprop --slm-font-family-mono - Font of code.
 * @cssprop --slm-font-size - Base font size.
 * @cssprop --slm-radius - Corner radius of the frame and bubbles.
 * @cssprop --slm-spacing - Base spacing unit.
 * @cssprop --slm-color-background - Background of the frame.
 * @cssprop --slm-color-surface - Background of assistant bubbles and code.
 * @cssprop --slm-color-text - Main text colour.
 * @cssprop --slm-color-text-muted - Secondary text colour.
 * @cssprop --slm-color-border - Border colour.
 * @cssprop --slm-color-accent - Accent colour (buttons, user bubbles, links, focus ring).
 * @cssprop --slm-color-accent-text - Text on the accent colour.
 * @cssprop --slm-color-user-background - Background of user bubbles.
 * @cssprop --slm-color-user-text - Text of user bubbles.
 * @cssprop --slm-color-assistant-background - Background of assistant bubbles.
 * @cssprop --slm-color-assistant-text - Text of assistant bubbles.
 * @cssprop --slm-color-danger - Error text colour.
 * @cssprop --slm-color-danger-background - Error background.
 * @cssprop --slm-focus-ring - Focus ring (a `box-shadow`).
 * @cssprop --slm-shadow - Shadow of the frame.
 *
 * @fires slm-send - Before a user message is sent; cancelable, `detail.text` may be changed.
 * @fires slm-token - Per generated token. `detail: { token, tokenId, text }`, `text` being the reply so far.
 * @fires slm-response - A reply ended (`messages` already holds it, or no longer holds an empty reply after a failure). `detail: { text, reason, tokens, ttftMs, tokensPerSecond, promptTokens, cachedTokens, droppedMessages, error? }`.
 * @fires slm-error - A request of this chat failed (load failures are reported by the provider). `detail: { code, message }`.
 * @fires slm-clear - The conversation was cleared. `detail: { messages }` (what was removed).
 * @fires slm-progress - Without a provider only: model files arrive.
 * @fires slm-ready - Without a provider only: the model is loaded.
 * @fires slm-warning - Without a provider only: something went wrong but the model works (see `<slm-provider>`).
 */
export class SlmChatElement extends LitElement {
  // The markdown styles arrive with the renderer (see `useMarkdownRenderer`).
  static override styles = [themeStyles, statusStyles, cursorStyles, chatStyles];

  /** Instructions sent as the conversation's system message (not shown in the transcript). */
  @property({ attribute: 'system-prompt' }) systemPrompt = '';

  /** Upper bound on the tokens of one reply (default 256). */
  @property({ attribute: 'max-new-tokens', converter: numberAttribute }) maxNewTokens?: number | string;

  /** Sampling temperature; `0` (the default) means greedy, deterministic decoding. */
  @property({ converter: numberAttribute }) temperature?: number | string;

  /** Token budget for the conversation plus the reply; older messages are left out beyond it. Default: the model's context length. */
  @property({ attribute: 'context-window', converter: numberAttribute }) contextWindow?: number | string;

  /** `on` (default) renders replies as markdown; `off` shows them as plain text. */
  @property() markdown: 'on' | 'off' = 'on';

  /** Show token count, speed and time to first token under each reply. */
  @property({ attribute: 'show-stats', type: Boolean }) showStats = false;

  /** Keep the conversation in this browser (`localStorage`) under this key and restore it on load. */
  @property() persist = '';

  /** Placeholder of the message field (shorthand for `strings.placeholder`). */
  @property() placeholder?: string;

  /** Overrides for any visible or announced string (translations). See `ChatStrings`. */
  @property({ attribute: false }) strings: Partial<ChatStrings> = {};

  /** The conversation: user and assistant turns, the reply being generated included. */
  @property({ attribute: false }) messages: ChatMessage[] = [];

  /** The text in the message field. */
  @state() private draft = '';
  /** Index of the user message being edited, or `null`. */
  @state() private editing: number | null = null;
  /** What the engine said about downloading the model (asked on first interaction). */
  @state() private footprint: { cached: boolean; bytes: number | null } | null = null;
  /** The message whose "Copy" was just used. */
  @state() private copied: ChatMessage | null = null;

  @query('textarea') private input?: HTMLTextAreaElement;
  @query('.log') private log?: HTMLElement;
  /** The markdown renderer's styles are adopted (see `useMarkdownRenderer`). */
  private adoptedMarkdown = false;
  /** The transcript is scrolled to its end (follows new text). */
  private pinned = true;
  private scrollQueued = false;

  private readonly engines = new EngineController(this);
  private readonly generation = new GenerationController(this, this.engines);
  /** This chat's slot in the engine's conversation caches. */
  private readonly conversationId = `slm-chat-${++instances}`;
  /** Figures of each finished reply, for `show-stats` and the "left out" notice. */
  private readonly results = new WeakMap<ChatMessage, SlmResponseDetail>();
  private askedFootprint = false;

  /** All strings, defaults merged with `strings` and `placeholder`. */
  private get text(): ChatStrings {
    return {
      ...DEFAULT_CHAT_STRINGS,
      ...this.strings,
      ...(this.placeholder !== undefined ? { placeholder: this.placeholder } : {}),
    };
  }

  /**
   * Sends a user message and streams the reply into the transcript. A reply still streaming is
   * stopped first (and kept). Resolves with the full reply (partial when stopped, `''` on failure
   * or when an `slm-send` listener cancelled the message).
   */
  async send(text: string = this.draft): Promise<string> {
    const event = new SlmSendEvent({ text });
    if (!this.dispatchEvent(event)) return '';
    const content = event.detail.text.trim();
    if (!content) return '';
    if (text === this.draft) this.draft = '';
    if (this.generation.busy) await this.generation.settle();
    if (this.editing !== null) {
      // Sending while editing replaces that message and everything after it.
      this.messages = this.messages.slice(0, this.editing);
      this.editing = null;
      this.draft = '';
    }
    this.messages = [...this.messages, { role: 'user', content }];
    return this.reply();
  }

  /** Stops the reply being generated; the partial reply stays in the transcript. */
  stop(): void {
    this.generation.stop();
  }

  /** Generates the last reply again (the last user message is answered anew). */
  async regenerate(): Promise<string> {
    if (this.generation.busy) await this.generation.settle();
    const last = this.messages.at(-1);
    if (!last) return '';
    if (last.role === 'assistant') this.messages = this.messages.slice(0, -1);
    return this.messages.at(-1)?.role === 'user' ? this.reply() : '';
  }

  /**
   * Starts editing the user message at `index`: its text moves into the field, and sending
   * replaces it and everything after it.
   */
  edit(index: number): void {
    const message = this.messages[index];
    if (message?.role !== 'user') return;
    this.stop();
    this.editing = index;
    this.draft = message.content;
    void this.updateComplete.then(() => {
      this.input?.focus();
      this.input?.setSelectionRange(this.draft.length, this.draft.length);
    });
  }

  /** Stops any reply and empties the conversation. */
  clear(): void {
    const removed = this.messages;
    this.generation.reset();
    this.engines.engine?.releaseConversation(this.conversationId);
    this.messages = [];
    this.editing = null;
    this.dispatchEvent(new SlmClearEvent({ messages: removed }));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('focusin', this.askFootprint);
    this.addEventListener('pointerenter', this.askFootprint);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('focusin', this.askFootprint);
    this.removeEventListener('pointerenter', this.askFootprint);
    this.engines.engine?.releaseConversation(this.conversationId);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('markdown') && this.markdown !== 'off' && !this.adoptedMarkdown) void this.useMarkdownRenderer();
    // Restore before the first render, so a persisted transcript never flashes empty.
    if (changed.has('persist') && this.persist) {
      const stored = loadConversation(this.persist);
      if (stored && this.messages.length === 0) this.messages = stored;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.persist && changed.has('messages') && !this.generation.busy) {
      saveConversation(this.persist, this.messages);
    }
  }

  /**
   * Loads the markdown renderer (a separate chunk, shared by every chat on the page), adopts its
   * styles and re-renders: replies shown as plain text until then turn into markdown.
   */
  private async useMarkdownRenderer(): Promise<void> {
    try {
      await loadMarkdownRenderer();
    } catch (error) {
      // Replies stay plain text: readable, just not formatted.
      console.warn('slm-chat: the markdown renderer could not be loaded', error);
      return;
    }
    const sheet = markdownStyleSheet()!;
    const root = this.renderRoot as ShadowRoot;
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    this.adoptedMarkdown = true;
    this.requestUpdate();
  }

  /** Generates the assistant's answer to the conversation as it stands. */
  private async reply(): Promise<string> {
    const history: ChatMessage[] = [
      ...(this.systemPrompt ? [{ role: 'system' as const, content: this.systemPrompt }] : []),
      ...this.messages,
    ];
    const answer: ChatMessage = { role: 'assistant', content: '' };
    this.messages = [...this.messages, answer];
    this.scrollToEnd(true);
    const result = await this.generation.run(
      { kind: 'chat', messages: history },
      { maxNewTokens: this.maxNewTokens, temperature: this.temperature },
      {
        conversationId: this.conversationId,
        contextWindow: this.contextWindow,
        onText: (text) => {
          // Updated in place: the array keeps its identity while one reply streams.
          answer.content = text;
          this.scrollToEnd();
        },
        // Before `slm-response`: its listeners see the final transcript.
        onSettled: (result) => {
          answer.content = result.text;
          this.results.set(answer, result);
          if (!answer.content && result.reason === 'error') {
            // Keep the user's message; drop only the empty reply bubble.
            this.messages = this.messages.filter((message) => message !== answer);
          } else {
            this.messages = [...this.messages];
          }
        },
      },
    );
    return result.text;
  }

  /** Asks the engine, once, whether the model must be downloaded and how big it is. */
  private readonly askFootprint = async () => {
    const engine = this.engines.engine;
    // With load="manual" the page asks the visitor itself, and nothing (not even a size probe of
    // the model host) may happen before it calls load().
    if (this.askedFootprint || !engine || engine.status !== 'idle' || !engine.model || engine.loadMode === 'manual') {
      return;
    }
    this.askedFootprint = true;
    try {
      const cached = await engine.isCached();
      const bytes = cached ? 0 : await engine.downloadSize();
      this.footprint = { cached, bytes };
      // Already on this device: loading costs no download, so start now and answer sooner.
      if (cached) engine.load().catch(() => {});
    } catch {
      // A missing model is reported when the user sends; the notice is only a courtesy.
      this.askedFootprint = false;
    }
  };

  private scrollToEnd(force = false): void {
    if (force) this.pinned = true;
    // At most one scroll per frame, and no layout read per token: whether the reader is at the
    // bottom is known from their last scroll (`onLogScroll`), not measured while streaming.
    if (!this.pinned || this.scrollQueued) return;
    this.scrollQueued = true;
    requestAnimationFrame(() => {
      this.scrollQueued = false;
      const log = this.log;
      if (log && this.pinned) log.scrollTop = log.scrollHeight;
    });
  }

  /** Follow the reply only while the reader is at the bottom; never yank them back while reading. */
  private readonly onLogScroll = () => {
    const log = this.log;
    if (log) this.pinned = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  };

  private onKeyDown(event: KeyboardEvent): void {
    // Enter sends, Shift+Enter adds a line; never send while an IME is composing a character.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      if (!this.generation.busy) void this.send();
    } else if (event.key === 'Escape') {
      if (this.generation.busy) {
        event.preventDefault();
        this.stop();
      } else if (this.editing !== null) {
        event.preventDefault();
        this.cancelEdit();
      }
    }
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.generation.busy) return;
    void this.send();
    this.input?.focus();
  }

  private cancelEdit(): void {
    this.editing = null;
    this.draft = '';
  }

  /** Copy buttons of code blocks are handled here, by delegation (the renderer adds no listeners). */
  private async onLogClick(event: MouseEvent): Promise<void> {
    const button = (event.target as Element).closest<HTMLButtonElement>('[data-copy]');
    if (!button) return;
    const renderer = markdownRenderer();
    if (!renderer) return;
    await this.copyText(renderer.codeTextForCopyButton(button));
    const label = button.textContent;
    button.textContent = this.text.copied;
    setTimeout(() => (button.textContent = label), 1500);
  }

  private async copyMessage(message: ChatMessage): Promise<void> {
    await this.copyText(message.content);
    this.copied = message;
    setTimeout(() => {
      if (this.copied === message) this.copied = null;
    }, 1500);
  }

  private async copyText(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access can be refused (permissions, insecure context); nothing else to do.
    }
  }

  private renderMessage(message: ChatMessage, index: number) {
    const s = this.text;
    const busy = this.generation.busy;
    const isLast = index === this.messages.length - 1;
    const streaming = busy && isLast && message.role === 'assistant';
    const result = this.results.get(message);
    const notice =
      message.role === 'assistant' && result && result.droppedMessages > 0
        ? html`<div part="notice" class="notice">${format(s.dropped, { count: result.droppedMessages })}</div>`
        : nothing;
    const content =
      message.role === 'assistant'
        ? html`<div
            part="message-content"
            class="content ${this.markdown !== 'off' && markdownRenderer() ? 'markdown' : ''} ${streaming ? 'streaming' : ''}"
            ${markdown(message.content, {
              enabled: this.markdown !== 'off',
              streaming,
              copyLabel: s.copy,
            })}
          ></div>`
        : html`<div part="message-content" class="content">${message.content}</div>`;
    const actions = busy
      ? nothing
      : message.role === 'user'
        ? html`<div part="message-actions" class="actions">
            <button part="action-button edit-button" class="ghost" type="button" @click=${() => this.edit(index)}>
              ${s.edit}
            </button>
          </div>`
        : html`<div part="message-actions" class="actions">
            <button part="action-button copy-button" class="ghost" type="button" @click=${() => this.copyMessage(message)}>
              ${this.copied === message ? s.copied : s.copy}
            </button>
            ${isLast
              ? html`<button part="action-button regenerate-button" class="ghost" type="button" @click=${() => this.regenerate()}>
                  ${s.regenerate}
                </button>`
              : nothing}
          </div>`;
    const stats =
      this.showStats && result && result.reason !== 'error'
        ? html`<div part="stats" class="stats">
            ${format(s.stats, { tokens: result.tokens, speed: result.tokensPerSecond, ttft: Math.round(result.ttftMs) })}
          </div>`
        : nothing;
    return html`${notice}
      <div
        part="message ${message.role}-message"
        class="message ${message.role} ${this.editing === index ? 'being-edited' : ''}"
      >
        ${content}
      </div>
      ${stats}${actions}`;
  }

  private renderEmpty() {
    const s = this.text;
    const engine = this.engines.engine;
    const footprint = this.footprint;
    const notice =
      footprint && engine?.status === 'idle'
        ? footprint.cached
          ? format(s.cachedNotice, { model: engine.model })
          : footprint.bytes
            ? format(s.downloadNotice, { model: engine.model, size: formatBytes(footprint.bytes) })
            : ''
        : '';
    return html`<div part="empty" class="empty">
      <slot name="empty">${s.empty}</slot>
      ${notice ? html`<p class="footprint">${notice}</p>` : nothing}
    </div>`;
  }

  protected override render() {
    const s = this.text;
    const busy = this.generation.busy;
    const status = describeStatus(this.engines, this.generation, s);
    return html`
      <div part="base" class="chat">
        <slot name="header"></slot>
        <div
          part="log"
          class="log"
          role="log"
          aria-label=${s.conversationLabel}
          aria-live="off"
          tabindex="0"
          @click=${this.onLogClick}
          @scroll=${this.onLogScroll}
        >
          ${this.messages.length === 0 ? this.renderEmpty() : nothing}
          ${repeat(
            this.messages,
            (message) => message,
            (message, index) => this.renderMessage(message, index),
          )}
          ${this.generation.phase === 'error' && this.generation.error
            ? html`<div part="error" class="error">
                <span>${this.generation.error.message}</span>
                ${this.messages.at(-1)?.role === 'user'
                  ? html`<button part="retry-button" class="secondary" type="button" @click=${() => this.regenerate()}>
                      ${s.retry}
                    </button>`
                  : nothing}
              </div>`
            : nothing}
        </div>
        <div part="composer" class="footer">
          <div class="status-row">
            <div class="status-cell">${renderStatus(status)}</div>
            ${this.messages.length > 0
              ? html`<button part="clear-button" class="ghost" type="button" @click=${this.clear}>${s.clear}</button>`
              : nothing}
          </div>
          ${this.editing !== null
            ? html`<div part="editing" class="editing">
                <span>${s.editing}</span>
                <button class="ghost" type="button" @click=${this.cancelEdit}>${s.cancelEdit}</button>
              </div>`
            : nothing}
          <form class="composer" @submit=${this.onSubmit}>
            <textarea
              part="input"
              rows="1"
              aria-label=${s.inputLabel}
              placeholder=${s.placeholder}
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
              ${s.send}
            </button>
            <button part="stop-button" class="secondary" type="button" ?hidden=${!busy} @click=${this.stop}>
              ${s.stop}
            </button>
          </form>
          <slot name="footer"></slot>
        </div>
      </div>
    `;
  }
}
