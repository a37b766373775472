import type { LoadProgress } from '../engine/shared/types.js';
import { SlmEvent } from './slm-event.js';

/** Fired by `<slm-provider>` as model files arrive. `detail.progress` runs from 0 to 1. */
export class SlmProgressEvent extends SlmEvent<LoadProgress> {
  constructor(detail: LoadProgress) {
    super('slm-progress', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-progress': SlmProgressEvent;
  }
}
