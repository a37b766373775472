/**
 * Owns one transformers.js model inside the worker: loads it, then runs generations one at a time,
 * keeping each conversation's KV cache between its turns.
 *
 * This module runs only in the worker. transformers.js (and ONNX Runtime with it) is imported
 * dynamically on the first load (or query), so merely starting the worker costs nothing heavy.
 */
import { contextLengthOf, fitChat, fitText } from './context-window.js';
import {
  ConversationCacheStore,
  cropSequenceAxis,
  planCacheReuse,
  type CachedConversation,
  type CacheLease,
  type TensorData,
} from './conversation-cache.js';
import {
  SlmError,
  LoadFailure,
  type SlmErrorCode,
  type SlmWarningData,
} from '../shared/errors.js';
import { classifyLoadError, classifyRunError, isParseFailure } from './failure-classification.js';
import { IncrementalDecoder } from './incremental-decoder.js';
import {
  bytesToDownload,
  cacheStatus,
  checkStorageRoom,
  clearModelCache,
  configureEnvironment,
  deviceLadder,
  hasCachedFiles,
  loadWasmBinary,
  provideWasmBinary,
  probeDevice,
  resolveDtype,
  takeCacheWriteFailure,
} from './model-files.js';
import { StopSequenceMatcher, cutAtStop } from './stop-sequences.js';
import type {
  ModelQuery,
  ModelQueryAnswers,
  WorkerGenerateOptions,
  WorkerGenerationDone,
  WorkerLoadConfig,
} from '../shared/protocol.js';
import type {
  ChatMessage,
  DeviceCapabilities,
  EngineStats,
  GenerationInput,
  GenerationSettings,
  LoadProgress,
  ResolvedDevice,
  ResolvedDtype,
} from '../shared/types.js';

type Transformers = typeof import('@huggingface/transformers');
type Tokenizer = Awaited<ReturnType<Transformers['AutoTokenizer']['from_pretrained']>>;
type CausalLM = Awaited<ReturnType<Transformers['AutoModelForCausalLM']['from_pretrained']>>;
type ModelConfig = Awaited<ReturnType<Transformers['AutoConfig']['from_pretrained']>>;
type KvCache = InstanceType<Transformers['DynamicCache']>;
type Tensor = InstanceType<Transformers['Tensor']>;

/** Callbacks through which a generation reports back to the worker's message loop. */
export interface GenerationSink {
  onToken(token: string, tokenId: number): void;
  /** The job's place in the queue changed: how many generations run or wait before it. */
  onQueue(ahead: number): void;
}

/** What a load reports back. */
export interface LoadedModel {
  device: ResolvedDevice;
  dtype: ResolvedDtype;
  capabilities: DeviceCapabilities;
  fallbackReason?: string;
}

/** Load failures on WebGPU after which WebAssembly is worth a try (the others fail there too). */
const FALLBACK_CODES: ReadonlySet<SlmErrorCode> = new Set(['load-failed', 'model-invalid', 'out-of-memory', 'device-lost']);

/** A generation waiting for, or holding, the model. */
interface Job {
  id: number;
  input: GenerationInput;
  settings: GenerationSettings;
  options: WorkerGenerateOptions;
  /** The conversation's release count when the job was queued (see `ConversationCacheStore.ticket`). */
  ticket: number;
  sink: GenerationSink;
  /** Set by `stop()`; checked once per generated token (transformers.js #1182: no AbortSignal). */
  stopped: boolean;
  /** The running generation's stopping criterion, so `stop()` can interrupt it. */
  interrupt?: { interrupt(): void };
  /** The queue place last reported to the page (`undefined`: none yet). */
  ahead?: number;
  resolve(result: WorkerGenerationDone): void;
  reject(error: unknown): void;
}

/** A progress callback as transformers.js calls it. */
type ProgressCallback = (info: { status: string; file?: string; loaded?: number; total?: number }) => void;

let transformersModule: Promise<Transformers> | undefined;

/** Loads transformers.js once per worker, on first need. */
function loadTransformers(): Promise<Transformers> {
  transformersModule ??= import('@huggingface/transformers');
  return transformersModule;
}

