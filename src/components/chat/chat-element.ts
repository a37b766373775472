import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { DeferredView, LazyModule } from '../../controllers/deferred-view.js';
import type { JsonSchema, ToolChoice, ToolFormat } from '../../engine/shared/structured.js';
import type { ChatMessage } from '../../engine/shared/types.js';
import type { ChatTool } from '../tool/tool.types.js';
import { themeStyles } from '../../styles/theme.styles.js';
import { numberAttribute } from '../shared/attribute-converters.js';
import { ModelSettingsMixin } from '../shared/model-settings.js';
import { statusStyles } from '../shared/status.styles.js';
import { DEFAULT_CHAT_STRINGS, type ChatStrings } from './chat.strings.js';
import { chatStyles } from './chat.styles.js';

/** The chat's interface (`chat-view.ts`), imported when the first chat connects. */
const chatView = /* @__PURE__ */ new LazyModule(() => import('./chat-view.js'));

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
 * **Structured replies**: with `schema`, every reply is JSON that validates against it (decoding is
 * constrained by a grammar, in the worker); `slm-response` carries it parsed as `json`, and the
 * transcript shows it as a code block.
 *
 * **Tools**: functions of the page the model may call, from the `tools` property and
 * `<slm-tool>` children. Each call is constrained to a declared tool with arguments that validate
 * against its `parameters`, written in the model's own format (read from its chat template, or
 * `tool-format`); it fires `slm-tool-call`, whose `respondWith()` (or the tool's `run`) answers
 * it; the result goes back to the model, which goes on until it answers in words. `messages`
 * holds the calls (`tool_calls`) and results (`role: "tool"`) as chat templates take them.
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
 * @csspart action-button - Every button in that row (an icon with a tooltip); also `edit-button`, `regenerate-button` or `copy-button`.
 * @csspart edit-button - Edits a user message.
 * @csspart regenerate-button - Generates the last reply again.
 * @csspart copy-button - Copies a reply.
 * @csspart tooltip - The tooltip of an icon button (its accessible name, shown on hover and keyboard focus).
 * @csspart typing-indicator - The three dots of a reply that has no text yet.
 * @csspart code-block - A fenced code block in a reply.
 * @csspart code-copy-button - The copy button of a code block.
 * @csspart tool-call - A tool call in a reply (a disclosure: the tool and its arguments; open, its result).
 * @csspart tool-result - The result of a tool call.
 * @csspart stats - Token count and speed under a reply (`show-stats`).
 * @csspart notice - A note in the transcript (older messages left out).
 * @csspart error - The error shown in the transcript after a failed request, with a retry button when retrying can help.
 * @csspart retry-button - The retry button.
 * @csspart empty - The empty state.
 * @csspart status - The status line (a polite live region). What the transcript shows (an error, a download) it announces without showing.
 * @csspart progress - The model download progress bar, in the waiting reply of the chat that asked for the model.
 * @csspart pause-button - Pauses or resumes the model download (beside the progress bar while files download).
 * @csspart composer - The area with the message field and buttons.
 * @csspart editing - The banner shown while an earlier message is edited.
 * @csspart input - The message field.
 * @csspart send-button - The send button.
 * @csspart stop-button - The stop button, shown while a reply is generated.
 * @csspart clear-button - Empties the conversation (an icon with a tooltip).
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
 * @cssprop --slm-color-tooltip-background - Background of tooltips (default: the text colour).
 * @cssprop --slm-color-tooltip-text - Text of tooltips (default: the background colour).
 * @cssprop --slm-focus-ring - Focus ring (a `box-shadow`).
 * @cssprop --slm-shadow - Shadow of the frame.
 *
 * @fires slm-send - Before a user message is sent; cancelable, `detail.text` may be changed.
 * @fires slm-token - Per generated token. `detail: { token, tokenId, text }`, `text` being the reply so far.
 * @fires slm-response - A reply ended (`messages` already holds it, or no longer holds an empty reply after a failure). `detail: { text, reason, tokens, ttftMs, tokensPerSecond, promptTokens, cachedTokens, droppedMessages, json?, toolCalls?, constraint?, error? }`. With tools it fires for each step: a step with `toolCalls` is followed by the model's next one.
 * @fires slm-error - A request of this chat failed (load failures are reported by the provider). `detail: { code, message }`.
 * @fires slm-clear - The conversation was cleared. `detail: { messages }` (what was removed).
 * @fires slm-tool-call - The model called a tool. `detail: { id, name, arguments }`; answer with `event.respondWith(valueOrPromise)` while it is dispatched, else the tool's `run` answers.
 * @fires slm-progress - Without a provider only: model files arrive.
 * @fires slm-ready - Without a provider only: the model is loaded.
 * @fires slm-warning - Without a provider only: something went wrong but the model works (see `<slm-provider>`).
 */
export class SlmChatElement extends ModelSettingsMixin(LitElement) {
  // The frame's styles: the transcript's and composer's arrive with the view (`chat-view.styles.ts`),
  // the markdown styles with the renderer (see `ChatView.useMarkdownRenderer`).
  static override styles = [themeStyles, statusStyles, chatStyles];

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

  /**
   * A JSON Schema every reply must follow (attribute: JSON text; property: an object). Replies
   * then always parse and validate; a schema the grammar engine cannot enforce fails with
   * `invalid-schema`, a reply cut off by `max-new-tokens` with `length`.
   */
  @property() schema?: string | JsonSchema;

  /** Tools the model may call: `{ name, description, parameters, run? }` each (see also `<slm-tool>` children). */
  @property({ attribute: false }) tools?: ChatTool[];

  /** `auto` (default): the model may call a tool; `required`: its first step must be a call; `none`: no tools are offered. */
  @property({ attribute: 'tool-choice' }) toolChoice?: ToolChoice;

  /** How the model writes tool calls: `auto` (default, read from its chat template), `hermes` (`<tool_call>…</tool_call>`) or `llama3` (a JSON object). */
  @property({ attribute: 'tool-format' }) toolFormat?: ToolFormat;

  /** Rounds of tool calls answered in one turn before the model must answer in words (default 4). */
  @property({ attribute: 'max-tool-rounds', converter: numberAttribute }) maxToolRounds?: number | string;

  /** Milliseconds a tool call may wait for its answer before the turn fails with `tool-timeout` (default 30000). */
  @property({ attribute: 'tool-timeout', converter: numberAttribute }) toolTimeout?: number | string;

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

  /** Everything the chat renders and does, once its module has arrived. */
  private readonly views = new DeferredView(this, chatView, (module) => new module.ChatView(this));

  /**
   * Sends a user message and streams the reply into the transcript. A reply still streaming is
   * stopped first (and kept). Resolves with the full reply (partial when stopped, `''` on failure
   * or when an `slm-send` listener cancelled the message). Without `text`, sends the message field.
   */
  async send(text?: string): Promise<string> {
    return (await this.views.request((view) => view.send(text))) ?? '';
  }

  /** Stops the reply being generated; the partial reply stays in the transcript. */
  stop(): void {
    this.views.stop();
  }

  /** Generates the last reply again (the last user message is answered anew). */
  async regenerate(): Promise<string> {
    return (await this.views.request((view) => view.regenerate())) ?? '';
  }

  /**
   * Starts editing the user message at `index`: its text moves into the field, and sending
   * replaces it and everything after it.
   */
  edit(index: number): void {
    this.views.when((view) => view.edit(index));
  }

  /** Stops any reply and empties the conversation. */
  clear(): void {
    this.views.when((view) => view.clear());
  }

  /** Includes the arrival of the chat's interface: after `await el.updateComplete` it is on screen. */
  protected override getUpdateComplete(): Promise<boolean> {
    return this.views.updateComplete(() => super.getUpdateComplete());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.views.view?.willUpdate(changed);
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.views.view?.updated?.(changed);
  }

  protected override render() {
    const view = this.views.view;
    if (view) return view.render();
    // Until the interface arrives: the chat's frame, at its final size, or why it cannot load.
    const failure = this.views.failure;
    const strings = { ...DEFAULT_CHAT_STRINGS, ...this.strings };
    return html`<div part="base" class="chat">
      ${failure
        ? html`<div class="log"><div part="error" class="error" role="alert">
            <span class="error-text">${failure.message}</span>
            <button part="retry-button" class="secondary" type="button" @click=${() => this.views.ready().catch(() => {})}>
              ${strings.retry}
            </button>
          </div></div>`
        : nothing}
    </div>`;
  }
}
