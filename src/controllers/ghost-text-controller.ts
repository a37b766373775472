/**
 * `GhostTextController`: inline suggestions ("ghost text") for a `<textarea>` or `<input>`.
 *
 * It listens to the field, and once the user pauses typing it asks the shared engine to continue
 * the text before the caret. The suggestion streams into `suggestion` (the host draws it after
 * the caret); Tab, or → at the end of the text, inserts it as one undoable edit; Escape dismisses
 * it. Anything that changes the text or moves the caret cancels a pending request at once and
 * aborts its generation, and a suggestion is shown only while the field still holds exactly the
 * text and caret it was made for, so a stale suggestion never appears.
 *
 * The field keeps its own behaviour: Tab moves focus when nothing is suggested, no request is
 * made and nothing is accepted while an IME is composing, and the field's undo stack, `input`
 * and `change` events work as if the user had typed the suggestion.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { parseStopSequences, type RawGenerationSettings } from '../engine/shared/settings.js';
import type { EngineController } from './engine-controller.js';
import { GenerationController } from './generation-controller.js';

type Host = ReactiveControllerHost & HTMLElement;

/** A field ghost text can attach to. */
export type TextField = HTMLTextAreaElement | HTMLInputElement;

/** `<input>` types with a caret and the selection API (never passwords, never email). */
const TEXT_INPUT_TYPES = new Set(['text', 'search', 'url', 'tel']);

/** Whether `element` is a `<textarea>` or a text-like `<input>` that ghost text can work with. */
export function isTextField(element: unknown): element is TextField {
  if (element instanceof HTMLTextAreaElement) return true;
  return element instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(element.type);
}

/** Default upper bound on a suggestion's tokens: suggestions are short, and short is fast. */
export const GHOST_MAX_NEW_TOKENS = 24;

/** What the host decides per request (read when the request is made). */
export interface GhostTextSettings {
  /** Pause after the last keystroke before a suggestion is requested, in milliseconds. */
  debounce: number;
  /** How many characters before the caret are sent as the prompt. */
  contextChars: number;
  /**
   * The host's raw generation settings. Unset `maxNewTokens` means `GHOST_MAX_NEW_TOKENS`, unset
   * `temperature` greedy decoding, unset `stopSequences` the field's defaults (a line break for
   * an `<input>`, a blank line for a `<textarea>`).
   */
  generation: RawGenerationSettings;
  /** Sentence announced once a suggestion is complete; `{text}` is replaced by the suggestion. */
  suggestionAnnouncement: string;
  /** Sentence announced after a suggestion was inserted. */
  acceptedAnnouncement: string;
}

/** The field's text and caret that a request (and its suggestion) belongs to. */
interface Snapshot {
  value: string;
  caret: number;
}

/** Keys that move the caret (the suggestion would then be in the wrong place). */
const CARET_KEYS = new Set([
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'PageUp',
  'PageDown',
]);

/** Owns one field's suggestions: requests, the visible suggestion, acceptance and dismissal. */
export class GhostTextController implements ReactiveController {
  /** The attached field, or `null`. */
  field: TextField | null = null;
  /** The suggestion on screen (growing while it streams), or `''`. */
  suggestion = '';
  /** The field's text before the caret that `suggestion` continues. */
  before = '';
  /** Whether `suggestion` is final (its generation has ended). */
  complete = false;
  /** What the host's polite live region says (a finished suggestion, or that it was inserted). */
  announcement = '';

  private readonly generation: GenerationController;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Caret position when the timer was set: a caret move before it fires cancels it. */
  private scheduledCaret = -1;
  /** The request in flight or on screen; `undefined` when there is none. */
  private current: Snapshot | undefined;
  private composing = false;
  /** A fallback insertion (without `execCommand`) owes the page a `change` event on blur. */
  private changeOwed = false;

  constructor(
    private readonly host: Host,
    engines: EngineController,
    private readonly settings: () => GhostTextSettings,
  ) {
    this.generation = new GenerationController(host, engines);
    host.addController(this);
  }

  /** Whether a suggestion is on screen for the field's current text and caret. */
  get visible(): boolean {
    return this.suggestion !== '' && this.current !== undefined && this.matches(this.current);
  }

