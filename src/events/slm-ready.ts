import type { ReadyInfo } from '../engine/shared/types.js';
import { SlmEvent } from './slm-event.js';

/** Fired by `<slm-provider>` when its model is loaded: which model, device and dtype, and how long it took. */
export class SlmReadyEvent extends SlmEvent<ReadyInfo> {
  constructor(detail: ReadyInfo) {
    super('slm-ready', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-ready': SlmReadyEvent;
  }
}