/** Bytes per element of each ONNX tensor type a KV cache may hold. */
const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
  int4: 0.5,
  uint4: 0.5,
};

/** Memory held by a cache's tensors (on the GPU or in JavaScript), in bytes. */
function cacheBytes(cache: KvCache): number {
  let total = 0;
  for (const tensor of Object.values(cache) as Tensor[]) total += tensor.size * (BYTES_PER_ELEMENT[tensor.type] ?? 4);
  return total;
}

/**
 * Whether a cache can be cut to a shorter prefix here: only attention keys/values (a recurrent or
 * convolution state, as in hybrid models, summarises all tokens and cannot be cut), all in
 * JavaScript memory (wasm). WebGPU caches live in GPU buffers; cutting one would mean reading it
 * back, so those are rebuilt instead.
 */
function canCrop(cache: KvCache, length: number): boolean {
  const entries = Object.entries(cache) as [string, Tensor][];
  return (
    entries.length > 0 &&
    entries.every(
      ([name, tensor]) =>
        name.startsWith('past_key_values.') &&
        tensor.location === 'cpu' &&
        tensor.dims.length >= 3 &&
        tensor.dims.at(-2) === length,
    )
  );
}

/** A new cache holding the first `keep` positions of `cache` (CPU tensors; see `canCrop`). */
function cropCache(lib: Transformers, cache: KvCache, keep: number): KvCache {
  const entries: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(cache) as [string, Tensor][]) {
    const cropped = cropSequenceAxis(tensor.data as TensorData, tensor.dims, keep);
    entries[name] = new lib.Tensor(tensor.type as never, cropped.data as never, cropped.dims);
  }
  return new lib.DynamicCache(entries);
}

/**
 * A transformers.js stopping criterion that ends the generation once `matched()` is true. The
 * streamer sees each token (and feeds the stop-sequence matcher) before the criteria run, so the
 * generation ends on the very token that completes a stop sequence: no token is wasted.
 */
function stopWhen(lib: Transformers, matched: () => boolean): InstanceType<Transformers['StoppingCriteria']> {
  class StopSequenceCriteria extends lib.StoppingCriteria {
    override _call(input_ids: number[][]): boolean[] {
      return input_ids.map(() => matched());
    }
  }
  return new StopSequenceCriteria();
}

/** Disposes a cache without letting a failure to free memory fail the caller. */
async function disposeQuietly(cache: KvCache): Promise<void> {
  try {
    await cache.dispose();
  } catch (error) {
    console.warn('slm-elements: could not dispose a KV cache', error);
  }
}

/** Token ids of a `[1, n]` int64 tensor. */
function idsOf(tensor: Tensor): number[] {
  return Array.from(tensor.data as BigInt64Array, Number);
}

/**
 * Resolves in a new task, after messages already queued for this worker have been handled.
 * One `MessageChannel` serves all calls: unlike `setTimeout`, it is not clamped to 4 ms.
 */
const taskChannel = new MessageChannel();
const waitingForTask: (() => void)[] = [];
taskChannel.port1.onmessage = () => waitingForTask.shift()?.();
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    waitingForTask.push(resolve);
    taskChannel.port2.postMessage(null);
  });
}

/** Longest a running generation goes without letting other messages (a stop) in, in ms. */
const YIELD_EVERY_MS = 12;

/** A generation that never ran. */
const NOT_RUN: WorkerGenerationDone = {
  text: '',
  reason: 'stopped',
  tokens: 0,
  promptTokens: 0,
  cachedTokens: 0,
  droppedMessages: 0,
};

/** The loaded model and its tokenizer, a FIFO of generations (never two at once), and the conversations' caches. */
export class ModelHost {
  private tokenizer: Tokenizer | undefined;
  private model: CausalLM | undefined;
  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private lib: Transformers | undefined;
  /** The model's context length (`max_position_embeddings`), the default context window. */
  private contextLength = Infinity;
  private readonly conversations = new ConversationCacheStore<KvCache>();

