/**
 * The tools of one `<slm-chat>` and how their calls are answered: the `tools` property and the
 * `<slm-tool>` children, validated into the definitions the model sees; and, per call, the
 * `slm-tool-call` event (`respondWith`), the tool's own `run`, or an error result, within
 * `tool-timeout` and stopped by the chat's stop. Loaded with the chat's view.
 */
import { SlmError, errorText } from '../../engine/shared/errors.js';
import { parseSchema } from '../../engine/shared/settings.js';
import type { ChatToolCall, ToolCall, ToolDefinition } from '../../engine/shared/structured.js';
import type { ChatMessage } from '../../engine/shared/types.js';
import { SlmToolCallEvent } from '../../events/slm-tool-call.js';
import type { ChatTool, ToolRun } from '../tool/tool.types.js';

/** A tool name models handle well (and the OpenAI-style function name rule). */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The tools a chat offers, as the model sees them, and how each one runs. */
export interface ChatToolbox {
  definitions: ToolDefinition[];
  runs: Map<string, ToolRun | undefined>;
}

/** What `<slm-tool>` children look like to the chat (the element class stays out of the view). */
interface DeclaredTool {
  name: string;
  description: string;
  parameters?: unknown;
  run?: ToolRun | undefined;
}

/**
 * The chat's tools: the `tools` property first, then `<slm-tool>` children. Throws an `SlmError`
 * (`invalid-option` for a bad or repeated name, `invalid-schema` for bad parameters).
 */
export function collectTools(host: HTMLElement, tools: readonly ChatTool[] | undefined): ChatToolbox {
  const declared: DeclaredTool[] = [
    ...(tools ?? []).map((tool) => ({ ...tool, description: tool.description ?? '' })),
    ...[...host.children].filter((child) => child.localName === 'slm-tool').map((child) => child as unknown as DeclaredTool),
  ];
  const toolbox: ChatToolbox = { definitions: [], runs: new Map() };
  for (const tool of declared) {
    const name = String(tool.name ?? '');
    if (!TOOL_NAME.test(name)) {
      throw new SlmError('invalid-option', `Tool name "${name}" is not valid: use letters, digits, "_" and "-" (at most 64).`);
    }
    if (toolbox.runs.has(name)) throw new SlmError('invalid-option', `Two tools are named "${name}".`);
    const parsed = parseSchema(tool.parameters ?? { type: 'object', properties: {} }, `The parameters of tool "${name}"`);
    if (!parsed.ok) throw parsed.error;
    const parameters = JSON.parse(parsed.value!) as Record<string, unknown> | boolean;
    if (typeof parameters !== 'object' || (parameters.type !== undefined && parameters.type !== 'object')) {
      throw new SlmError('invalid-schema', `The parameters of tool "${name}" must be an object schema ({"type": "object", ...}).`);
    }
    toolbox.definitions.push({ name, description: String(tool.description ?? ''), parameters: { type: 'object', ...parameters } });
    toolbox.runs.set(name, typeof tool.run === 'function' ? tool.run : undefined);
  }
  return toolbox;
}

/** A call as an assistant message holds it (what chat templates read). */
export function asChatToolCall(call: ToolCall): ChatToolCall {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

/** A tool's result as the model reads it: a string as it is, anything else as JSON. */
function resultText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value ?? null);
  } catch (error) {
    return JSON.stringify({ error: `The result could not be written as JSON: ${errorText(error)}` });
  }
}

/**
 * Answers one call: `slm-tool-call` on the chat (a listener's `respondWith`), else the tool's
 * `run`, else an error result. Resolves with the `role: "tool"` message for the model; a thrown
 * error or rejection becomes an error result in it. Rejects with `tool-timeout` when no answer
 * comes within `timeoutMs`, and with an `AbortError` when `signal` aborts (the chat was stopped).
 */
export async function answerCall(
  host: HTMLElement,
  call: ToolCall,
  run: ToolRun | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ChatMessage> {
  const event = new SlmToolCallEvent({ id: call.id, name: call.name, arguments: call.arguments });
  host.dispatchEvent(event);
  const answer =
    event.takeAnswer() ??
    (run
      ? new Promise<unknown>((resolve) => resolve(run(call.arguments)))
      : Promise.reject(new Error(`No handler answered the call to "${call.name}".`)));
  // A late rejection (after a timeout or a stop) is nobody's business any more.
  answer.catch(() => {});
  let content: string;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const value = await Promise.race([
      answer,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SlmError('tool-timeout', `The tool "${call.name}" did not answer within ${timeoutMs} ms.`)),
          timeoutMs,
        );
        onAbort = () => reject(new DOMException('The chat was stopped.', 'AbortError'));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    content = resultText(value);
  } catch (error) {
    if (error instanceof SlmError || (error instanceof DOMException && error.name === 'AbortError')) throw error;
    // The model reads what went wrong and may try again or explain.
    content = JSON.stringify({ error: errorText(error) });
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
  return { role: 'tool', content, tool_call_id: call.id, name: call.name };
}
