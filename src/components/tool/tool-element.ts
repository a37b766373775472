import { LitElement, css } from 'lit';
import { property } from 'lit/decorators.js';
import type { JsonSchema } from '../../engine/shared/structured.js';
import type { ToolRun } from './tool.types.js';

/**
 * Declares a tool for the `<slm-chat>` it is a child of: a function of the page the model may
 * call. The chat constrains every call to a declared tool with arguments that validate against
 * its `parameters`, and fires `slm-tool-call` for it; answer there with `event.respondWith()`, or
 * give the element a `run` function. Renders nothing.
 *
 * ```html
 * <slm-chat>
 *   <slm-tool name="get_weather" description="Current weather in a city"
 *     parameters='{"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}'></slm-tool>
 * </slm-chat>
 * ```
 *
 * @summary A page function that a chat's model may call, declared in HTML.
 */
export class SlmToolElement extends LitElement {
  static override styles = css`
    :host {
      display: none;
    }
  `;

  /** The name the model calls the tool by: letters, digits, `_` and `-`, at most 64. */
  @property({ reflect: true }) name = '';

  /** What the tool does and when to use it; the model reads this. */
  @property() description = '';

  /** A JSON Schema (type `object`) for the arguments (attribute: JSON text; property: an object). Default: no arguments. */
  @property() parameters?: string | JsonSchema;

  /** Answers a call when no `slm-tool-call` listener does: receives the parsed arguments, returns the result (or a promise). */
  @property({ attribute: false }) run?: ToolRun;
}
