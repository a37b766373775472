import type { SlmWarningData } from '../engine/shared/errors.js';
import { SlmEvent } from './slm-event.js';

/**
 * Fired by `<slm-provider>` (or an element with its own `model`) when something went wrong but
 * the model works: it fell back from WebGPU to WebAssembly (`device-fallback`), a damaged cached
 * file was downloaded again (`cache-repaired`), the browser would not store the files
 * (`quota-exceeded`) or keep them (`storage-not-persisted`), the GPU was lost and the model
 * reloaded (`device-lost`). `detail.code` is stable; `detail.message` is meant for people.
 */
export class SlmWarningEvent extends SlmEvent<SlmWarningData> {
  constructor(detail: SlmWarningData) {
    super('slm-warning', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-warning': SlmWarningEvent;
  }
}
