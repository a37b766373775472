/**
 * Where a loaded model meets requests: the worker's one `ModelHost` loads its model
 * (`model-loader.ts`), queues generations (`scheduler.ts`) and runs each one, reusing and keeping
 * its conversation's KV cache (`conversation-cache.ts`, `kv-cache.ts`) and streaming its tokens
 * (`token-stream.ts`).
 *
 * This module runs only in the worker.
 */
import { ConversationCacheStore, planCacheReuse, type CachedConversation, type CacheLease } from './conversation-cache.js';
import { SlmError, errorText, type SlmWarningData } from '../shared/errors.js';
import { classifyRunError } from './failure-classification.js';
import { cacheBytes, canCrop, cropCache, disposeQuietly, freeReplacedTensors, type KvCache } from './kv-cache.js';
import { loadModel, queryModel, type LoadedModel, type LoadReport } from './model-loader.js';
import { fitPrompt, idsOf, type PromptFit } from './prompt.js';
import { Scheduler, type JobSource, type RunningJob } from './scheduler.js';
import { TokenStream } from './token-stream.js';
import type { ConstrainedGeneration } from './grammar/constrained-generation.js';
import type { ModelGrammars } from './grammar/grammar-compiler.js';
import type { ModelQuery, ModelQueryAnswers, WorkerGenerateOptions, WorkerGenerationDone, WorkerLoadConfig } from '../shared/protocol.js';
import type { EngineStats, GenerationInput, GenerationSettings, LoadProgress } from '../shared/types.js';

type Tensor = InstanceType<LoadedModel['lib']['Tensor']>;

/** Callbacks through which a load reports back (to every page that asked for it). */
export interface LoadListener {
  onProgress(progress: LoadProgress): void;
  onWarning(warning: SlmWarningData): void;
}

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

/** The loaded model, the queue of generations for it, and the conversations' caches. */
export class ModelHost {
  private loaded: LoadedModel | undefined;
  /** The load in progress or done: later requests for the same configuration join it. */
  private loading: { key: string; listeners: Set<LoadListener>; last?: LoadProgress; result: Promise<LoadReport> } | undefined;
  private readonly scheduler = new Scheduler();
  private readonly conversations = new ConversationCacheStore<KvCache>();
  /**
   * The model's compiled grammars (schemas, tools), made on the first constrained request: the
   * grammar code and XGrammar are imported then, never by a worker that gets only free requests.
   */
  private grammars: Promise<{ grammars: ModelGrammars; Generation: typeof ConstrainedGeneration }> | undefined;
  /** The running generation's grammar step (see `GrammarConstraint.prepare`), run beside each forward pass. */
  private beforeForward: (() => Promise<void>) | undefined;

