/**
 * What `<slm-chat>` renders and does: the transcript, the composer, sending, streaming, editing,
 * regenerating, copying and persistence. The element (`chat-element.ts`) holds the public
 * properties and methods and imports this module when the first chat connects (`DeferredView`),
 * so pages that show no chat never download it.
 *
 * The seam is one-directional: this module never imports the element. It works on the
 * `ChatViewHost` the element is, hears of property changes through `willUpdate` / `updated`
 * (forwarded by the element), and changes the conversation only by assigning a new `messages`
 * array (messages are replaced, never mutated).
 */
import { html, nothing, type PropertyValues, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ElementView } from '../../controllers/deferred-view.js';
import { EngineController } from '../../controllers/engine-controller.js';
import { GenerationController } from '../../controllers/generation-controller.js';
import { SlmError, errorText } from '../../engine/shared/errors.js';
import { parseToolSettings, type ToolSettings } from '../../engine/shared/settings.js';
import type { JsonSchema, ToolCall, ToolRequest } from '../../engine/shared/structured.js';
import type { ChatMessage } from '../../engine/shared/types.js';
import { SlmClearEvent } from '../../events/slm-clear.js';
import type { SlmResponseDetail } from '../../events/slm-response.js';
import { SlmSendEvent } from '../../events/slm-send.js';
import { format, formatBytes, modelName } from '../shared/format.js';
import { controlStyles } from '../shared/controls.styles.js';
import { cursorStyles } from '../shared/cursor.styles.js';
import { icon, iconButton } from '../shared/icons.js';
import { loadMarkdownRenderer, markdown, markdownRenderer, markdownStyleSheet } from '../shared/markdown-directive.js';
import { configurationKey, retryCanHelp } from '../shared/retry.js';
import { progressStyles } from '../shared/progress.styles.js';
import { describeStatus, renderProgress, renderStatus, type StatusLine } from '../shared/status.js';
import { adoptViewStyles } from '../shared/view-styles.js';
import type { ModelSettings } from '../shared/model-settings.js';
import type { ChatTool } from '../tool/tool.types.js';
import { loadConversation, saveConversation } from './chat-storage.js';
import { answerCall, asChatToolCall, collectTools, type ChatToolbox } from './chat-tools.js';
import { DEFAULT_CHAT_STRINGS, type ChatStrings } from './chat.strings.js';
import { chatViewStyles } from './chat-view.styles.js';

/** What the chat's view needs of its element: `<slm-chat>`'s public state, and Lit's host API. */
export interface ChatViewHost extends ReactiveControllerHost, HTMLElement, ModelSettings {
  readonly renderRoot: HTMLElement | DocumentFragment;
  systemPrompt: string;
  maxNewTokens?: number | string | undefined;
  temperature?: number | string | undefined;
  contextWindow?: number | string | undefined;
  markdown: 'on' | 'off';
  showStats: boolean;
  persist: string;
  placeholder?: string | undefined;
  strings: Partial<ChatStrings>;
  messages: ChatMessage[];
  schema?: string | JsonSchema | undefined;
  tools?: ChatTool[] | undefined;
  toolChoice?: string | undefined;
  toolFormat?: string | undefined;
  maxToolRounds?: number | string | undefined;
  toolTimeout?: number | string | undefined;
}

let instances = 0;

/** The interface of one `<slm-chat>` (a reactive controller of the element). */
export class ChatView implements ElementView, ReactiveController {
  /** The text in the message field. */
  private draft = '';
  /** Index of the user message being edited, or `null`. */
  private editing: number | null = null;
  /** What the engine said about downloading the model (asked on first interaction). */
  private footprint: { cached: boolean; bytes: number | null } | null = null;
  /** The message whose "Copy" was just used. */
  private copied: ChatMessage | null = null;
  /** The markdown renderer's styles are adopted (see `useMarkdownRenderer`). */
  private adoptedMarkdown = false;
  /** The transcript is scrolled to its end (follows new text). */
  private pinned = true;
  private scrollQueued = false;
  /** The configuration a request failed with (`configurationKey`), or `null`. */
  private failedWith: string | null = null;
  /** The reply in progress, all its tool rounds included; aborting it stops the turn. */
  private turn: { abort: AbortController; done: Promise<string> } | undefined;
  /** The tool call waiting for its answer, or `null`. */
  private calling: ToolCall | null = null;
  /** The reply streaming now is constrained to the chat's `schema` (shown as a JSON code block). */
  private streamingJson = false;

