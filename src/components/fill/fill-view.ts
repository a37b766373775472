/**
 * What `<slm-fill>` renders and does: its text field, fill / stop / undo buttons, the status line
 * and the summary of what was filled; the fill itself (the form described as a JSON Schema by
 * `form-schema.ts`, constrained JSON generated, the values written by `form-writer.ts`). The
 * element (`fill-element.ts`) holds the public properties and methods and imports this module
 * when the first `<slm-fill>` connects (`DeferredView`).
 *
 * The seam is one-directional: this module never imports the element.
 */
import { html, nothing, type ReactiveControllerHost } from 'lit';
import { live } from 'lit/directives/live.js';
import type { ElementView } from '../../controllers/deferred-view.js';
import { EngineController } from '../../controllers/engine-controller.js';
import { GenerationController } from '../../controllers/generation-controller.js';
import { SlmError } from '../../engine/shared/errors.js';
import type { ChatMessage } from '../../engine/shared/types.js';
import { SlmFillEvent } from '../../events/slm-fill.js';
import { format } from '../shared/format.js';
import type { ModelSettings } from '../shared/model-settings.js';
import { progressStyles } from '../shared/progress.styles.js';
import { describeStatus, renderProgress, renderStatus, type StatusLine } from '../shared/status.js';
import { adoptViewStyles } from '../shared/view-styles.js';
import { DEFAULT_FILL_STRINGS, type FillStrings } from './fill.strings.js';
import { describeForm, type FormField } from './form-schema.js';
import { fillForm, undoFill, type FillResult } from './form-writer.js';

/** What the view needs of its element: `<slm-fill>`'s public state, and Lit's host API. */
export interface FillViewHost extends ReactiveControllerHost, HTMLElement, ModelSettings {
  readonly renderRoot: HTMLElement | DocumentFragment;
  htmlFor: string;
  overwrite: boolean;
  maxNewTokens?: number | string | undefined;
  temperature?: number | string | undefined;
  strings: Partial<FillStrings>;
}

/** Reply budget when `max-new-tokens` is not set: room for a form of a dozen fields. */
const DEFAULT_MAX_NEW_TOKENS = 768;

/** A filled field as the summary lists it. */
interface FilledItem {
  label: string;
  value: string;
}

/** The interface of one `<slm-fill>` (its controllers stop a fill when the element leaves the page). */
export class FillView implements ElementView {
  private draft = '';
  /** The last fill, until it is undone or replaced. */
  private last: (FillResult & { items: FilledItem[] }) | undefined;
  /** A sentence for the status line that outranks the generation's (a fill's outcome, a missing form). */
  private notice: StatusLine | undefined;

  private readonly engines: EngineController;
  private readonly generation: GenerationController;

  constructor(private readonly host: FillViewHost) {
    this.engines = new EngineController(host);
    this.generation = new GenerationController(host, this.engines);
    adoptViewStyles(host, [progressStyles]);
  }

  private get text(): FillStrings {
    return { ...DEFAULT_FILL_STRINGS, ...this.host.strings };
  }

  /** The form named by `for`, in the element's document or shadow root. */
  private get form(): HTMLFormElement | null {
    const target = (this.host.getRootNode() as Document | ShadowRoot).getElementById?.(this.host.htmlFor) ?? null;
    return target?.localName === 'form' ? (target as HTMLFormElement) : null;
  }

  /** See `SlmFillElement.fill`. */
  async fill(text: string = this.draft): Promise<Record<string, unknown>> {
    const host = this.host;
    const s = this.text;
    this.notice = undefined;
    const form = this.form;
    if (!form) {
      this.generation.fail(new SlmError('invalid-option', format(s.noForm, { id: host.htmlFor })));
      return {};
    }
    if (!text.trim()) return {};
    const { schema, fields } = describeForm(form, host.overwrite);
    if (fields.size === 0) {
      this.setNotice({ text: s.nothingToFill, progress: null, tone: 'neutral' });
      return {};
    }
    const fieldList = [...fields.values()].map((f) => `- ${f.name}: ${f.label}`).join('\n');
    const messages: ChatMessage[] = [
      { role: 'system', content: `${s.instructions}\n\nFields:\n${fieldList}` },
      { role: 'user', content: text },
    ];
    const result = await this.generation.run(
      { kind: 'chat', messages },
      { maxNewTokens: host.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS, temperature: host.temperature, schema },
    );
    const values = result.json;
    if (result.reason === 'error' || result.reason === 'stopped' || !values || typeof values !== 'object') return {};
    return this.apply(fields, values as Record<string, unknown>);
  }

