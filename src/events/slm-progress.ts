import type { LoadProgress } from '../engine/types.js';

/** Fired by `<slm-provider>` as model files arrive. `detail.progress` runs from 0 to 1. */
export class SlmProgressEvent extends Event {
  readonly detail: LoadProgress;

  constructor(detail: LoadProgress) {
    super('slm-progress', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-progress': SlmProgressEvent;
  }
}
