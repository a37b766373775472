import type { ChatMessage } from '../engine/shared/types.js';
import { SlmEvent } from './slm-event.js';

/** Fired by `<slm-chat>` after its conversation was cleared. `detail.messages` is what was removed. */
export class SlmClearEvent extends SlmEvent<{ messages: ChatMessage[] }> {
  constructor(detail: { messages: ChatMessage[] }) {
    super('slm-clear', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-clear': SlmClearEvent;
  }
}
