/** Public types of `<slm-complete>`. */
export type { FinishReason, GenerationResult } from '../../engine/types.js';
