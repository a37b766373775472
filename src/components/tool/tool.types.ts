/** Answers a tool call: gets the parsed arguments, returns the result or a promise of it. */
export type ToolRun = (args: Record<string, unknown>) => unknown;

/** A tool of `<slm-chat>`'s `tools` property: a page function the model may call. */
export interface ChatTool {
  /** The name the model calls it by: letters, digits, `_` and `-`, at most 64. */
  name: string;
  /** What the tool does and when to use it; the model reads this. */
  description?: string;
  /** A JSON Schema (type `object`) for the arguments, as an object or JSON text. Default: no arguments. */
  parameters?: Record<string, unknown> | string;
  /** Answers a call when no `slm-tool-call` listener does. */
  run?: ToolRun;
}
