/**
 * Grammars for a loaded model: XGrammar's tokenizer description and compiler, made on the first
 * constrained request, and every compiled grammar cached by what it was compiled from (the
 * schema's text; the tools, their choice and format), so a schema is compiled once however many
 * requests use it. Failures are cached too: a bad schema is refused at once the next time, and
 * never reaches XGrammar twice (each refusal there costs part of its stack: `xgrammar-module.ts`).
 */
import { SlmError } from '../../shared/errors.js';
import type { ToolRequest } from '../../shared/structured.js';
import { narrowCharacterClasses, replaceNumberPlaceholders } from './ebnf-narrowing.js';
import { prepareSchema } from './schema-preflight.js';
import { toolCallStructure, type ResolvedToolFormat } from './tool-formats.js';
import { describeTokenizer } from './tokenizer-info.js';
import { ABORT_BUDGET, loadXGrammar, type CompiledGrammar, type GrammarCompiler, type XGrammarRuntime } from './xgrammar-module.js';
import type { Tokenizer } from '../model-loader.js';

/** Compiled grammars kept per model (least recently used dropped first). */
const CACHE_SIZE = 64;

/** A compiled grammar and how long this request waited for it. */
export interface GrammarLookup {
  grammar: CompiledGrammar;
  runtime: XGrammarRuntime;
  /** Milliseconds from the request to the grammar (0 when cached and settled). */
  compileMs: number;
  cached: boolean;
}

/** The model's grammar compiler, made on first need. */
interface CompilerState {
  runtime: XGrammarRuntime;
  compiler: GrammarCompiler;
}

/** One loaded model's grammars. */
export class ModelGrammars {
  private state: Promise<CompilerState> | undefined;
  private readonly cache = new Map<string, Promise<CompiledGrammar>>();

  /**
   * @param vocabSize The size of the model's logits (`config.vocab_size`).
   * @param stopTokenIds The model's end-of-sequence ids: where a grammar ends, one of them ends the reply.
   */
  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly vocabSize: number,
    private readonly stopTokenIds: number[],
  ) {}

  /** The grammar of JSON that validates against `schemaText` (a JSON Schema as JSON text). */
  schema(schemaText: string): Promise<GrammarLookup> {
    return this.lookup(`schema:${schemaText}`, async ({ runtime, compiler }) => {
      const ebnf = await this.schemaGrammar(runtime, schemaText, 'The schema');
      return runtime.guard(() => compiler.compileGrammar(ebnf));
    });
  }

  /** The grammar of replies that call the request's tools in `format`. */
  tools(request: ToolRequest & { choice: 'auto' | 'required' }, format: ResolvedToolFormat): Promise<GrammarLookup> {
    return this.lookup(`tools:${format}:${JSON.stringify(request)}`, async ({ runtime, compiler }) => {
      const grammars: string[] = [];
      for (const tool of request.tools) {
        grammars.push(await this.schemaGrammar(runtime, JSON.stringify(tool.parameters), `The parameters of tool "${tool.name}"`));
      }
      const structure = toolCallStructure(request, format, grammars);
      return runtime.guard(() => compiler.compileStructuralTag(structure));
    });
  }

  /** Frees the compiled grammars and the compiler (the model is being replaced). */
  dispose(): void {
    const state = this.state;
    this.state = undefined;
    const grammars = [...this.cache.values()];
    this.cache.clear();
    for (const grammar of grammars) grammar.then((g) => g.dispose(), () => {});
    void state?.then((s) => s.compiler.dispose(), () => {});
  }

  /**
   * One-line JSON grammar (EBNF) of a schema, narrowed (`schema-preflight.ts`,
   * `ebnf-narrowing.ts`). `label` names the schema in messages.
   */
  private async schemaGrammar(runtime: XGrammarRuntime, schemaText: string, label: string): Promise<string> {
    let prepared;
    try {
      prepared = prepareSchema(schemaText);
    } catch (error) {
      throw relabel(error, label);
    }
    try {
      // No free whitespace (indent -1: one line; anyWhitespace false) and strict: a model cannot
      // pad, and properties are only those the schema names.
      const ebnf = await runtime.guard(() => runtime.xgr.Testings._jsonSchemaToEBNF(prepared.text, false, -1, undefined, true));
      return narrowCharacterClasses(replaceNumberPlaceholders(ebnf, prepared.numbers));
    } catch (error) {
      throw new SlmError('invalid-schema', `${label} cannot be enforced: ${(error as Error).message}.`);
    }
  }

  private async lookup(key: string, compile: (state: CompilerState) => Promise<CompiledGrammar>): Promise<GrammarLookup> {
    const started = performance.now();
    let entry = this.cache.get(key);
    const cached = entry !== undefined;
    if (entry) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, entry);
    } else {
      entry = this.compiler().then((state) => {
        if (state.runtime.aborts >= ABORT_BUDGET) {
          throw new SlmError(
            'invalid-schema',
            'Too many schemas were refused by the grammar engine in this page; reload it to use new schemas.',
          );
        }
        return compile(state);
      });
      this.cache.set(key, entry);
      entry.catch(() => {});
      while (this.cache.size > CACHE_SIZE) {
        const [oldest, grammar] = this.cache.entries().next().value!;
        this.cache.delete(oldest);
        // A matcher made from it keeps its own reference (XGrammar's objects are shared pointers).
        grammar.then((g) => g.dispose(), () => {});
      }
    }
    let grammar: CompiledGrammar;
    try {
      grammar = await entry;
    } catch (error) {
      if (error instanceof SlmError) throw error;
      throw new SlmError('invalid-schema', `The grammar could not be compiled: ${(error as Error).message}.`);
    }
    const { runtime } = await this.compiler();
    return { grammar, runtime, compileMs: Math.round((performance.now() - started) * 10) / 10, cached };
  }

  private compiler(): Promise<CompilerState> {
    this.state ??= (async () => {
      const runtime = await loadXGrammar().catch((error: unknown) => {
        throw new SlmError('network-error', `The grammar engine could not be loaded (${(error as Error)?.message ?? String(error)}).`);
      });
      const d = describeTokenizer(this.tokenizer, this.vocabSize, this.stopTokenIds);
      const info = await runtime.guard(() => runtime.xgr.TokenizerInfo.createTokenizerInfo(d.vocab, d.vocabType, d.prependSpace, d.vocabSize, d.stopTokenIds));
      const compiler = await runtime.guard(() => runtime.xgr.GrammarCompiler.createGrammarCompiler(info));
      return { runtime, compiler };
    })();
    this.state.catch(() => (this.state = undefined));
    return this.state;
  }
}

/** An `invalid-schema` error whose message starts with `label` instead of "The schema". */
function relabel(error: unknown, label: string): unknown {
  if (!(error instanceof SlmError) || label === 'The schema') return error;
  return new SlmError(error.code, error.message.replace(/^The schema/, label));
}
