import { SlmEvent } from './slm-event.js';

/** `slm-fill` detail: the values `<slm-fill>` put into the form, by control name. */
export interface SlmFillDetail {
  /**
   * Each filled control's name and the value it now has: a string for text-like controls and
   * selects, a number for number and range inputs, a boolean for a single checkbox, an array of
   * strings for a group of checkboxes (or a multiple select) sharing the name.
   */
  values: Record<string, unknown>;
}

/** Fired by `<slm-fill>` after it has filled a form (and by its `undo()`, with the values restored). */
export class SlmFillEvent extends SlmEvent<SlmFillDetail> {
  constructor(detail: SlmFillDetail) {
    super('slm-fill', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'slm-fill': SlmFillEvent;
  }
}
