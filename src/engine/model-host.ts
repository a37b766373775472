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
import { chooseDtype, weightsFile } from './dtype-choice.js';
import { SlmError, classifyLoadError } from './errors.js';
import { IncrementalDecoder } from './incremental-decoder.js';
import { StopSequenceMatcher, cutAtStop } from './stop-sequences.js';
import type {
  ModelQuery,
  ModelQueryAnswers,
  WorkerGenerateOptions,
  WorkerGenerationDone,
  WorkerLoadConfig,
} from './protocol.js';
import type {
  ChatMessage,
  GenerationInput,
  GenerationSettings,
  LoadProgress,
  ResolvedDevice,
  ResolvedDtype,
} from './types.js';

type Transformers = typeof import('@huggingface/transformers');
type Tokenizer = Awaited<ReturnType<Transformers['AutoTokenizer']['from_pretrained']>>;
type CausalLM = Awaited<ReturnType<Transformers['AutoModelForCausalLM']['from_pretrained']>>;
type ModelConfig = Awaited<ReturnType<Transformers['AutoConfig']['from_pretrained']>>;
type KvCache = InstanceType<Transformers['DynamicCache']>;
type Tensor = InstanceType<Transformers['Tensor']>;

/** Callbacks through which a generation reports back to the worker's message loop. */
export interface GenerationSink {
  onToken(token: string, tokenId: number): void;
}

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
  resolve(result: WorkerGenerationDone): void;
  reject(error: unknown): void;
}

/** What the model resolves to for a configuration: `auto` device and dtype made concrete. */
interface ResolvedTarget {
  device: ResolvedDevice;
  dtype: ResolvedDtype;
  /** The model's `config.json`. */
  modelConfig: ModelConfig;
}

/** A progress callback as transformers.js calls it. */
type ProgressCallback = (info: { status: string; file?: string; loaded?: number; total?: number }) => void;

let transformersModule: Promise<Transformers> | undefined;

/** Loads transformers.js once per worker, on first need. */
function loadTransformers(): Promise<Transformers> {
  transformersModule ??= import('@huggingface/transformers');
  return transformersModule;
}

/** Probes WebGPU from inside the worker (WorkerNavigator exposes `gpu` in Chromium). */
async function probeWebGpu(): Promise<{ available: boolean; shaderF16: boolean }> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return { available: false, shaderF16: false };
  try {
    // requestAdapter() resolves to null when no adapter fits; it can also reject.
    const adapter = (await gpu.requestAdapter()) as { features?: Set<string> } | null;
    if (!adapter) return { available: false, shaderF16: false };
    return { available: true, shaderF16: adapter.features?.has('shader-f16') ?? false };
  } catch {
    return { available: false, shaderF16: false };
  }
}

/** Points transformers.js at the configured model files and ONNX Runtime binaries. */
function configureEnvironment(lib: Transformers, config: WorkerLoadConfig): void {
  const { env } = lib;
  // Self-hosting: with a base URL, files come from `<base><model>/<file>` and never from the Hub.
  // The base is used as the *remote host* rather than `localModelPath`: in transformers.js 4.3.1
  // `get_file_metadata` skips local paths that are full URLs (it tests `isValidUrl(localPath)`),
  // so `AutoTokenizer` found no tokenizer files and failed on `tokenizer_class` of undefined.
  // As a remote host the same URLs work, are cached in Cache Storage under their own address,
  // and any origin can host them.
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  if (config.modelBaseUrl) {
    env.remoteHost = config.modelBaseUrl;
    env.remotePathTemplate = '{model}/';
  }
  env.useBrowserCache = true;
  // Never the public CDN default of transformers.js: our own copy, or the page's choice.
  const onnxEnv = env.backends.onnx as { wasm?: { wasmPaths?: unknown } };
  if (onnxEnv.wasm) onnxEnv.wasm.wasmPaths = { ...config.wasmPaths };
}

/**
 * Resolves `auto` device and dtype exactly as a load does, reading `config.json` on the way (its
 * absence means "no such model", which deserves its own message). Shared by `load` and the
 * cache/size queries so that both talk about the same files. Throws raw library errors; callers
 * classify them with `classifyLoadError`.
 */