  /** Attaches to `field` (or detaches with `null`), dropping any suggestion for the old one. */
  attach(field: TextField | null): void {
    if (field === this.field) return;
    this.cancel();
    const old = this.field;
    if (old) {
      for (const [type, listener, capture] of this.listeners) old.removeEventListener(type, listener, capture);
    }
    this.field = field;
    if (field) {
      for (const [type, listener, capture] of this.listeners) field.addEventListener(type, listener, capture);
      // Someone is already typing in it (focused, and edited since the page loaded): the element's
      // interface arrives after the page, so keys typed before it count as if the last one came now.
      if (field.matches(':focus') && field.value !== field.defaultValue) this.schedule();
    }
    this.host.requestUpdate();
  }

  /**
   * Requests a suggestion now (no debounce) for the text before the caret. Does nothing unless
   * the field has focus, the selection is empty and the caret ends the text or a line.
   */
  request(): void {
    this.cancel();
    void this.run();
  }

  /**
   * Inserts the visible suggestion at the caret as one undoable edit (stopping its generation if
   * it is still streaming). Returns whether something was inserted.
   */
  accept(): boolean {
    const field = this.field;
    const snapshot = this.current;
    const text = this.suggestion;
    if (!field || !snapshot || !text || !this.matches(snapshot)) return false;
    this.cancel();
    const { caret, value } = snapshot;
    const expected = value.slice(0, caret) + text + value.slice(caret);
    let inserted: boolean;
    try {
      // Setting the selection ends the browser's current typing run, so the suggestion becomes
      // an undo step of its own instead of merging with the keys typed before it.
      field.setSelectionRange(caret, caret);
      // execCommand keeps the browser's undo stack (one Ctrl+Z removes the whole suggestion) and
      // fires `beforeinput`/`input` with inputType "insertText", exactly as typing would. It acts
      // on the focused field, which this one is (matches() checked it).
      inserted = field.ownerDocument.execCommand('insertText', false, text) && field.value === expected;
    } catch {
      inserted = false;
    }
    if (!inserted && field.value === value) {
      // No execCommand (or it refused): insert directly and tell the page as typing would.
      field.setRangeText(text, caret, caret, 'end');
      field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: text }));
      this.changeOwed = true;
    }
    this.announce(this.settings().acceptedAnnouncement);
    return true;
  }

  /** Hides the suggestion and cancels any pending request, leaving the field as it is. */
  dismiss(): void {
    this.cancel();
  }

  hostDisconnected(): void {
    this.cancel();
  }

  /** Drops the timer, the request and the suggestion; aborts a running generation. */
  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const hadSomething = this.current !== undefined || this.suggestion !== '' || this.announcement !== '';
    if (this.current !== undefined) this.generation.reset();
    this.current = undefined;
    this.suggestion = '';
    this.before = '';
    this.complete = false;
    this.announcement = '';
    if (hadSomething) this.host.requestUpdate();
  }

  private schedule(): void {
    this.cancel();
    const field = this.field;
    if (!field || this.composing) return;
    this.scheduledCaret = field.selectionStart ?? -1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.settings().debounce);
  }

  /** Whether the field still shows exactly `snapshot`'s text and caret, and has focus. */
  private matches(snapshot: Snapshot): boolean {
    const field = this.field;
    return (
      !!field &&
      !this.composing &&
      field.value === snapshot.value &&
      field.selectionStart === snapshot.caret &&
      field.selectionEnd === snapshot.caret &&
      field.matches(':focus')
    );
  }

  private async run(): Promise<void> {
    const field = this.field;
    if (!field || this.composing || field.readOnly || field.disabled || !field.matches(':focus')) return;
    const value = field.value;
    const caret = field.selectionStart;
    if (caret === null || field.selectionEnd !== caret) return;
    // Continue only at the end of the text or of a line: a suggestion drawn in the middle of a
    // line would cover the text after the caret (fill-in-the-middle is not supported yet).
    const atEnd = caret === value.length;
    if (!atEnd && value[caret] !== '\n') return;
    const settings = this.settings();
    let start = Math.max(0, caret - settings.contextChars);
    // Never start in the middle of a surrogate pair.
    const first = value.charCodeAt(start);
    if (start > 0 && first >= 0xdc00 && first <= 0xdfff) start++;
    const prompt = value.slice(start, caret);
    if (!prompt.trim()) return;

    const snapshot: Snapshot = { value, caret };
    this.current = snapshot;
    this.complete = false;
    const result = await this.generation.run(
      { kind: 'text', prompt },
      {
        maxNewTokens: settings.generation.maxNewTokens ?? GHOST_MAX_NEW_TOKENS,
        temperature: settings.generation.temperature ?? 0,
        stopSequences: this.stopSequences(field, settings.generation.stopSequences, atEnd),
      },
      // No conversationId: completions never touch a chat's KV cache.
      // Background priority: a chat waiting for the same model goes first.
      { onText: (text) => this.show(snapshot, text, false), priority: 'background' },
    );
    if (this.current !== snapshot) return;
    if (result.reason === 'error' || result.reason === 'stopped') {
      this.cancel();
      return;
    }
    this.show(snapshot, result.text, true);
  }

  /** The stop sequences of a request: the host's, or the field's defaults; always a line break mid-text. */
  private stopSequences(field: TextField, raw: RawGenerationSettings['stopSequences'], atEnd: boolean) {
    const parsed = parseStopSequences(raw);
    // An invalid value goes through unchanged, to be reported like any other invalid setting.
    if (!parsed.ok) return raw;
    const stops =
      raw === undefined || raw === null ? (field instanceof HTMLInputElement ? ['\n'] : ['\n\n']) : parsed.value;
    return atEnd ? stops : [...stops, '\n'];
  }

  /** Puts `text` on screen if `snapshot` is still what the field shows; otherwise cancels. */
  private show(snapshot: Snapshot, text: string, complete: boolean): void {
    if (this.current !== snapshot) return;
    if (!this.matches(snapshot)) {
      this.cancel();
      return;
    }
    // Whitespace alone is not worth suggesting (and would be invisible).
    this.suggestion = text.trim() ? text : '';
    this.before = snapshot.value.slice(0, snapshot.caret);
    this.complete = complete;
    if (complete) {
      if (this.suggestion) this.announce(this.settings().suggestionAnnouncement.replace('{text}', this.suggestion));
      else this.current = undefined;
    }
    this.host.requestUpdate();
  }

  /** Sets the live region's sentence; the same sentence twice is still announced twice. */
  private announce(sentence: string): void {
    this.announcement = sentence === this.announcement ? `${sentence}\u00a0` : sentence;
    this.host.requestUpdate();
  }

  private readonly onInput = (event: Event) => {
    if (this.composing || (event as InputEvent).isComposing) {
      this.cancel();
      return;
    }
    this.schedule();
  };

  private readonly onKeyDown = (event: KeyboardEvent) => {
    // Keys that finish or steer an IME composition belong to the IME.
    if (event.isComposing || event.keyCode === 229 || event.defaultPrevented) return;
    const plain = !event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey;
    if (this.visible) {
      const field = this.field!;
      const atEnd = field.selectionStart === field.value.length;
      if ((event.key === 'Tab' && plain) || (event.key === 'ArrowRight' && plain && atEnd)) {
        event.preventDefault();
        this.accept();
        return;
      }
      if (event.key === 'Escape') {
        // Consumed: Escape that dismisses a suggestion must not also close a dialog around the field.
        event.preventDefault();
        event.stopPropagation();
        this.dismiss();
        return;
      }
    }
    if (CARET_KEYS.has(event.key) || event.key === 'Escape') this.cancel();
  };

  private readonly onSelectionChange = () => {
    const field = this.field;
    if (!field) return;
    if (this.timer !== undefined && field.selectionStart !== this.scheduledCaret) this.cancel();
    else if (this.current && !this.matches(this.current)) this.cancel();
  };

  private readonly onCompositionStart = () => {
    this.composing = true;
    this.cancel();
  };

  private readonly onCompositionEnd = () => {
    this.composing = false;
    this.schedule();
  };

  private readonly onBlur = () => {
    this.cancel();
    if (this.changeOwed) {
      this.changeOwed = false;
      this.field?.dispatchEvent(new Event('change', { bubbles: true }));
    }
  };

  /** A native `change` (the browser saw the edit as the user's) settles what a fallback owed. */
  private readonly onChange = () => {
    this.changeOwed = false;
  };

  /** The overlay follows the field's own scrolling. */
  private readonly onScroll = () => {
    if (this.suggestion) this.host.requestUpdate();
  };

  /** Listeners on the field; capture, so a suggestion's keys are seen before the page's own handlers. */
  private readonly listeners: [string, EventListener, boolean][] = [
    ['input', this.onInput, false],
    ['keydown', this.onKeyDown as EventListener, true],
    ['selectionchange', this.onSelectionChange, false],
    ['pointerdown', () => this.cancel(), false],
    ['compositionstart', this.onCompositionStart, false],
    ['compositionend', this.onCompositionEnd, false],
    ['change', this.onChange, true],
    ['blur', this.onBlur, false],
    ['scroll', this.onScroll, false],
  ];
}
