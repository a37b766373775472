import type { ToolCall } from '../engine/shared/structured.js';
import { SlmEvent } from './slm-event.js';

/** `slm-tool-call` detail: the call the model made, its arguments parsed (they validate against the tool's `parameters`). */
export type SlmToolCallDetail = ToolCall;

/**
 * Fired by `<slm-chat>` for each tool call the model makes. Answer it the way a service worker
 * answers a `FetchEvent`: call `event.respondWith(value)` (or a promise of one) while the event is
 * dispatched. The value goes back to the model as the tool's result (a string as it is, anything
 * else as JSON); a thrown error or a rejected promise goes back as an error result the model can
 * read. Without a `respondWith`, the tool's own `run` answers; without either, the model is told
 * that nobody handled the call. An answer that does not come within `tool-timeout` ends the turn
 * with `slm-error` (`tool-timeout`).
 */
export class SlmToolCallEvent extends SlmEvent<SlmToolCallDetail> {
  private answer: Promise<unknown> | undefined;
  private dispatching = true;

  constructor(detail: SlmToolCallDetail) {
    super('slm-tool-call', detail);
  }

  /**
   * Answers the call with `value` or a promise of it. Only while the event is dispatched, and
   * only once: like `FetchEvent.respondWith`, a second call or a late one throws `InvalidStateError`.
   */
  respondWith(value: unknown): void {
    if (!this.dispatching || this.answer) {
      throw new DOMException('respondWith() may be called once, while slm-tool-call is dispatched.', 'InvalidStateError');
    }
    this.answer = Promise.resolve(value);
  }

  /**
   * For the chat, after dispatching: the answer given with `respondWith`, if any. Ends the time
   * in which `respondWith` may be called.
   */
  takeAnswer(): Promise<unknown> | undefined {
    this.dispatching = false;
    return this.answer;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-tool-call': SlmToolCallEvent;
  }
}
