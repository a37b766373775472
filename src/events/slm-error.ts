import type { SlmErrorData } from '../engine/shared/errors.js';
import { SlmEvent } from './slm-event.js';

/**
 * Fired when something fails: by `<slm-provider>` for configuration and loading errors, by
 * `<slm-chat>` / `<slm-complete>` for errors of their own requests. `detail.code` is stable
 * (see the error table of docs/reference.md); `detail.message` is meant for people.
 */
export class SlmErrorEvent extends SlmEvent<SlmErrorData> {
  constructor(detail: SlmErrorData) {
    super('slm-error', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-error': SlmErrorEvent;
  }
}
