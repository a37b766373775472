/**
 * slm-elements: web components that run a small language model in the visitor's browser.
 *
 * This module exports classes, types and events and registers nothing; import
 * `slm-elements/define.js` (or one `slm-elements/slm-<name>.js`) to register the tags.
 */
export { SlmProviderElement } from './components/provider/provider-element.js';
export { SlmChatElement } from './components/chat/chat-element.js';
export { SlmCompleteElement } from './components/complete/complete-element.js';
export { SlmFillElement } from './components/fill/fill-element.js';
export { SlmToolElement } from './components/tool/tool-element.js';
export type { ChatTool, ToolRun } from './components/tool/tool.types.js';
export type {
  ChatToolCall,
  ConstraintStats,
  JsonSchema,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  ToolFormat,
  ToolRequest,
} from './engine/shared/structured.js';

export { engineContext } from './context/engine-context.js';
export type { SlmEngine, GenerateOptions, EngineEventMap, GenerationPriority } from './engine/page/engine-api.js';
export { LocalEngine } from './engine/page/local-engine.js';
export { SlmError, type SlmErrorCode, type SlmErrorData, type SlmWarningCode, type SlmWarningData } from './engine/shared/errors.js';
export type {
  ChatMessage,
  DeviceCapabilities,
  DeviceOption,
  DtypeOption,
  EngineConfig,
  EngineStats,
  EngineStatus,
  FinishReason,
  GenerationInput,
  GenerationResult,
  GenerationSettings,
  LoadMode,
  LoadProgress,
  ReadyInfo,
  ResolvedDevice,
  ResolvedDtype,
  TokenUpdate,
} from './engine/shared/types.js';

export * from './events/index.js';

export type { ChatStrings } from './components/chat/chat.strings.js';
export { DEFAULT_CHAT_STRINGS } from './components/chat/chat.strings.js';
export type { CompleteStrings } from './components/complete/complete.strings.js';
export { DEFAULT_COMPLETE_STRINGS } from './components/complete/complete.strings.js';
export type { CompleteMode, TextField } from './components/complete/complete.types.js';
export type { FillStrings } from './components/fill/fill.strings.js';