  /**
   * Loads model and tokenizer on the first device of the ladder (see `deviceLadder`); with
   * `config.repair`, after deleting the model's cached files. Progress is aggregated over all
   * files into one `LoadProgress`.
   *
   * A failed load rejects with a `LoadFailure` that says whether another attempt, in a NEW worker,
   * may succeed: `repair` when a file did not parse and the model had files in Cache Storage (a
   * damaged copy), `fallback` when WebGPU failed and WebAssembly is next. A new worker, because
   * ONNX Runtime's WebAssembly instance does not recover from a failed session creation: every
   * later session in the same worker fails too (seen with onnxruntime-web 1.31.0-dev / transformers.js 4.3.1: a truncated cached model.onnx, repaired in the same worker, still failed "protobuf parsing failed"; a new worker loaded the same bytes).
   */
  async load(
    config: WorkerLoadConfig,
    onProgress: (progress: LoadProgress) => void,
    onWarning: (warning: SlmWarningData) => void,
  ): Promise<LoadedModel> {
    const files = new Map<string, { loaded: number; total: number }>();
    let lastFile: string | undefined;
    const progress_callback: ProgressCallback = (info) => {
      if (info.status !== 'progress' || !info.file) return;
      files.set(info.file, { loaded: info.loaded ?? 0, total: info.total ?? 0 });
      lastFile = info.file;
      let loaded = 0;
      let total = 0;
      for (const f of files.values()) {
        loaded += f.loaded;
        total += f.total;
      }
      onProgress({ loaded, total, progress: total > 0 ? Math.min(1, loaded / total) : 0, file: lastFile });
    };

    let ladder: ResolvedDevice[] = ['wasm'];
    let cachedBefore = false;
    let lib: Transformers | undefined;
    try {
      lib = await loadTransformers();
      this.lib = lib;
      configureEnvironment(lib, config);
      takeCacheWriteFailure();
      // Fetched (or read from Cache Storage) while config and tokenizer load; needed by the session.
      const runtime = loadWasmBinary(config.wasmPaths.wasm);
      runtime.catch(() => {});
      const capabilities = await probeDevice();
      ladder = deviceLadder(config, capabilities);
      if (config.repair) await clearModelCache(lib, config.model);
      cachedBefore = await hasCachedFiles(lib, config.model);
      const device = ladder[0]!;
      const dtype = await this.loadOn(lib, config, device, capabilities, progress_callback, runtime);
      const writeFailure = takeCacheWriteFailure();
      if (writeFailure) {
        onWarning({
          code: 'quota-exceeded',
          message: `The model runs, but this browser refused to store its files (${String(writeFailure)}): the next visit downloads them again.`,
        });
      }
      return { device, dtype, capabilities, ...(config.forceWasm ? { fallbackReason: config.forceWasm } : {}) };
    } catch (error) {
      const failure = classifyLoadError(error, config.model);
      let recover: LoadFailure['recover'];
      if (lib && isParseFailure(error)) {
        // A file that does not parse is never kept: a later load (or dtype="auto", which prefers
        // cached files) would trip over it again.
        await clearModelCache(lib, config.model).catch(() => 0);
        if (cachedBefore) recover = 'repair';
      }
      if (!recover && ladder[0] === 'webgpu' && ladder.length > 1 && FALLBACK_CODES.has(failure.code)) {
        recover = 'fallback';
      }
      throw new LoadFailure(failure, recover);
    }
  }

