/** Public types of `<slm-chat>`. */
export type { ChatMessage, FinishReason, GenerationResult } from '../../engine/shared/types.js';