  private readonly engines: EngineController;
  private readonly generation: GenerationController;
  /** This chat's slot in the engine's conversation caches. */
  private readonly conversationId = `slm-chat-${++instances}`;
  /** Figures of each finished reply, for `show-stats` and the "left out" notice. */
  private readonly results = new WeakMap<ChatMessage, SlmResponseDetail>();
  private askedFootprint = false;

  constructor(private readonly host: ChatViewHost) {
    // Before the markdown renderer's sheet (adopted once it has loaded), as the frame's are.
    adoptViewStyles(host, [controlStyles, cursorStyles, progressStyles, chatViewStyles]);
    this.engines = new EngineController(host);
    this.generation = new GenerationController(host, this.engines);
    host.addController(this);
    // The element may have had its properties for a while (the view arrives lazily): start from them.
    this.useMarkdown();
    this.restore();
  }

  /** All strings, defaults merged with `strings` and `placeholder`. */
  private get text(): ChatStrings {
    const { strings, placeholder } = this.host;
    return { ...DEFAULT_CHAT_STRINGS, ...strings, ...(placeholder !== undefined ? { placeholder } : {}) };
  }

  private get input(): HTMLTextAreaElement | null {
    return this.host.renderRoot.querySelector('textarea');
  }

  private get log(): HTMLElement | null {
    return this.host.renderRoot.querySelector('.log');
  }

  /** Changes view state and re-renders (the element's `@state` properties, held here). */
  private change(update: () => void): void {
    update();
    this.host.requestUpdate();
  }

  /** A reply is generated, or one of its tool calls answered. */
  private get busy(): boolean {
    return this.generation.busy || this.turn !== undefined;
  }

  /** Stops the reply in progress (and its tool calls) and waits until it has ended. */
  private async settle(): Promise<void> {
    this.stop();
    await this.turn?.done;
    await this.generation.settle();
  }

  /** See `SlmChatElement.send`. */
  async send(text: string = this.draft): Promise<string> {
    const host = this.host;
    const event = new SlmSendEvent({ text });
    if (!host.dispatchEvent(event)) return '';
    const content = event.detail.text.trim();
    if (!content) return '';
    if (text === this.draft) this.change(() => (this.draft = ''));
    if (this.busy) await this.settle();
    if (this.editing !== null) {
      // Sending while editing replaces that message and everything after it.
      host.messages = host.messages.slice(0, this.editing);
      this.change(() => {
        this.editing = null;
        this.draft = '';
      });
    }
    host.messages = [...host.messages, { role: 'user', content }];
    return this.reply();
  }

  /** See `SlmChatElement.stop`. */
  stop(): void {
    this.turn?.abort.abort();
    this.generation.stop();
  }

  /** See `SlmChatElement.regenerate`. */
  async regenerate(): Promise<string> {
    const host = this.host;
    if (this.busy) await this.settle();
    // The whole last answer goes: with tools, its calls and their results too.
    const lastUser = host.messages.map((m) => m.role).lastIndexOf('user');
    if (lastUser < 0) return '';
    if (lastUser < host.messages.length - 1) host.messages = host.messages.slice(0, lastUser + 1);
    return this.reply();
  }

  /** See `SlmChatElement.edit`. */
  edit(index: number): void {
    const message = this.host.messages[index];
    if (message?.role !== 'user') return;
    this.stop();
    this.change(() => {
      this.editing = index;
      this.draft = message.content;
    });
    void this.host.updateComplete.then(() => {
      this.input?.focus();
      this.input?.setSelectionRange(this.draft.length, this.draft.length);
    });
  }

  /** See `SlmChatElement.clear`. */
  clear(): void {
    const host = this.host;
    const removed = host.messages;
    this.generation.reset();
    this.engines.engine?.releaseConversation(this.conversationId);
    host.messages = [];
    this.change(() => (this.editing = null));
    host.dispatchEvent(new SlmClearEvent({ messages: removed }));
  }

  hostConnected(): void {
    this.host.addEventListener('focusin', this.askFootprint);
    this.host.addEventListener('pointerenter', this.askFootprint);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('focusin', this.askFootprint);
    this.host.removeEventListener('pointerenter', this.askFootprint);
    this.engines.engine?.releaseConversation(this.conversationId);
  }

