/**
 * Plain data of constrained generation, shared by the page and the worker: tools the model may
 * call, the calls it made, and what the grammar engine reports. (The grammar engine itself,
 * XGrammar, runs only in the worker: `engine/worker/grammar/`.)
 */

/** A JSON Schema, as an object. */
export type JsonSchema = Record<string, unknown> | boolean;

/**
 * A tool as the page declares it to the model: a name, what it does, and a JSON Schema for its
 * arguments. This is what chat templates receive (wrapped as `{ type: "function", function }`).
 */
export interface ToolDefinition {
  /** The name the model calls it by (letters, digits, `_` and `-`). */
  name: string;
  /** What the tool does and when to use it: the model reads this. */
  description?: string;
  /** A JSON Schema (an object schema) for the arguments; a call's arguments always validate against it. */
  parameters: Record<string, unknown>;
}

/** Whether the model may (`auto`), must (`required`, the first step) or may not (`none`: it sees the tools, and writes words) call a tool. */
export type ToolChoice = 'auto' | 'required' | 'none';

/**
 * How the model writes a tool call. `hermes`: `<tool_call>{"name": …, "arguments": …}</tool_call>`
 * (Hermes, Qwen 2.5/3, SmolLM3). `llama3`: a reply that is `{"name": …, "parameters": …}` (Llama
 * 3.1–3.3). `auto` reads the model's chat template.
 */
export type ToolFormat = 'auto' | 'hermes' | 'llama3';

/**
 * The tools of one generation request. With `choice: "none"` the chat template still shows them
 * (so the prompt, and the conversation's KV cache, stay the same from step to step) but the
 * reply is not constrained, and nothing in it is read as a call.
 */
export interface ToolRequest {
  tools: ToolDefinition[];
  choice: ToolChoice;
  format: ToolFormat;
}

/** A call the model made, its arguments parsed (they validate against the tool's `parameters`). */
export interface ToolCall {
  /** Unique within the conversation; the tool's result answers it (`tool_call_id`). */
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** A tool call as an assistant message holds it, in the shape chat templates read. */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: Record<string, unknown> };
}

/** What the grammar engine did for one constrained generation (diagnostics, the benchmark). */
export interface ConstraintStats {
  /** How long the request waited for its grammar (import and compile on a first use), in ms. */
  compileMs: number;
  /** The grammar came from the cache of compiled grammars. */
  cached: boolean;
  /** Time spent computing and applying token masks and advancing the grammar, in ms. */
  maskMs: number;
}
