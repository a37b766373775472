/**
 * The `slm-*` event an engine event becomes when an element reports it to the page (the
 * provider, or an element that owns a page-wide engine). One mapping, so both report alike.
 */
import type { EngineEventMap } from '../engine/page/engine-api.js';
import type { SlmEvent } from './slm-event.js';
import { SlmErrorEvent } from './slm-error.js';
import { SlmProgressEvent } from './slm-progress.js';
import { SlmReadyEvent } from './slm-ready.js';
import { SlmWarningEvent } from './slm-warning.js';

/** The engine events an element listens to and reports (all of them). */
export { ENGINE_EVENT_TYPES } from '../engine/page/engine-api.js';

/** The `slm-*` event for an engine event, or `undefined` (a status change without an error). */
export function slmEventFor(event: Event): SlmEvent<unknown> | undefined {
  const { detail } = event as EngineEventMap[keyof EngineEventMap];
  switch (event.type) {
    case 'progress':
      return new SlmProgressEvent(detail as EngineEventMap['progress']['detail']);
    case 'ready':
      return new SlmReadyEvent(detail as EngineEventMap['ready']['detail']);
    case 'warning':
      return new SlmWarningEvent(detail as EngineEventMap['warning']['detail']);
    case 'status-change': {
      const { error } = detail as EngineEventMap['status-change']['detail'];
      return error ? new SlmErrorEvent(error) : undefined;
    }
    default:
      return undefined;
  }
}