  /**
   * Loads the model (see `loadModel`); its forward pass yields to the message loop when due (see
   * `Scheduler.yieldIfDue`). A request for the configuration already loading or loaded (another
   * tab of a shared worker) joins that load: one download, progress to every page that waits.
   */
  load(config: WorkerLoadConfig, listener: LoadListener): Promise<LoadReport> {
    // A repair joins a repair in progress too: in a shared worker, every tab that found the
    // damaged file asks for one, and the first one does it for all.
    const { repair: _repair, ...identity } = config;
    const key = JSON.stringify(identity);
    const current = this.loading;
    if (current?.key === key) {
      current.listeners.add(listener);
      if (current.last) listener.onProgress(current.last);
      return current.result.finally(() => current.listeners.delete(listener));
    }
    const listeners = new Set([listener]);
    const loading: NonNullable<ModelHost['loading']> = {
      key,
      listeners,
      result: loadModel(
        config,
        (progress) => {
          loading.last = progress;
          for (const each of listeners) each.onProgress(progress);
        },
        (warning) => {
          for (const each of listeners) each.onWarning(warning);
        },
      ).then((loaded) => {
        const { model } = loaded;
        freeReplacedTensors(loaded.lib);
        const forward = model.forward.bind(model);
        model.forward = async (inputs: Parameters<typeof forward>[0]) => {
          const due = this.scheduler.yieldIfDue();
          if (due) await due;
          // A constrained generation's grammar step runs beside the pass (see `run`).
          const grammarStep = this.beforeForward?.();
          if (!grammarStep) return (await forward(inputs)) as unknown;
          const [output] = await Promise.all([forward(inputs) as Promise<unknown>, grammarStep]);
          return output;
        };
        this.loaded = loaded;
        return loaded.report;
      }),
    };
    this.loading = loading;
    // A failed load is not joined later: the next request starts anew (on the page's decision).
    loading.result.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    return loading.result;
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

  /**
   * Queues a generation; resolves when it has finished (or was stopped, or superseded by its
   * owner's next one). `source`: the page it comes from (its visibility ranks it).
   */
  generate(
    id: number,
    input: GenerationInput,
    settings: GenerationSettings,
    options: WorkerGenerateOptions,
    sink: GenerationSink,
    source?: JobSource,
  ): Promise<WorkerGenerationDone> {
    // The ticket is taken now: a release after this point voids this generation's cache.
    const ticket = options.conversationId === undefined ? 0 : this.conversations.ticket(options.conversationId);
    return this.scheduler.submit(
      { id, priority: options.priority ?? 'interactive', owner: options.owner, source, onQueue: (ahead) => sink.onQueue(ahead) },
      (job) => this.run(job, input, settings, options, ticket, sink),
      () => ({ ...NOT_RUN }),
    );
  }

  /** Stops a generation: a queued one is dropped, a running one ends at its next token. */
  stop(id: number): void {
    this.scheduler.stop(id);
  }

  /** A page's visibility changed (see `Scheduler.reorder`). */
  reorder(): void {
    this.scheduler.reorder();
  }

  /**
   * Disposes a conversation's KV cache. A generation of that conversation that is queued or
   * running now ends without keeping one; the next starts from scratch.
   */
  release(conversationId: string): Promise<void> {
    return this.conversations.release(conversationId);
  }

  /**
   * Runs one generation (its turn has come). Usually in one `generate()` call; a pre-empted job
   * (a hidden page's, while a visible page's job waits: see `Scheduler`) stops at its next token,
   * gives its turn away and continues where it stopped, keeping its KV cache in between, so
   * nothing is processed twice and the page sees one unbroken stream.
   */
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
    let fitted: PromptFit;
    try {
      // Throws `context-overflow` when nothing fits; that rejection carries its own code.
      fitted = fitPrompt(tokenizer, input, settings.maxNewTokens, options.contextWindow ?? contextLength, constrained?.templateTools);
    } catch (error) {
      constrained?.dispose();
      throw error;
    }
    const promptIds = fitted.ids;
    const budget = fitted.maxNewTokens;
    // The grammar decides where a constrained reply ends: stop sequences would only cut it.
    const stops = constrained?.constraint ? [] : (settings.stopSequences ?? []);
    const stream = new TokenStream(tokenizer, stops, budget, (piece, id) => sink.onToken(piece, id));
    const eosIds = new Set(eosIdsOf(model));
    // The streamer sees each token (and feeds the stop-sequence matcher) before the criteria run,
    // so the generation ends on the very token that completes a stop sequence.
    class StopSequenceCriteria extends lib.StoppingCriteria {
      override _call(input_ids: number[][]): boolean[] {
        return input_ids.map(() => stream.matched);
      }
    }
    const stopSequences = stops.length ? [new StopSequenceCriteria()] : [];
    const constraint = constrained?.constraint;
    const grammar = constraint?.hooks(lib);
    /** Whether the reply is complete (as opposed to cut short by a pre-emption). */
    const complete = () =>
      job.stopped ||
      stream.matched ||
      stream.generated.length >= budget ||
      eosIds.has(stream.generated.at(-1) ?? -1) ||
      Boolean(constraint?.terminated);

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
      let ids = promptIds;
      let output: { sequences?: Tensor; past_key_values?: KvCache };
      for (;;) {
        // Checked after every token; a stop (or a pre-emption) flips it (transformers.js #1182: no AbortSignal).
        const interrupt = new lib.InterruptableStoppingCriteria();
        job.onStop(() => interrupt.interrupt());
        stream.beginSlice();
        // Only this generation's grammar runs beside the forward passes (see `load`); set again
        // for every slice, as a job that ran in between set its own.
        if (constraint) this.beforeForward = () => constraint.prepare();
        try {
          output = (await model.generate({
            // The FULL prompt: with a cache, transformers.js skips the first get_seq_length()
            // tokens itself (decoder_prepare_inputs_for_generation) and derives positions from
            // the full attention mask, so positions continue where the cache ends.
            input_ids: new lib.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, ids.length]),
            attention_mask: new lib.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
            ...(cache ? { past_key_values: cache } : {}),
            // Returns the cache instead of disposing it (a passed-in cache is updated in place).
            return_dict_in_generate: true,
            max_new_tokens: budget - stream.generated.length,
            do_sample: !greedy,
            ...(greedy ? {} : { temperature: settings.temperature }),
            streamer: stream,
            // The grammar's criterion accepts every sampled token exactly once (transformers.js
            // calls every criterion after each step), so its matcher carries over between slices.
            stopping_criteria: [interrupt, ...stopSequences, ...(grammar ? [grammar.criterion] : [])],
            ...(grammar ? { logits_processor: [grammar.processor] } : {}),
          } as never)) as typeof output;
        } catch (error) {
          // Device lost, out of memory, or another failure: the page decides whether a rebuilt
          // engine (or WebAssembly) can help.
          throw classifyRunError(error);
        } finally {
          this.beforeForward = undefined;
        }
        if (output.past_key_values && output.past_key_values !== cache && cache) await disposeQuietly(cache);
        cache = output.past_key_values;
        if (!job.preempted || complete()) break;
        // Pre-empted: the cache covers every token but the last generated one, so the next slice
        // feeds just that token.
        ids = output.sequences ? idsOf(output.sequences) : [...promptIds, ...stream.generated];
        await job.yieldTurn();
      }
      if (lease) keep = this.keepable(output, cache);
      else if (cache) await disposeQuietly(cache);
      cache = undefined;
    } catch (error) {
      // A cache that went into a failed generation was updated in place up to the failure: its
      // contents no longer match any token list we know.
      if (cache) await disposeQuietly(cache);
      constrained?.dispose();
      throw error;
    } finally {
      if (lease) await this.conversations.checkIn(lease, keep);
    }

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
        Generation: generation.ConstrainedGeneration,
      }),
      (error: unknown) => {
        throw new SlmError('network-error', `The grammar engine could not be loaded (${errorText(error)}).`);
      },
    );
    this.grammars.catch(() => (this.grammars = undefined));
    const { grammars, Generation } = await this.grammars;
    return Generation.start(grammars, input, settings, tokenizer.chat_template, eosIdsOf(model));
  }

  /**
   * The cache a finished (or stopped) generation returned, with the token ids it covers, or
   * `null` (after disposing it) when those cannot be established.
   *
   * The cache holds every token of `sequences` (prompt + generated) except the last generated one:
   * generate() samples that token after the final forward pass and never feeds it. This holds for
   * stopped generations too (the stopping criteria run after sampling), so their cache is kept.
   */
  private keepable(output: { sequences?: Tensor }, cache: KvCache | undefined): CachedConversation<KvCache> | null {
    const { sequences } = output;
    if (!cache) return null;
    const drop = () => {
      void disposeQuietly(cache);
      return null;
    };
    if (sequences?.dims[0] !== 1) return drop();
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
