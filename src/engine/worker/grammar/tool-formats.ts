/**
 * The ways models write tool calls, read from their chat templates: how to recognise each format,
 * the grammar (an XGrammar structural tag) that constrains a reply to calls of the declared
 * tools, and how to read the calls back out of the reply.
 *
 * - `hermes` (Hermes, Qwen 2.5/3, SmolLM3): `<tool_call>\n{"name": "get_weather", "arguments":
 *   {...}}\n</tool_call>`, any number of them, text around them allowed in `auto`.
 * - `llama3` (Llama 3.1–3.3 with JSON tool calling): the whole reply is
 *   `{"name": "get_weather", "parameters": {...}}`, one call per message.
 *
 * The arguments' JSON is written on one line with `", "` and `": "` separators, exactly as the
 * templates' `tojson` renders them back into the history: the next turn's prompt then repeats
 * the generated tokens and the conversation's KV cache stays usable.
 */
import type { StructuralTag, StructuralTagFormat, TagFormat } from './xgrammar-module.js';
import type { ToolCall, ToolFormat, ToolRequest } from '../../shared/structured.js';

/** A concrete tool-call format (`auto` resolved). */
export type ResolvedToolFormat = Exclude<ToolFormat, 'auto'>;

/**
 * The format a chat template writes tool calls in; `hermes` when it shows none (the most common
 * one among small models: the model may still follow it from the tool list).
 */
export function detectToolFormat(template: unknown): ResolvedToolFormat {
  const text = typeof template === 'string' ? template : template && typeof template === 'object' ? Object.values(template).join('\n') : '';
  if (text.includes('<tool_call>')) return 'hermes';
  if (text.includes('<|python_tag|>') || text.includes('ipython') || /"parameters":\s*'/.test(text)) return 'llama3';
  return 'hermes';
}

/** The text a call of `name` starts with, up to its arguments. */
function callOpening(format: ResolvedToolFormat, name: string): string {
  const quoted = JSON.stringify(name);
  return format === 'hermes' ? `<tool_call>\n{"name": ${quoted}, "arguments": ` : `{"name": ${quoted}, "parameters": `;
}

/** The text a call ends with, after its arguments. */
const callClosing = (format: ResolvedToolFormat) => (format === 'hermes' ? '}\n</tool_call>' : '}');

/**
 * The structural tag that constrains a reply to calls of `request.tools`, each tool's arguments
 * given as an EBNF grammar (`argumentGrammars`, in the order of the tools).
 */
export function toolCallStructure(request: ToolRequest & { choice: 'auto' | 'required' }, format: ResolvedToolFormat, argumentGrammars: string[]): StructuralTag {
  const tags: TagFormat[] = request.tools.map((tool, i) => ({
    type: 'tag',
    begin: callOpening(format, tool.name),
    content: { type: 'grammar', grammar: argumentGrammars[i] },
    end: callClosing(format),
  }));
  // Llama 3 templates render one call per assistant message.
  const single = format === 'llama3';
  let structure: StructuralTagFormat;
  if (request.choice === 'required') {
    // Nothing but calls: the reply starts with one.
    structure = { type: 'tags_with_separator', tags, separator: '\n', at_least_one: true, stop_after_first: single };
  } else {
    // Free text; once the model writes a call's opening, the rest of the call is constrained.
    const triggers = format === 'hermes' ? ['<tool_call>'] : ['{"name": '];
    structure = { type: 'triggered_tags', triggers, tags, stop_after_first: single };
  }
  return { type: 'structural_tag', format: structure };
}

/** Every call written in `text`, and the text besides them (trimmed). */
export function parseToolCalls(
  format: ResolvedToolFormat,
  text: string,
  newId: () => string,
): { content: string; calls: ToolCall[] } {
  const calls: ToolCall[] = [];
  if (format === 'hermes') {
    const content = text.replace(/<tool_call>\n?([\s\S]*?)\n?<\/tool_call>/g, (block, json: string) => {
      const call = readCall(json, 'arguments', newId);
      if (!call) return block;
      calls.push(call);
      return '';
    });
    return { content: content.trim(), calls };
  }
  const start = text.indexOf('{"name": ');
  const call = start < 0 ? undefined : readCall(text.slice(start), 'parameters', newId);
  if (!call) return { content: text.trim(), calls };
  return { content: text.slice(0, start).trim(), calls: [call] };
}

/** `{"name": …, "<key>": {…}}` → a call, or `undefined` when it is not one. */
function readCall(json: string, key: 'arguments' | 'parameters', newId: () => string): ToolCall | undefined {
  try {
    const value = JSON.parse(json) as Record<string, unknown>;
    const args = value[key];
    if (typeof value.name !== 'string' || !args || typeof args !== 'object' || Array.isArray(args)) return undefined;
    return { id: newId(), name: value.name, arguments: args as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