  /** Forwarded by the element before each update. */
  willUpdate(changed: PropertyValues<ChatViewHost>): void {
    if (changed.has('markdown')) this.useMarkdown();
    // Restore before the transcript renders, so a persisted conversation never flashes empty.
    if (changed.has('persist')) this.restore();
  }

  /** Forwarded by the element after each update. */
  updated(changed: PropertyValues<ChatViewHost>): void {
    // Saved once a turn has settled, not on every streamed token.
    if (changed.has('messages') && this.host.persist && !this.generation.busy) {
      saveConversation(this.host.persist, this.host.messages);
    }
  }

  /** The stored conversation of `persist`, when the chat has none yet. */
  private restore(): void {
    const host = this.host;
    const stored = host.persist ? loadConversation(host.persist) : null;
    if (stored && host.messages.length === 0) host.messages = stored;
  }

  private useMarkdown(): void {
    if (this.host.markdown !== 'off' && !this.adoptedMarkdown) void this.useMarkdownRenderer();
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
    const root = this.host.renderRoot as ShadowRoot;
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    this.adoptedMarkdown = true;
    this.host.requestUpdate();
  }

  /**
   * Generates the assistant's answer to the conversation as it stands. With tools, that is a
   * loop: the model calls tools, their results join the conversation, and the model goes on,
   * until it answers without a call (or `max-tool-rounds` is reached: it then must answer).
   */
  private reply(): Promise<string> {
    const abort = new AbortController();
    const done = this.replyWithTools(abort.signal).finally(() => {
      if (this.turn?.abort !== abort) return;
      this.turn = undefined;
      this.calling = null;
      this.host.requestUpdate();
    });
    this.turn = { abort, done };
    return done;
  }

  private async replyWithTools(signal: AbortSignal): Promise<string> {
    const host = this.host;
    let settings: ToolSettings;
    let toolbox: ChatToolbox | undefined;
    try {
      const parsed = parseToolSettings(host);
      if (!parsed.ok) throw parsed.error;
      settings = parsed.value;
      toolbox = collectTools(host, host.tools);
      if (toolbox.definitions.length === 0) toolbox = undefined;
      if (toolbox && settings.toolChoice !== 'none' && host.schema !== undefined && host.schema !== null && host.schema !== '') {
        throw new SlmError('invalid-option', 'schema and tools cannot be used together yet: remove one, or set tool-choice="none".');
      }
    } catch (error) {
      this.generation.fail(error instanceof SlmError ? error : new SlmError('invalid-option', errorText(error)));
      return '';
    }
    for (let round = 0; ; round++) {
      // Past the last round (or with tool-choice="none") the model still sees the tools (the
      // prompt, and so its KV cache, stay the same), but must answer in words.
      const choice = round >= settings.maxToolRounds || settings.toolChoice === 'none' ? 'none' : round === 0 ? settings.toolChoice : 'auto';
      const offer: ToolRequest | undefined = toolbox && { tools: toolbox.definitions, choice, format: settings.toolFormat };
      const result = await this.step(offer);
      const calls = result.toolCalls ?? [];
      if (calls.length === 0 || !toolbox || result.reason === 'error' || signal.aborted) return result.text;
      for (const call of calls) {
        this.change(() => (this.calling = call));
        let message: ChatMessage;
        try {
          message = toolbox.runs.has(call.name)
            ? await answerCall(host, call, toolbox.runs.get(call.name), settings.toolTimeout, signal)
            : { role: 'tool', content: JSON.stringify({ error: `Unknown tool "${call.name}".` }), tool_call_id: call.id, name: call.name };
        } catch (error) {
          this.calling = null;
          if (error instanceof SlmError) this.generation.fail(error);
          else this.generation.markStopped();
          return result.text;
        }
        // The page replaced the conversation meanwhile (cleared it, edited it): this turn is over.
        if (host.messages.at(-1)?.role !== 'assistant' && host.messages.at(-1)?.role !== 'tool') return result.text;
        host.messages = [...host.messages, message];
      }
      this.change(() => (this.calling = null));
    }
  }

