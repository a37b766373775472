/**
 * What a generation with a `schema` or `tools` adds to an ordinary one (`ModelHost.run`): the
 * grammar (compiled once per schema, `grammar-compiler.ts`), the matcher that follows the reply
 * (`grammar-constraint.ts`), the tools handed to the chat template, and at the end the reply read
 * back (the parsed JSON, the tool calls), or the `length` error when the token budget ran out
 * before the grammar was complete.
 */
import { SlmError } from '../../shared/errors.js';
import type { ConstraintStats, ToolCall } from '../../shared/structured.js';
import type { GenerationInput, GenerationSettings } from '../../shared/types.js';
import type { WorkerGenerationDone } from '../../shared/protocol.js';
import type { ModelGrammars } from './grammar-compiler.js';
import { GrammarConstraint } from './grammar-constraint.js';
import { detectToolFormat, parseToolCalls, type ResolvedToolFormat } from './tool-formats.js';

let callCount = 0;

/** A tool call id, unique within the worker (the page keeps them per conversation). */
const newCallId = () => `call_${Date.now().toString(36)}_${(++callCount).toString(36)}`;

/** The tools as chat templates take them. */
export interface TemplateTool { type: 'function'; function: { name: string; description: string; parameters: Record<string, unknown> } }

/** One constrained generation's grammar state and how its reply is read. */
export class ConstrainedGeneration {
  private constructor(
    /** The grammar, or `undefined` for tools the model sees but may not call (`choice: "none"`). */
    readonly constraint: GrammarConstraint | undefined,
    private readonly stats: Omit<ConstraintStats, 'maskMs'>,
    private readonly format: ResolvedToolFormat | undefined,
    /** For the chat template's `tools` (only with tools). */
    readonly templateTools: TemplateTool[] | undefined,
  ) {}

  /**
   * The constraint a request asks for, or `undefined` for a free one. Rejects with
   * `invalid-schema` when the schema (or a tool's parameters) cannot be enforced.
   */
  static async start(
    grammars: ModelGrammars,
    input: GenerationInput,
    settings: GenerationSettings,
    chatTemplate: unknown,
    stopTokenIds: readonly number[],
  ): Promise<ConstrainedGeneration | undefined> {
    const tools = input.kind === 'chat' && settings.tools && settings.tools.tools.length > 0 ? settings.tools : undefined;
    const templateTools = tools?.tools.map((tool) => ({
      type: 'function' as const,
      function: { name: tool.name, description: tool.description ?? '', parameters: tool.parameters },
    }));
    if (tools && tools.choice !== 'none') {
      const format = tools.format === 'auto' ? detectToolFormat(chatTemplate) : tools.format;
      const lookup = await grammars.tools({ ...tools, choice: tools.choice }, format);
      const constraint = await GrammarConstraint.create(lookup, stopTokenIds);
      return new ConstrainedGeneration(constraint, { compileMs: lookup.compileMs, cached: lookup.cached }, format, templateTools);
    }
    // Tools the model sees but may not call (`choice: "none"`): a free reply, or one that follows the schema.
    if (settings.schema === undefined) {
      return templateTools ? new ConstrainedGeneration(undefined, { compileMs: 0, cached: true }, undefined, templateTools) : undefined;
    }
    const lookup = await grammars.schema(settings.schema);
    const constraint = await GrammarConstraint.create(lookup, stopTokenIds);
    return new ConstrainedGeneration(constraint, { compileMs: lookup.compileMs, cached: lookup.cached }, undefined, templateTools);
  }

  /**
   * The finished reply read back: with a schema, its parsed JSON; with tools, its calls and the
   * text besides them. A reply stopped on request is returned as it is. Throws `length` when the
   * token budget ended a reply the grammar had not completed (it would not be valid).
   */
  async finish(done: Pick<WorkerGenerationDone, 'text' | 'reason' | 'tokens'>): Promise<{
    text: string;
    json?: unknown;
    toolCalls?: ToolCall[];
    constraint?: ConstraintStats;
  }> {
    if (!this.constraint) return { text: done.text };
    try {
      const constraint: ConstraintStats = { ...this.stats, maskMs: Math.round(this.constraint.maskMs * 100) / 100 };
      if (done.reason === 'stopped') return { text: done.text, constraint };
      if (!(await this.constraint.complete())) {
        throw new SlmError(
          'length',
          this.format
            ? `The tool call was cut off at ${done.tokens} tokens (max-new-tokens) before it was complete.`
            : `The JSON was cut off at ${done.tokens} tokens (max-new-tokens) before it was complete: raise max-new-tokens, or bound the schema (maxLength, maxItems, enum).`,
        );
      }
      if (this.format) {
        const { content, calls } = parseToolCalls(this.format, done.text, newCallId);
        return { text: content, constraint, ...(calls.length > 0 ? { toolCalls: calls } : {}) };
      }
      return { text: done.text, json: JSON.parse(done.text), constraint };
    } finally {
      this.constraint.dispose();
    }
  }

  /** Frees the matcher of a generation that failed. */
  dispose(): void {
    this.constraint?.dispose();
  }
}