async function resolveTarget(
  lib: Transformers,
  config: WorkerLoadConfig,
  progress_callback?: ProgressCallback,
): Promise<ResolvedTarget> {
  let device: ResolvedDevice;
  let shaderF16 = false;
  if (config.device === 'wasm') {
    device = 'wasm';
  } else {
    const probe = await probeWebGpu();
    shaderF16 = probe.shaderF16;
    if (probe.available) device = 'webgpu';
    else if (config.device === 'auto') device = 'wasm';
    else
      throw new SlmError(
        'webgpu-unavailable',
        'device="webgpu" was requested but this browser exposes no WebGPU adapter. Use device="auto" to fall back to WebAssembly.',
      );
  }
  const modelConfig = await lib.AutoConfig.from_pretrained(config.model, progress_callback ? { progress_callback } : {});
  const exists = async (file: string) => (await lib.ModelRegistry.get_file_metadata(config.model, file)).exists;
  // Without tokenizer_config.json, transformers.js 4.3.1 fails with "reading 'tokenizer_class'".
  if (!(await exists('tokenizer_config.json'))) {
    throw new SlmError('model-file-missing', `Model "${config.model}" has no tokenizer_config.json.`);
  }
  const dtype =
    config.dtype === 'auto'
      ? await chooseDtype(device, shaderF16, (candidate) => exists(weightsFile(candidate)))
      : config.dtype;
  return { device, dtype, modelConfig };
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
   * Loads model and tokenizer. Resolves with the device and dtype actually used.
   * Progress is aggregated over all files into one `LoadProgress`.
   */
  async load(
    config: WorkerLoadConfig,
    onProgress: (progress: LoadProgress) => void,
  ): Promise<{ device: ResolvedDevice; dtype: ResolvedDtype }> {
    const lib = await loadTransformers();
    this.lib = lib;
    configureEnvironment(lib, config);

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

    try {
      const { device, dtype, modelConfig } = await resolveTarget(lib, config, progress_callback);
      this.tokenizer = await lib.AutoTokenizer.from_pretrained(config.model, { progress_callback });
      const model = await lib.AutoModelForCausalLM.from_pretrained(config.model, {
        config: modelConfig,
        device,
        dtype,
        progress_callback,
      });
      // On the wasm backend a whole generate() can settle through microtasks alone, so a `stop`
      // message would wait until the reply is complete. Yielding one task before every forward
      // pass lets it in between tokens (about 0.05 ms per token; see bench).
      const forward = model.forward.bind(model);
      model.forward = async (inputs: Parameters<typeof forward>[0]) => {
        await nextTask();
        return forward(inputs);
      };
      this.model = model;
      this.contextLength = contextLengthOf(model.config as unknown as Record<string, unknown>);
      return { device, dtype };
    } catch (error) {
      throw classifyLoadError(error, config.model);
    }
  }

  /**
   * Answers a question about the model's files without loading it: whether all are in Cache
   * Storage, or how many bytes are still to download. Uses the same device and dtype resolution
   * as `load`, and rejects with the same error classification.
   */
  async query<Q extends ModelQuery>(config: WorkerLoadConfig, query: Q): Promise<ModelQueryAnswers[Q]> {
    const lib = await loadTransformers();
    configureEnvironment(lib, config);
    try {
      const { device, dtype, modelConfig } = await resolveTarget(lib, config);
      const status = await lib.ModelRegistry.is_cached_files(config.model, { config: modelConfig, device, dtype });
      if (query === 'is-cached' && status.allCached) return true as ModelQueryAnswers[Q];
      // Files still to download: their sizes, and whether they exist at all (a load would fail
      // with `model-file-missing` for absent weights, so the queries do too).
      let total = 0;
      let unknown = false;
      for (const { file, cached } of status.files) {
        if (cached) continue;
        const metadata = await lib.ModelRegistry.get_file_metadata(config.model, file);
        if (!metadata.exists) {
          // Weights are required; other files in the list (generation_config.json) are optional.
          if (/\.onnx(_data(_\d+)?)?$/.test(file)) {
            throw new SlmError('model-file-missing', `Model "${config.model}" is missing a file: "${file}".`);
          }
          continue;
        }
        if (metadata.size === undefined) unknown = true;
        else total += metadata.size;
      }
      if (query === 'is-cached') return false as ModelQueryAnswers[Q];
      return (unknown ? null : total) as ModelQueryAnswers[Q];
    } catch (error) {
      throw classifyLoadError(error, config.model);
    }
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
    }
  }

  /**
   * Disposes a conversation's KV cache. A generation of that conversation that is queued or
   * running now ends without keeping one; the next starts from scratch.
   */
  release(conversationId: string): Promise<void> {
    return this.conversations.release(conversationId);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
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
        throw new SlmError(
          'generation-failed',
          `Generation failed: ${error instanceof Error ? error.message : String(error)}`,
        );
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