  /** One generation of the answer: streams it into the transcript; with `offer`, the model may call tools. */
  private async step(offer: ToolRequest | undefined) {
    const host = this.host;
    const before = host.messages;
    const history: ChatMessage[] = [
      ...(host.systemPrompt ? [{ role: 'system' as const, content: host.systemPrompt }] : []),
      ...before,
    ];
    /** The transcript with the reply so far (a new array and message each time: never mutated). */
    const withReply = (content: string, calls?: ToolCall[]): ChatMessage[] => [
      ...before,
      { role: 'assistant', content, ...(calls?.length ? { tool_calls: calls.map(asChatToolCall) } : {}) },
    ];
    let shown = withReply('');
    /** Shows `messages`, unless the transcript was replaced meanwhile (cleared, edited, set by the page). */
    const show = (messages: ChatMessage[]): boolean => {
      if (host.messages !== shown) return false;
      shown = messages;
      host.messages = messages;
      return true;
    };
    host.messages = shown;
    this.streamingJson = (!offer || offer.choice === 'none') && host.schema !== undefined && host.schema !== null && host.schema !== '';
    this.scrollToEnd(true);
    const result = await this.generation.run(
      { kind: 'chat', messages: history },
      { maxNewTokens: host.maxNewTokens, temperature: host.temperature, ...(offer && offer.choice !== 'none' ? {} : { schema: host.schema }) },
      {
        conversationId: this.conversationId,
        contextWindow: host.contextWindow,
        ...(offer ? { tools: offer } : {}),
        // At the pace the reply is painted (see `GenerationController`), not per token.
        onText: (text) => {
          if (show(withReply(text))) this.scrollToEnd();
        },
        // Before `slm-response`: its listeners see the final transcript.
        onSettled: (result) => {
          this.failedWith = result.reason === 'error' ? this.configuration() : null;
          // The turn's last step (no calls to answer): the chat is idle before `slm-response`,
          // so its listeners find the field ready (`replyWithTools` returns right after).
          if (!offer || !result.toolCalls?.length || result.reason === 'error') {
            this.turn = undefined;
            this.calling = null;
          }
          // After a failure that showed nothing, keep the user's message and drop the empty bubble.
          const empty = !result.text && !result.toolCalls?.length;
          const messages = empty && result.reason === 'error' ? before : withReply(result.text, result.toolCalls);
          if (messages !== before) this.results.set(messages.at(-1)!, result);
          show(messages);
        },
      },
    );
    this.streamingJson = false;
    return result;
  }

  /** What a retry would run with, as far as configuration failures go (see `retry.ts`). */
  private configuration(): string {
    const host = this.host;
    return configurationKey({
      engine: this.engines.engine,
      settings: [host.maxNewTokens, host.temperature, host.contextWindow],
    });
  }

  /**
   * Whether Retry may help after this failure: it passes by itself (the network, memory, a
   * worker), or the configuration changed since (the page picked another model, fixed an attribute).
   */
  private retryHelps(code: Parameters<typeof retryCanHelp>[0]): boolean {
    return retryCanHelp(code) || this.configuration() !== this.failedWith;
  }

  /** Asks the engine, once, whether the model must be downloaded and how big it is. */
  private readonly askFootprint = async () => {
    const engine = this.engines.engine;
    // With load="manual" the page asks the visitor itself, and nothing (not even a size probe of
    // the model host) may happen before it calls load().
    if (this.askedFootprint || engine?.status !== 'idle' || !engine.model || engine.loadMode === 'manual') {
      return;
    }
    this.askedFootprint = true;
    try {
      const cached = await engine.isCached();
      const bytes = cached ? 0 : await engine.downloadSize();
      this.change(() => (this.footprint = { cached, bytes }));
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

  private readonly onKeyDown = (event: KeyboardEvent) => {
    // Enter sends, Shift+Enter adds a line; never send while an IME is composing a character.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      if (!this.busy) void this.send();
    } else if (event.key === 'Escape') {
      if (this.busy) {
        event.preventDefault();
        this.stop();
      } else if (this.editing !== null) {
        event.preventDefault();
        this.cancelEdit();
      }
    }
  };

  private readonly onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    if (this.busy) return;
    void this.send();
    this.input?.focus();
  };

  private readonly onInput = (event: InputEvent) => {
    this.change(() => (this.draft = (event.target as HTMLTextAreaElement).value));
  };

  private readonly cancelEdit = () => {
    this.change(() => {
      this.editing = null;
      this.draft = '';
    });
  };

