/** Public types of `<slm-complete>`. */
export type { FinishReason, GenerationResult } from '../../engine/shared/types.js';
export type { CompleteStrings } from './complete.strings.js';
export type { TextField } from '../../controllers/ghost-text-controller.js';

/** How `<slm-complete>` uses `prompt`: `text` continues it as is; `chat` applies the chat template with `prompt` as the user message. */
export type CompleteMode = 'text' | 'chat';