  /** Loads on one device and returns the dtype used. */
  private async loadOn(
    lib: Transformers,
    config: WorkerLoadConfig,
    device: ResolvedDevice,
    capabilities: DeviceCapabilities,
    progress_callback: ProgressCallback,
    runtime: Promise<ArrayBuffer>,
  ): Promise<ResolvedDtype> {
    const modelConfig = await this.readConfig(lib, config.model, progress_callback);
    const dtype = await resolveDtype(lib, config.model, modelConfig, config.dtype, device, capabilities.shaderF16);
    if (!(await cacheStatus(lib, config.model, modelConfig, device, dtype)).allCached) {
      await checkStorageRoom(await bytesToDownload(lib, config.model, modelConfig, device, dtype), config.model);
    }
    this.tokenizer = await lib.AutoTokenizer.from_pretrained(config.model, { progress_callback });
    provideWasmBinary(lib, await runtime);
    const model = await lib.AutoModelForCausalLM.from_pretrained(config.model, {
      config: modelConfig,
      device,
      dtype,
      progress_callback,
    });
    // On the wasm backend a whole generate() can settle through microtasks alone, so a `stop`
    // message would wait until the reply is complete. Yielding one task before a forward pass
    // lets it in between tokens. Not before every pass: waking the worker's event loop costs
    // about as much as 5% of a small model's token (bench 1), so at most every YIELD_EVERY_MS,
    // which bounds how long a stop can wait.
    const forward = model.forward.bind(model);
    let lastYield = performance.now();
    model.forward = async (inputs: Parameters<typeof forward>[0]) => {
      if (performance.now() - lastYield >= YIELD_EVERY_MS) {
        await nextTask();
        lastYield = performance.now();
      }
      return forward(inputs);
    };
    this.model = model;
    this.contextLength = contextLengthOf(model.config as unknown as Record<string, unknown>);
    return dtype;
  }

  /**
   * The model's `config.json` (its absence means "no such model", which deserves its own
   * message), after checking the tokenizer is there: without tokenizer_config.json,
   * transformers.js 4.3.1 fails with "reading 'tokenizer_class'".
   */
  private async readConfig(lib: Transformers, model: string, progress_callback?: ProgressCallback): Promise<ModelConfig> {
    const modelConfig = await lib.AutoConfig.from_pretrained(model, progress_callback ? { progress_callback } : {});
    if (!(await lib.ModelRegistry.get_file_metadata(model, 'tokenizer_config.json')).exists) {
      throw new SlmError('model-file-missing', `Model "${model}" has no tokenizer_config.json.`);
    }
    return modelConfig;
  }

  /**
   * Answers a question about the model's files without loading it (whether all are in Cache
   * Storage, or how many bytes are still to download, for the device and dtype a load would pick
   * first), or deletes them all from Cache Storage. Rejects with the same error classification as
   * `load`.
   */
  async query<Q extends ModelQuery>(config: WorkerLoadConfig, query: Q): Promise<ModelQueryAnswers[Q]> {
    const lib = await loadTransformers();
    configureEnvironment(lib, config);
    try {
      if (query === 'clear-cache') return (await clearModelCache(lib, config.model)) as ModelQueryAnswers[Q];
      const capabilities = await probeDevice();
      const device = deviceLadder(config, capabilities)[0]!;
      const modelConfig = await this.readConfig(lib, config.model);
      const dtype = await resolveDtype(lib, config.model, modelConfig, config.dtype, device, capabilities.shaderF16);
      if (query === 'is-cached' && (await cacheStatus(lib, config.model, modelConfig, device, dtype)).allCached) {
        return true as ModelQueryAnswers[Q];
      }
      // Also for `is-cached`: absent weights fail with `model-file-missing`, as a load would.
      const bytes = await bytesToDownload(lib, config.model, modelConfig, device, dtype);
      return (query === 'is-cached' ? false : bytes) as ModelQueryAnswers[Q];
    } catch (error) {
      throw classifyLoadError(error, config.model);
    }
  }

  /** What the worker holds now. */
  stats(): EngineStats {
    return {
      conversations: this.conversations.size,
      cacheBytes: this.conversations.bytes,
      queued: this.queue.length,
      running: this.running !== undefined,
    };
  }

  /** Queues a generation; resolves when it has finished (or was stopped). */
  generate(
    id: number,
    input: GenerationInput,
    settings: GenerationSettings,
    options: WorkerGenerateOptions,
    sink: GenerationSink,
  ): Promise<WorkerGenerationDone> {
    // The ticket is taken now: a release after this point voids this generation's cache.
    const ticket = options.conversationId === undefined ? 0 : this.conversations.ticket(options.conversationId);
    return new Promise((resolve, reject) => {
      const job: Job = { id, input, settings, options, ticket, sink, stopped: false, resolve, reject };
      // Interactive jobs (chats) go before every waiting background job (completions, ghost
      // text); within one priority the order of arrival is kept.
      const background = (queued: Job) => queued.options.priority === 'background';
      const before = job.options.priority === 'background' ? -1 : this.queue.findIndex(background);
      if (before < 0) this.queue.push(job);
      else this.queue.splice(before, 0, job);
      void this.drain();
      this.reportQueue();
    });
  }

