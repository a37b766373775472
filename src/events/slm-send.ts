import { SlmEvent } from './slm-event.js';

/** `slm-send` detail. `text` may be changed by a listener to edit the message before it is sent. */
export interface SlmSendDetail {
  text: string;
}

/**
 * Fired by `<slm-chat>` before a user message is added and answered. Cancelable: call
 * `preventDefault()` to veto the message (it then stays in the field), or assign
 * `event.detail.text` to send something else.
 */
export class SlmSendEvent extends SlmEvent<SlmSendDetail> {
  constructor(detail: SlmSendDetail) {
    super('slm-send', detail, { cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-send': SlmSendEvent;
  }
}
