/** Every `slm-*` event class. */
export { SlmEvent } from './slm-event.js';
export { SlmProgressEvent } from './slm-progress.js';
export { SlmReadyEvent } from './slm-ready.js';
export { SlmErrorEvent } from './slm-error.js';
export { SlmWarningEvent } from './slm-warning.js';
export { SlmTokenEvent } from './slm-token.js';
export { SlmResponseEvent, type SlmResponseDetail } from './slm-response.js';
export { SlmSendEvent, type SlmSendDetail } from './slm-send.js';
export { SlmClearEvent } from './slm-clear.js';
export { SlmToolCallEvent, type SlmToolCallDetail } from './slm-tool-call.js';
export { SlmFillEvent, type SlmFillDetail } from './slm-fill.js';
