import type { SlmErrorData } from '../engine/errors.js';

/**
 * Fired when something fails: by `<slm-provider>` for configuration and loading errors, by
 * `<slm-chat>` / `<slm-complete>` for errors of their own requests. `detail.code` is stable
 * (see the README's error table); `detail.message` is meant for people.
 */
export class SlmErrorEvent extends Event {
  readonly detail: SlmErrorData;

  constructor(detail: SlmErrorData) {
    super('slm-error', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-error': SlmErrorEvent;
  }
}
