import type { ReadyInfo } from '../engine/types.js';

/** Fired by `<slm-provider>` when its model is loaded: which model, device and dtype, and how long it took. */
export class SlmReadyEvent extends Event {
  readonly detail: ReadyInfo;

  constructor(detail: ReadyInfo) {
    super('slm-ready', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-ready': SlmReadyEvent;
  }
}