  /** Stops a generation: a queued one is dropped, a running one ends at its next token. */
  stop(id: number): void {
    if (this.running?.id === id) {
      this.running.stopped = true;
      this.running.interrupt?.interrupt();
      return;
    }
    const index = this.queue.findIndex((job) => job.id === id);
    if (index >= 0) {
      const [job] = this.queue.splice(index, 1);
      job!.resolve({ ...NOT_RUN });
      this.reportQueue();
    }
  }

  /**
   * Disposes a conversation's KV cache. A generation of that conversation that is queued or
   * running now ends without keeping one; the next starts from scratch.
   */
  release(conversationId: string): Promise<void> {
    return this.conversations.release(conversationId);
  }

  /**
   * Tells every job whose place changed how many generations run or wait before it. A job that
   * never waited hears nothing; one that waited hears `0` when it starts.
   */
  private reportQueue(): void {
    const running = this.running;
    if (running && running.ahead !== undefined && running.ahead !== 0) {
      running.ahead = 0;
      running.sink.onQueue(0);
    }
    const offset = running ? 1 : 0;
    this.queue.forEach((job, index) => {
      const ahead = index + offset;
      if (ahead === 0 || job.ahead === ahead) return;
      job.ahead = ahead;
      job.sink.onQueue(ahead);
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    this.reportQueue();
    try {
      job.resolve(await this.run(job));
    } catch (error) {
      job.reject(error);
    } finally {
      this.running = undefined;
      void this.drain();
    }
  }

  /**
   * Tokenizes a conversation exactly as transformers.js' text-generation pipeline does: chat
   * template with the generation prompt, no further special tokens (the template placed them).
   */
  private encodeChat(messages: ChatMessage[]): number[] {
    const tokenizer = this.tokenizer!;
    const text = tokenizer.apply_chat_template(messages, {
      tokenize: false,
      add_generation_prompt: true,
    }) as unknown as string;
    return this.encodeText(text, false);
  }

  /** Tokenizes text; by default adds special tokens only when the tokenizer asks for BOS/EOS, as the pipeline does. */
  private encodeText(text: string, addSpecialTokens?: boolean): number[] {
    const tokenizer = this.tokenizer!;
    const add_special_tokens = addSpecialTokens ?? Boolean(tokenizer.add_bos_token || tokenizer.add_eos_token);
    const encoded = tokenizer(text, { add_special_tokens }) as unknown as { input_ids: Tensor };
    return idsOf(encoded.input_ids);
  }

  /** The prompt's token ids after fitting the context window, and the reply budget left. */
  private fit(
    input: GenerationInput,
    maxNewTokens: number,
    contextWindow: number,
  ): { ids: number[]; droppedMessages: number; maxNewTokens: number } {
    if (input.kind === 'chat') {
      return fitChat(input.messages, (messages) => this.encodeChat(messages), maxNewTokens, contextWindow);
    }
    const tokenizer = this.tokenizer!;
    const ids = this.encodeText(input.prompt);
    // A BOS token the tokenizer added stays in front when the start of the text is cut.
    const keepFirst = tokenizer.add_bos_token && ids[0] === tokenizer.bos_token_id ? 1 : 0;
    const fitted = fitText(ids, maxNewTokens, contextWindow, keepFirst);
    return { ids: fitted.ids, droppedMessages: 0, maxNewTokens: fitted.maxNewTokens };
  }

  private async run(job: Job): Promise<WorkerGenerationDone> {
    const lib = this.lib!;
    const tokenizer = this.tokenizer!;
    const model = this.model!;
    if (job.stopped) return { ...NOT_RUN };

    // Throws `context-overflow` when nothing fits; that rejection carries its own code.
    const fitted = this.fit(job.input, job.settings.maxNewTokens, job.options.contextWindow ?? this.contextLength);
    const promptIds = fitted.ids;

    const specialIds = new Set(tokenizer.all_special_ids.map(Number));
    // transformers.js 4.3.1 throws on an empty id list ("token_ids must be a non-empty array").
    const decode = (ids: readonly number[]) =>
      ids.length === 0 ? '' : tokenizer.decode(ids as number[], { skip_special_tokens: true });
    const decoder = new IncrementalDecoder(decode);
    const generated: number[] = [];
    const stops = job.settings.stopSequences ?? [];
    // Only with stop sequences: holds back text that may start one (see StopSequenceMatcher).
    const matcher = stops.length > 0 ? new StopSequenceMatcher(stops) : undefined;
    const budget = fitted.maxNewTokens;

    // generate() hands the streamer the prompt once, then every new token before the stopping
    // criteria run. TextStreamer would buffer whole words, so this forwards each token at once.
    let sawPrompt = false;
    const streamer = {
      put(value: bigint[][]) {
        if (!sawPrompt) {
          sawPrompt = true;
          return;
        }
        const id = Number(value[0]![0]);
        generated.push(id);
        if (specialIds.has(id)) {
          // End of sequence: text held back for a possible stop sequence was not one.
          const tail = matcher?.flush();
          if (tail) job.sink.onToken(tail, id);
          return;
        }
        let piece = decoder.push(id);
        if (matcher) {
          piece = matcher.push(piece);
          // The budget's last token: nothing can complete a stop sequence any more.
          if (generated.length >= budget) piece += matcher.flush();
        }
        job.sink.onToken(piece, id);
      },
      end() {},
    };

    // Checked after every token; `stop()` flips it (transformers.js #1182: no AbortSignal).
    const interrupt = new lib.InterruptableStoppingCriteria();
    job.interrupt = interrupt;
    if (job.stopped) interrupt.interrupt();
    const criteria = matcher ? [interrupt, stopWhen(lib, () => matcher.matched)] : [interrupt];

    // A conversation's cache is checked out for this generation alone, and checked in (or
    // dropped) before the next job starts. Completions (no conversationId) never see any cache.
    const { conversationId } = job.options;
    const lease: CacheLease<KvCache> | undefined =
      conversationId === undefined ? undefined : this.conversations.checkOut(conversationId, job.ticket);
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

      const greedy = job.settings.temperature === 0;
      let output: unknown;
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
          max_new_tokens: budget,
          do_sample: !greedy,
          ...(greedy ? {} : { temperature: job.settings.temperature }),
          streamer,
          stopping_criteria: criteria,
        } as never);
      } catch (error) {
        // Device lost, out of memory, or another failure: the page decides whether a rebuilt
        // engine (or WebAssembly) can help.
        throw classifyRunError(error);
      }
      if (lease) keep = this.keepable(output, cache);
    } catch (error) {
      // A cache that went into a failed generation was updated in place up to the failure: its
      // contents no longer match any token list we know.
      if (cache) await disposeQuietly(cache);
      throw error;
    } finally {
      if (lease) await this.conversations.checkIn(lease, keep);
    }

    const eosIds = new Set(
      ([] as unknown[]).concat(model.generation_config?.eos_token_id ?? []).map(Number),
    );
    const last = generated.at(-1);
    const reason: WorkerGenerationDone['reason'] = matcher?.matched
      ? 'stop'
      : job.stopped
        ? 'stopped'
        : last !== undefined && eosIds.has(last)
          ? 'eos'
          : 'length';
    const full = decode(generated);
    // After a stop sequence: the text before it. After a stop request: what the page was shown
    // (text held back as a possible stop sequence is dropped, never revealed after the fact).
    const text = reason === 'stop' ? cutAtStop(full, stops) : matcher && reason === 'stopped' ? matcher.text : full;
    return {
      text,
      reason,
      tokens: generated.length,
      promptTokens: promptIds.length,
      cachedTokens,
      droppedMessages: fitted.droppedMessages,
    };
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