  /** Copy buttons of code blocks are handled here, by delegation (the renderer adds no listeners). */
  private readonly onLogClick = async (event: MouseEvent) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('[data-copy]');
    if (!button) return;
    const renderer = markdownRenderer();
    if (!renderer) return;
    await this.copyText(renderer.codeTextForCopyButton(button));
    const label = button.textContent;
    button.textContent = this.text.copied;
    setTimeout(() => (button.textContent = label), 1500);
  };

  private async copyMessage(message: ChatMessage): Promise<void> {
    await this.copyText(message.content);
    this.change(() => (this.copied = message));
    setTimeout(() => {
      if (this.copied === message) this.change(() => (this.copied = null));
    }, 1500);
  }

  private async copyText(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access can be refused (permissions, insecure context); nothing else to do.
    }
  }

  /**
   * A JSON reply (the chat has a `schema`) as a code block: indented once complete, as it streams
   * before. Rendered as text, never as markup, whatever the model wrote.
   */
  private renderJson(message: ChatMessage, json: unknown) {
    const text = json === undefined ? message.content : JSON.stringify(json, null, 2);
    return html`<div part="message-content" class="content json"><pre part="code-block"><code>${text}</code></pre></div>`;
  }

  /**
   * The calls of an assistant message, each with its result (the `role: "tool"` message that
   * answers it), as a disclosure: the summary says which tool ran with which arguments; opening
   * it shows the result. While a call waits for its answer, it says so.
   */
  private renderToolCalls(message: ChatMessage, index: number) {
    const s = this.text;
    const later = this.host.messages.slice(index + 1);
    return (message.tool_calls ?? []).map((call) => {
      const answer = later.find((m) => m.role === 'tool' && m.tool_call_id === call.id);
      const args = JSON.stringify(call.function.arguments);
      const failed = Boolean(answer?.content.startsWith('{"error":'));
      return html`<details part="tool-call" class="tool-call ${failed ? 'failed' : ''}">
        <summary>
          <span class="tool-name">${format(s.toolCall, { name: call.function.name })}</span>
          <code class="tool-args">${args}</code>
        </summary>
        <div part="tool-result" class="tool-result">
          ${answer
            ? html`<span class="tool-label">${failed ? s.toolError : s.toolResult}</span><pre><code>${answer.content}</code></pre>`
            : html`<span class="tool-label">${this.calling?.id === call.id ? format(s.callingTool, { name: call.function.name }) : s.toolNoResult}</span>`}
        </div>
      </details>`;
    });
  }

  private renderMessage(message: ChatMessage, index: number, status: StatusLine) {
    const host = this.host;
    const s = this.text;
    const busy = this.busy;
    // A tool's result is shown with the call it answers (see `renderToolCalls`).
    if (message.role === 'tool') return nothing;
    const isLast = index === host.messages.length - 1;
    const streaming = this.generation.busy && isLast && message.role === 'assistant';
    // The reply has no text yet: waiting in line, for the model, or for its first token.
    const pending = streaming && !message.content && !message.tool_calls?.length;
    const result = this.results.get(message);
    const notice =
      message.role === 'assistant' && result && result.droppedMessages > 0
        ? html`<div part="notice" class="notice">${format(s.dropped, { count: result.droppedMessages })}</div>`
        : nothing;
    const json = result?.json !== undefined || (streaming && this.streamingJson);
    const content = pending
      ? this.renderPending(status)
      : message.role === 'assistant' && json
        ? this.renderJson(message, result?.json)
        : message.role === 'assistant' && message.tool_calls?.length && !message.content
          ? nothing
          : message.role === 'assistant'
        ? html`<div
            part="message-content"
            class="content ${host.markdown !== 'off' && markdownRenderer() ? 'markdown' : ''} ${streaming ? 'streaming' : ''}"
            ${markdown(message.content, {
              enabled: host.markdown !== 'off',
              streaming,
              copyLabel: s.copy,
            })}
          ></div>`
        : html`<div part="message-content" class="content">${message.content}</div>`;
    // A step that only called tools has no text to copy, and is never the reply to regenerate.
    const callsOnly = message.role === 'assistant' && !message.content && Boolean(message.tool_calls?.length);
    const actions = busy || callsOnly
      ? nothing
      : message.role === 'user'
        ? html`<div part="message-actions" class="actions">
            ${iconButton({ part: 'action-button edit-button', icon: 'edit', label: s.edit, align: 'end', onClick: () => this.edit(index) })}
          </div>`
        : html`<div part="message-actions" class="actions">
            ${iconButton({
              part: 'action-button copy-button',
              icon: this.copied === message ? 'check' : 'copy',
              label: this.copied === message ? s.copied : s.copy,
              align: 'start',
              showTooltip: this.copied === message,
              onClick: () => void this.copyMessage(message),
            })}
            ${isLast
              ? iconButton({ part: 'action-button regenerate-button', icon: 'regenerate', label: s.regenerate, onClick: () => void this.regenerate() })
              : nothing}
          </div>`;
    const stats =
      host.showStats && result && result.reason !== 'error'
        ? html`<div part="stats" class="stats">
            ${format(s.stats, { tokens: result.tokens, speed: result.tokensPerSecond, ttft: Math.round(result.ttftMs) })}
          </div>`
        : nothing;
    return html`${notice}
      <div
        part="message ${message.role}-message"
        class="message ${message.role} ${pending ? 'pending' : ''} ${this.editing === index ? 'being-edited' : ''}"
      >
        ${content}${message.tool_calls?.length ? this.renderToolCalls(message, index) : nothing}
      </div>
      ${stats}${actions}`;
  }

  /**
   * The reply before its first token, where the user waits for it: the model's download while
   * it loads for this chat, otherwise a typing indicator (named by the state for screen readers).
   */
  private renderPending(status: StatusLine) {
    return status.progress !== null
      ? html`<div class="progress-row waiting-load">${renderProgress(status, { label: true })}</div>`
      : html`<span part="typing-indicator" class="typing" role="img" aria-label=${status.text}
          ><span></span><span></span><span></span
        ></span>`;
  }

  private renderError() {
    const error = this.generation.error;
    if (this.generation.phase !== 'error' || !error) return nothing;
    const canRetry = this.host.messages.at(-1)?.role === 'user' && this.retryHelps(error.code);
    return html`<div part="error" class="error">
      ${icon('alert')}
      <span class="error-text">${error.message}</span>
      ${canRetry
        ? html`<button part="retry-button" class="secondary small" type="button" @click=${() => this.regenerate()}>
            ${icon('regenerate')}${this.text.retry}
          </button>`
        : nothing}
    </div>`;
  }

  private renderEmpty() {
    const s = this.text;
    const engine = this.engines.engine;
    const footprint = this.footprint;
    const notice =
      footprint && engine?.status === 'idle'
        ? footprint.cached
          ? format(s.cachedNotice, { model: modelName(engine.model) })
          : footprint.bytes
            ? format(s.downloadNotice, { model: modelName(engine.model), size: formatBytes(footprint.bytes) })
            : ''
        : '';
    return html`<div part="empty" class="empty">
      <slot name="empty">${s.empty}</slot>
      ${notice ? html`<p class="footprint">${notice}</p>` : nothing}
    </div>`;
  }

  render() {
    const messages = this.host.messages;
    const s = this.text;
    const busy = this.busy;
    const status: StatusLine = this.calling
      ? { text: format(s.callingTool, { name: this.calling.name }), progress: null, tone: 'busy' }
      : describeStatus(this.engines, this.generation, s);
    const empty = !this.draft.trim();
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
          ${messages.length === 0 ? this.renderEmpty() : nothing}
          ${repeat(
            messages,
            // By place: the reply being streamed is a new object at every paint, in the same bubble.
            (_message, index) => index,
            (message, index) => this.renderMessage(message, index, status),
          )}
          ${this.renderError()}
        </div>
        <div part="composer" class="footer">
          <div class="status-row">
            <div class="status-cell">
              ${renderStatus(status, {
                // A failure and a download are shown in the transcript, where the user waits:
                // announced from here, drawn once.
                visible: status.tone !== 'error' && status.progress === null,
              })}
            </div>
            ${messages.length > 0
              ? iconButton({ part: 'clear-button', icon: 'clear', label: s.clear, align: 'end', onClick: () => this.clear() })
              : nothing}
          </div>
          ${this.editing !== null
            ? html`<div part="editing" class="editing">
                ${icon('edit')}
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
              @input=${this.onInput}
              @keydown=${this.onKeyDown}
            ></textarea>
            <!-- Send and Stop share one place, as wide as the wider: swapping them moves nothing. -->
            <div class="send-stop">
              <button part="send-button" class="primary" type="submit" ?hidden=${busy} aria-disabled=${empty ? 'true' : 'false'}>
                ${icon('send')}<span>${s.send}</span>
              </button>
              <button part="stop-button" class="secondary" type="button" ?hidden=${!busy} @click=${() => this.stop()}>
                ${icon('stop')}<span>${s.stop}</span>
              </button>
            </div>
          </form>
          <slot name="footer"></slot>
        </div>
      </div>
    `;
  }
}