  /** Writes the values into the form, keeps the undo record and says what changed. */
  private apply(fields: Map<string, FormField>, values: Record<string, unknown>): Record<string, unknown> {
    const s = this.text;
    const filled = fillForm(fields, values);
    const items = Object.entries(filled.values).map(([name, value]) => ({
      label: fields.get(name)!.label,
      value: Array.isArray(value) ? value.join(', ') : String(value),
    }));
    // One undo step per fill: a new fill that changed nothing keeps the earlier one undoable.
    if (filled.undo.length > 0) this.last = { ...filled, items };
    const count = items.length;
    this.setNotice({ text: count > 0 ? format(s.filled, { count: String(count) }) : s.nothingFilled, progress: null, tone: 'neutral' });
    this.host.dispatchEvent(new SlmFillEvent({ values: filled.values }));
    return filled.values;
  }

  /** See `SlmFillElement.undo`. */
  undo(): boolean {
    const last = this.last;
    if (!last) return false;
    this.stop();
    undoFill(last.undo);
    this.last = undefined;
    this.setNotice({ text: this.text.undone, progress: null, tone: 'neutral' });
    return true;
  }

  /** See `SlmFillElement.stop`. */
  stop(): void {
    this.generation.stop();
  }

  private setNotice(notice: StatusLine): void {
    this.notice = notice;
    this.host.requestUpdate();
  }

  private readonly onInput = (event: Event) => {
    this.draft = (event.target as HTMLTextAreaElement).value;
    this.host.requestUpdate();
  };

  private readonly onKeyDown = (event: KeyboardEvent) => {
    // Ctrl/⌘+Enter fills (Enter alone adds a line: pasted text has many).
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      if (!this.generation.busy) void this.fill();
    } else if (event.key === 'Escape' && this.generation.busy) {
      event.preventDefault();
      this.stop();
    }
  };

  render() {
    const s = this.text;
    const busy = this.generation.busy;
    // The generation's own states (loading, generating, errors) outrank an older notice.
    const status =
      this.notice && !busy && this.generation.phase !== 'error' ? this.notice : describeStatus(this.engines, this.generation, s);
    const last = this.last;
    return html`
      <div part="base" class="fill">
        <label part="label" for="text">${s.inputLabel}</label>
        <textarea
          id="text"
          part="input"
          rows="3"
          placeholder=${s.placeholder}
          .value=${live(this.draft)}
          @input=${this.onInput}
          @keydown=${this.onKeyDown}
        ></textarea>
        <div class="toolbar">
          <div class="state ${status.progress !== null ? 'progress-row' : ''}">
            ${renderStatus(status)}${renderProgress(status)}
          </div>
          <button part="undo-button" class="secondary" type="button" ?hidden=${busy || !last} @click=${() => this.undo()}>${s.undo}</button>
          <button
            part="fill-button"
            class="primary"
            type="button"
            ?hidden=${busy}
            aria-disabled=${this.draft.trim() ? 'false' : 'true'}
            @click=${() => void this.fill()}
          >
            ${s.fill}
          </button>
          <button part="stop-button" class="secondary" type="button" ?hidden=${!busy} @click=${() => this.stop()}>${s.stop}</button>
        </div>
        ${last && last.items.length > 0 && !busy
          ? html`<div part="summary" class="summary">
              <ul>
                ${last.items.map((item) => html`<li>${item.label}: <code>${item.value}</code></li>`)}
              </ul>
            </div>`
          : nothing}
      </div>
    `;
  }
}
