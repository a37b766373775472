/**
 * Where a loaded model meets requests: the worker's one `ModelHost` loads its model
 * (`model-loader.ts`), queues generations (`scheduler.ts`) and runs each one, reusing and keeping
 * its conversation's KV cache (`conversation-cache.ts`, `kv-cache.ts`) and streaming its tokens
 * (`token-stream.ts`).
 *
 * This module runs only in the worker.
 */
import { fitChat, fitText } from './context-window.js';
import { ConversationCacheStore, planCacheReuse, type CachedConversation, type CacheLease } from './conversation-cache.js';
import { SlmError, errorText, type SlmWarningData } from '../shared/errors.js';
import { classifyRunError } from './failure-classification.js';
import { cacheBytes, canCrop, cropCache, disposeQuietly, type KvCache } from './kv-cache.js';
import { loadModel, queryModel, type LoadedModel, type LoadReport } from './model-loader.js';
import { Scheduler, type RunningJob } from './scheduler.js';
import { TokenStream } from './token-stream.js';
import type { ConstrainedGeneration, TemplateTool } from './grammar/constrained-generation.js';
import type { ModelGrammars } from './grammar/grammar-compiler.js';
import type { ModelQuery, ModelQueryAnswers, WorkerGenerateOptions, WorkerGenerationDone, WorkerLoadConfig } from '../shared/protocol.js';
import type { ChatMessage, EngineStats, GenerationInput, GenerationSettings, LoadProgress } from '../shared/types.js';

type Tensor = InstanceType<LoadedModel['lib']['Tensor']>;

/** Callbacks through which a generation reports back to the worker's message loop. */
export interface GenerationSink {
  onToken(token: string, tokenId: number): void;
  /** The job's place in the queue changed: how many generations run or wait before it. */
  onQueue(ahead: number): void;
}

/** A generation that never ran. */
const NOT_RUN: WorkerGenerationDone = {
  text: '',
  reason: 'stopped',
  tokens: 0,
  promptTokens: 0,
  cachedTokens: 0,
  droppedMessages: 0,
};

/** The model's end-of-sequence token ids (generation config). */
function eosIdsOf(model: LoadedModel['model']): number[] {
  return ([] as unknown[]).concat(model.generation_config?.eos_token_id ?? []).map(Number);
}

/** The size of the model's logits (`config.vocab_size`; 0 when unknown: the tokenizer's then). */
function vocabSizeOf(model: LoadedModel['model']): number {
  const size = (model.config as { vocab_size?: unknown } | undefined)?.vocab_size;
  return typeof size === 'number' ? size : 0;
}

/** Token ids of a `[1, n]` int64 tensor. */
function idsOf(tensor: Tensor): number[] {
  return Array.from(tensor.data as BigInt64Array, Number);
}

/** The loaded model, the queue of generations for it, and the conversations' caches. */
export class ModelHost {
  private loaded: LoadedModel | undefined;
  private readonly scheduler = new Scheduler();
  private readonly conversations = new ConversationCacheStore<KvCache>();
  /**
   * The model's compiled grammars (schemas, tools), made on the first constrained request: the
   * grammar code and XGrammar are imported then, never by a worker that gets only free requests.
   */
  private grammars: Promise<{ grammars: ModelGrammars; start: typeof ConstrainedGeneration.start }> | undefined;
  /** The running generation's grammar step (see `GrammarConstraint.prepare`), run beside each forward pass. */
  private beforeForward: (() => Promise<void>) | undefined;

  /** Loads the model (see `loadModel`); its forward pass yields to the message loop when due (see `Scheduler.yieldIfDue`). */
  async load(
    config: WorkerLoadConfig,
    onProgress: (progress: LoadProgress) => void,
    onWarning: (warning: SlmWarningData) => void,
  ): Promise<LoadReport> {
    const loaded = await loadModel(config, onProgress, onWarning);
    const { model } = loaded;
    const forward = model.forward.bind(model);
    model.forward = async (inputs: Parameters<typeof forward>[0]) => {
      const due = this.scheduler.yieldIfDue();
      if (due) await due;
      const grammarStep = this.beforeForward?.();
      if (!grammarStep) return forward(inputs);
      const [output] = await Promise.all([forward(inputs), grammarStep]);
      return output;
    };
    this.loaded = loaded;
    return loaded.report;
  }

  /** Answers a question about the model's files without loading it (see `queryModel`). */
  query<Q extends ModelQuery>(config: WorkerLoadConfig, query: Q): Promise<ModelQueryAnswers[Q]> {
    return queryModel(config, query);
  }

  /** What the worker holds now. */
  stats(): EngineStats {
    return {
      conversations: this.conversations.size,
      cacheBytes: this.conversations.bytes,
      queued: this.scheduler.waiting,
      running: this.scheduler.busy,
    };
  }

