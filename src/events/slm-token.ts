import type { TokenUpdate } from '../engine/types.js';

/**
 * Fired once per generated token as it arrives. `detail.token` is the text that token added,
 * `detail.text` the whole reply so far.
 */
export class SlmTokenEvent extends Event {
  readonly detail: TokenUpdate;

  constructor(detail: TokenUpdate) {
    super('slm-token', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-token': SlmTokenEvent;
  }
}
