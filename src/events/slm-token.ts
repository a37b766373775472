import type { TokenUpdate } from '../engine/shared/types.js';
import { SlmEvent } from './slm-event.js';

/**
 * Fired once per generated token as it arrives. `detail.token` is the text that token added,
 * `detail.text` the whole reply so far.
 */
export class SlmTokenEvent extends SlmEvent<TokenUpdate> {
  constructor(detail: TokenUpdate) {
    super('slm-token', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-token': SlmTokenEvent;
  }
}