  /** Queues a generation; resolves when it has finished (or was stopped, or superseded by its owner's next one). */
  generate(
    id: number,
    input: GenerationInput,
    settings: GenerationSettings,
    options: WorkerGenerateOptions,
    sink: GenerationSink,
  ): Promise<WorkerGenerationDone> {
    // The ticket is taken now: a release after this point voids this generation's cache.
    const ticket = options.conversationId === undefined ? 0 : this.conversations.ticket(options.conversationId);
    return this.scheduler.submit(
      { id, priority: options.priority ?? 'interactive', owner: options.owner, onQueue: (ahead) => sink.onQueue(ahead) },
      (job) => this.run(job, input, settings, options, ticket, sink),
      () => ({ ...NOT_RUN }),
    );
  }

  /** Stops a generation: a queued one is dropped, a running one ends at its next token. */
  stop(id: number): void {
    this.scheduler.stop(id);
  }

  /**
   * Disposes a conversation's KV cache. A generation of that conversation that is queued or
   * running now ends without keeping one; the next starts from scratch.
   */
  release(conversationId: string): Promise<void> {
    return this.conversations.release(conversationId);
  }

  /**
   * Tokenizes a conversation exactly as transformers.js' text-generation pipeline does: chat
   * template with the generation prompt, no further special tokens (the template placed them).
   */
  private encodeChat(messages: ChatMessage[], tools?: TemplateTool[]): number[] {
    const text = this.loaded!.tokenizer.apply_chat_template(messages as never, {
      tokenize: false,
      add_generation_prompt: true,
      ...(tools ? { tools } : {}),
    } as never) as unknown as string;
    return this.encodeText(text, false);
  }

  /** Tokenizes text; by default adds special tokens only when the tokenizer asks for BOS/EOS, as the pipeline does. */
  private encodeText(text: string, addSpecialTokens?: boolean): number[] {
    const tokenizer = this.loaded!.tokenizer;
    const add_special_tokens = addSpecialTokens ?? Boolean(tokenizer.add_bos_token || tokenizer.add_eos_token);
    const encoded = tokenizer(text, { add_special_tokens }) as unknown as { input_ids: Tensor };
    return idsOf(encoded.input_ids);
  }

  /** The prompt's token ids after fitting the context window, and the reply budget left. */
  private fit(
    input: GenerationInput,
    maxNewTokens: number,
    contextWindow: number,
    tools?: TemplateTool[],
  ): { ids: number[]; droppedMessages: number; maxNewTokens: number } {
    if (input.kind === 'chat') {
      return fitChat(input.messages, (messages) => this.encodeChat(messages, tools), maxNewTokens, contextWindow);
    }
    const tokenizer = this.loaded!.tokenizer;
    const ids = this.encodeText(input.prompt);
    // A BOS token the tokenizer added stays in front when the start of the text is cut.
    const keepFirst = tokenizer.add_bos_token && ids[0] === tokenizer.bos_token_id ? 1 : 0;
    const fitted = fitText(ids, maxNewTokens, contextWindow, keepFirst);
    return { ids: fitted.ids, droppedMessages: 0, maxNewTokens: fitted.maxNewTokens };
  }

