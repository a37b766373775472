/**
 * Registers every element. The provider comes first: a consumer upgraded before its provider
 * would miss the context (Lit's context README, "late upgraded providers").
 */
import './slm-provider.js';
import './slm-chat.js';
import './slm-complete.js';
import './slm-fill.js';
import './slm-tool.js';

export * from './index.js';
