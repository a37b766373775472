import type { SlmErrorData } from '../engine/shared/errors.js';
import type { GenerationResult } from '../engine/shared/types.js';
import { SlmEvent } from './slm-event.js';

/** `slm-response` detail: the generation's result, plus the error when `reason` is `"error"`. */
export interface SlmResponseDetail extends GenerationResult {
  error?: SlmErrorData;
}

/** Fired when a reply or completion ends, for any reason (`eos`, `length`, `stopped`, `error`). */
export class SlmResponseEvent extends SlmEvent<SlmResponseDetail> {
  constructor(detail: SlmResponseDetail) {
    super('slm-response', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-response': SlmResponseEvent;
  }
}
