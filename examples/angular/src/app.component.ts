/**
 * A provider with a chat and a completion, configured from Angular signals and reporting back
 * through `slm-*` events, bound with Angular's own syntax:
 *
 * - `[prop]="…"` sets a DOM property: numbers, booleans, arrays and objects (`[maxNewTokens]`,
 *   `[showStats]`, `[strings]`, `[stopSequences]`, `[messages]`);
 * - `[attr.name]="…"` sets an attribute (`[attr.system-prompt]`, `[attr.model-base-url]`;
 *   `null` removes it), and a plain `name="value"` is a static attribute;
 * - `(slm-ready)="…"` listens to the event of that exact name; `$event` is the event, with `detail`.
 *
 * `CUSTOM_ELEMENTS_SCHEMA` lets the template use tags and properties Angular does not know.
 */
import { CUSTOM_ELEMENTS_SCHEMA, Component, computed, inject, signal } from '@angular/core';
import type {
  ChatMessage,
  ChatStrings,
  SlmErrorEvent,
  SlmProgressEvent,
  SlmReadyEvent,
  SlmResponseEvent,
  SlmSendEvent,
} from 'slm-elements';
import { APP_CONFIG } from './config.js';

/** Chat labels per language: an object, so it must reach the element as a property. */
const STRINGS: Record<'en' | 'fr', Partial<ChatStrings>> = {
  en: { send: 'Ask' },
  fr: { send: 'Demander', stop: 'Arrêter', clear: 'Effacer', placeholder: 'Votre question…', inputLabel: 'Question' },
};

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <h1>slm-elements in Angular 20</h1>
    <form class="settings" (submit)="$event.preventDefault()">
      <label>System prompt <input name="system-prompt" size="40" [value]="systemPrompt()" (input)="systemPrompt.set(text($event))" /></label>
      <label
        >Max new tokens
        <input name="max-new-tokens" type="number" min="1" max="512" [value]="maxNewTokens()" (input)="maxNewTokens.set(number($event))"
      /></label>
      <label class="inline"
        ><input name="show-stats" type="checkbox" [checked]="showStats()" (change)="showStats.set(checked($event))" /> Show stats</label
      >
      <label
        >Language
        <select name="language" [value]="language()" (change)="language.set($any(text($event)))">
          <option value="en">English</option>
          <option value="fr">Français</option>
        </select>
      </label>
      <label>Completion prompt <input name="prompt" [value]="prompt()" (input)="prompt.set(text($event))" /></label>
      <button name="example" type="button" (click)="loadExample()">Load an example conversation</button>
    </form>

    <slm-provider
      [model]="config.model"
      [attr.model-base-url]="config.modelBaseUrl ?? null"
      [device]="config.device"
      preload
      (slm-progress)="onProgress($event)"
      (slm-ready)="onReady($event)"
      (slm-error)="onError($event)"
    >
      <div class="widgets">
        <slm-chat
          [attr.system-prompt]="systemPrompt()"
          [maxNewTokens]="maxNewTokens()"
          temperature="0"
          [showStats]="showStats()"
          [strings]="strings()"
          [messages]="messages()"
          (slm-send)="onSend($event)"
          (slm-token)="streamed.set(streamed() + 1)"
          (slm-response)="onReply($event)"
        >
          <h2 slot="header">Chat</h2>
          <p slot="empty">Ask anything: the model runs on this device.</p>
          <small slot="footer">Replies are generated locally and can be wrong.</small>
        </slm-chat>
        <slm-complete [prompt]="prompt()" max-new-tokens="24" [stopSequences]="stopSequences" (slm-response)="onCompletion($event)"></slm-complete>
      </div>
    </slm-provider>

    <h2>Activity</h2>
    <dl class="activity">
      <dt>Model</dt>
      <dd data-testid="model-status">{{ modelStatus() }}</dd>
      <dt>Error</dt>
      <dd data-testid="error" role="alert">{{ error() }}</dd>
      <dt>Messages sent</dt>
      <dd data-testid="sent">{{ sent() }}</dd>
      <dt>Last message</dt>
      <dd data-testid="last-sent">{{ lastSent() }}</dd>
      <dt>Tokens streamed</dt>
      <dd data-testid="streamed">{{ streamed() }}</dd>
      <dt>Last reply</dt>
      <dd data-testid="reply">{{ reply() }}</dd>
      <dt>Last completion</dt>
      <dd data-testid="completion">{{ completion() }}</dd>
    </dl>
  `,
})
export class AppComponent {
  protected readonly config = inject(APP_CONFIG);

  protected readonly systemPrompt = signal('You are a helpful, concise assistant.');
  protected readonly maxNewTokens = signal(64);
  protected readonly showStats = signal(true);
  protected readonly language = signal<'en' | 'fr'>('en');
  protected readonly strings = computed(() => STRINGS[this.language()]);
  protected readonly messages = signal<ChatMessage[]>([]);
  protected readonly prompt = signal('Once upon a time');
  protected readonly stopSequences = ['\n\n', 'THE END'];

  // What the elements reported, shown in the activity panel.
  protected readonly modelStatus = signal('Not loaded');
  protected readonly error = signal('');
  protected readonly sent = signal(0);
  protected readonly lastSent = signal('');
  protected readonly streamed = signal(0);
  protected readonly reply = signal('');
  protected readonly completion = signal('');

  // Angular types `$event` of an unknown element's event as `Event` (or, with strict DOM event
  // types, through the `GlobalEventHandlersEventMap` entries the library declares).
  protected onProgress(event: Event): void {
    this.modelStatus.set(`Loading… ${Math.round((event as SlmProgressEvent).detail.progress * 100)}%`);
  }
  protected onReady(event: Event): void {
    const { detail } = event as SlmReadyEvent;
    this.modelStatus.set(`${detail.model} on ${detail.device} (${detail.dtype}), loaded in ${Math.round(detail.loadMs)} ms`);
  }
  protected onError(event: Event): void {
    const { detail } = event as SlmErrorEvent;
    this.error.set(`${detail.code}: ${detail.message}`);
  }
  protected onSend(event: Event): void {
    this.sent.update((count) => count + 1);
    this.lastSent.set((event as SlmSendEvent).detail.text);
    this.streamed.set(0);
  }
  protected onReply(event: Event): void {
    const { detail } = event as SlmResponseEvent;
    this.reply.set(`${detail.reason}, ${detail.tokens} tokens`);
  }
  protected onCompletion(event: Event): void {
    const { detail } = event as SlmResponseEvent;
    this.completion.set(`${detail.reason}, ${detail.tokens} tokens`);
  }
  protected loadExample(): void {
    this.messages.set([
      { role: 'user', content: 'What runs this chat?' },
      { role: 'assistant', content: 'A small language model, right here in your browser.' },
    ]);
  }

  /** Form field values, read from the DOM event (no FormsModule needed for this page). */
  protected text(event: Event): string {
    return (event.target as HTMLInputElement | HTMLSelectElement).value;
  }
  protected number(event: Event): number {
    return (event.target as HTMLInputElement).valueAsNumber;
  }
  protected checked(event: Event): boolean {
    return (event.target as HTMLInputElement).checked;
  }
}