  /** Runs one generation (its turn has come). */
  private async run(
    job: RunningJob,
    input: GenerationInput,
    settings: GenerationSettings,
    options: WorkerGenerateOptions,
    ticket: number,
    sink: GenerationSink,
  ): Promise<WorkerGenerationDone> {
    const { lib, tokenizer, model, contextLength } = this.loaded!;
    // A schema or tools: the grammar first (`invalid-schema` rejects before anything runs).
    const constrained = settings.schema !== undefined || settings.tools ? await this.constrain(input, settings) : undefined;
    let fitted: ReturnType<ModelHost['fit']>;
    try {
      // Throws `context-overflow` when nothing fits; that rejection carries its own code.
      fitted = this.fit(input, settings.maxNewTokens, options.contextWindow ?? contextLength, constrained?.templateTools);
    } catch (error) {
      constrained?.dispose();
      throw error;
    }
    const promptIds = fitted.ids;
    // The grammar decides where a constrained reply ends: stop sequences would only cut it.
    const stops = constrained?.constraint ? [] : (settings.stopSequences ?? []);
    const stream = new TokenStream(tokenizer, stops, fitted.maxNewTokens, (piece, id) => sink.onToken(piece, id));

    // Checked after every token; a stop flips it (transformers.js #1182: no AbortSignal).
    const interrupt = new lib.InterruptableStoppingCriteria();
    job.onStop(() => interrupt.interrupt());
    // The streamer sees each token (and feeds the stop-sequence matcher) before the criteria run,
    // so the generation ends on the very token that completes a stop sequence.
    class StopSequenceCriteria extends lib.StoppingCriteria {
      override _call(input_ids: number[][]): boolean[] {
        return input_ids.map(() => stream.matched);
      }
    }
    const criteria: InstanceType<typeof lib.StoppingCriteria>[] = stops.length ? [interrupt, new StopSequenceCriteria()] : [interrupt];
    const grammar = constrained?.constraint?.hooks(lib);
    if (grammar) criteria.push(grammar.criterion);

    // A conversation's cache is checked out for this generation alone, and checked in (or
    // dropped) before the next job starts. Completions (no conversationId) never see any cache.
    const { conversationId } = options;
    const lease: CacheLease<KvCache> | undefined =
      conversationId === undefined ? undefined : this.conversations.checkOut(conversationId, ticket);
    let cache: KvCache | undefined;
    let cachedTokens = 0;
    let keep: CachedConversation<KvCache> | null = null;
    try {
      if (lease?.entry) {
        const previous = lease.entry;
        const plan = planCacheReuse(previous.ids, promptIds, canCrop(previous.cache, previous.ids.length));
        if (plan.action === 'reuse') {
          cache = previous.cache;
        } else {
          if (plan.action === 'crop') cache = cropCache(lib, previous.cache, plan.cachedTokens);
          await disposeQuietly(previous.cache);
        }
        cachedTokens = plan.cachedTokens;
      }

      const greedy = settings.temperature === 0;
      let output: unknown;
      // Only this generation's grammar runs beside the forward passes (see `load`).
      const constraint = constrained?.constraint;
      if (constraint) this.beforeForward = () => constraint.prepare();
      try {
        output = await model.generate({
          // The FULL prompt: with a cache, transformers.js skips the first get_seq_length() tokens
          // itself (decoder_prepare_inputs_for_generation) and derives positions from the full
          // attention mask, so positions continue where the cache ends.
          input_ids: new lib.Tensor('int64', BigInt64Array.from(promptIds, (id) => BigInt(id)), [1, promptIds.length]),
          attention_mask: new lib.Tensor('int64', new BigInt64Array(promptIds.length).fill(1n), [1, promptIds.length]),
          ...(cache ? { past_key_values: cache } : {}),
          // Returns the cache instead of disposing it (a passed-in cache is updated in place).
          ...(lease ? { return_dict_in_generate: true } : {}),
          max_new_tokens: fitted.maxNewTokens,
          do_sample: !greedy,
          ...(greedy ? {} : { temperature: settings.temperature }),
          streamer: stream,
          stopping_criteria: criteria,
          ...(grammar ? { logits_processor: [grammar.processor] } : {}),
        } as never);
      } catch (error) {
        // Device lost, out of memory, or another failure: the page decides whether a rebuilt
        // engine (or WebAssembly) can help.
        throw classifyRunError(error);
      } finally {
        this.beforeForward = undefined;
      }
      if (lease) keep = this.keepable(output, cache);
    } catch (error) {
      // A cache that went into a failed generation was updated in place up to the failure: its
      // contents no longer match any token list we know.
      if (cache) await disposeQuietly(cache);
      constrained?.dispose();
      throw error;
    } finally {
      if (lease) await this.conversations.checkIn(lease, keep);
    }

    const eosIds = new Set(eosIdsOf(model));
    const finished = stream.finish(job.stopped, eosIds);
    return {
      ...finished,
      // A constrained reply read back: its JSON or tool calls (or `length` when it was cut off).
      ...(constrained ? await constrained.finish(finished) : {}),
      promptTokens: promptIds.length,
      cachedTokens,
      droppedMessages: fitted.droppedMessages,
    };
  }

  /** The grammar state of a generation with a schema or tools (`undefined` when it turns out to have none). */
  private async constrain(input: GenerationInput, settings: GenerationSettings): Promise<ConstrainedGeneration | undefined> {
    const { tokenizer, model } = this.loaded!;
    this.grammars ??= Promise.all([import('./grammar/grammar-compiler.js'), import('./grammar/constrained-generation.js')]).then(
      ([compiler, generation]) => ({
        grammars: new compiler.ModelGrammars(tokenizer, vocabSizeOf(model), eosIdsOf(model)),
        start: generation.ConstrainedGeneration.start,
      }),
      (error: unknown) => {
        throw new SlmError('network-error', `The grammar engine could not be loaded (${errorText(error)}).`);
      },
    );
    this.grammars.catch(() => (this.grammars = undefined));
    const { grammars, start } = await this.grammars;
    return start(grammars, input, settings, tokenizer.chat_template, eosIdsOf(model));
  }

  /**
   * The cache a finished (or stopped) generation returned, with the token ids it covers, or
   * `null` (after disposing it) when those cannot be established.
   *
   * The cache holds every token of `sequences` (prompt + generated) except the last generated one:
   * generate() samples that token after the final forward pass and never feeds it. This holds for
   * stopped generations too (the stopping criteria run after sampling), so their cache is kept.
   */
  private keepable(output: unknown, passed: KvCache | undefined): CachedConversation<KvCache> | null {
    const { sequences, past_key_values: cache } = (output ?? {}) as { sequences?: Tensor; past_key_values?: KvCache };
    if (!cache) return null;
    const drop = () => {
      void disposeQuietly(cache);
      // `passed` was updated in place, so it is the same object; nothing else to free.
      return null;
    };
    if (passed && cache !== passed) void disposeQuietly(passed);
    if (!sequences || sequences.dims[0] !== 1) return drop();
    let length: number;
    try {
      length = cache.get_seq_length();
    } catch {
      // No attention cache to measure (e.g. a pure state-space model): nothing we can verify.
      return drop();
    }
    const all = idsOf(sequences);
    if (length < 1 || length !== all.length - 1) return drop();
    return { cache, ids: all.slice(0, length), bytes: cacheBytes(cache) };
  }
}
