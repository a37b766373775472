/**
 * Owns one transformers.js model inside the worker: loads it, then runs generations one at a time.
 *
 * This module runs only in the worker. transformers.js (and ONNX Runtime with it) is imported
 * dynamically on the first load, so merely starting the worker costs nothing heavy.
 */
import { SlmError, classifyLoadError } from './errors.js';
import { IncrementalDecoder } from './incremental-decoder.js';
import type { WorkerGenerationDone, WorkerLoadConfig } from './protocol.js';
import type {
  GenerationInput,
  GenerationSettings,
  LoadProgress,
  ResolvedDevice,
  ResolvedDtype,
} from './types.js';
import { chooseDtype, weightsFile } from './dtype-choice.js';

type Transformers = typeof import('@huggingface/transformers');
type Tokenizer = Awaited<ReturnType<Transformers['AutoTokenizer']['from_pretrained']>>;
type CausalLM = Awaited<ReturnType<Transformers['AutoModelForCausalLM']['from_pretrained']>>;

/** Callbacks through which a generation reports back to the worker's message loop. */
export interface GenerationSink {
  onToken(token: string, tokenId: number): void;
}

/** A generation waiting for, or holding, the model. */
interface Job {
  id: number;
  input: GenerationInput;
  settings: GenerationSettings;
  sink: GenerationSink;
  /** Set by `stop()`; checked once per generated token (transformers.js #1182: no AbortSignal). */
  stopped: boolean;
  /** The running generation's stopping criterion, so `stop()` can interrupt it. */
  interrupt?: { interrupt(): void };
  resolve(result: WorkerGenerationDone): void;
  reject(error: unknown): void;
}

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

/** The loaded model and its tokenizer, plus a FIFO of generations (never two at once). */
export class ModelHost {
  private tokenizer: Tokenizer | undefined;
  private model: CausalLM | undefined;
  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private lib: Transformers | undefined;

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

    const files = new Map<string, { loaded: number; total: number }>();
    let lastFile: string | undefined;
    const progress_callback = (info: { status: string; file?: string; loaded?: number; total?: number }) => {
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
      // config.json first: its absence means "no such model", which deserves its own message.
      const modelConfig = await lib.AutoConfig.from_pretrained(config.model, { progress_callback });
      const exists = async (file: string) => (await lib.ModelRegistry.get_file_metadata(config.model, file)).exists;
      // Without tokenizer_config.json, transformers.js 4.3.1 fails with "reading 'tokenizer_class'".
      if (!(await exists('tokenizer_config.json'))) {
        throw new SlmError('model-file-missing', `Model "${config.model}" has no tokenizer_config.json.`);
      }
      const dtype =
        config.dtype === 'auto'
          ? await chooseDtype(device, shaderF16, (candidate) => exists(weightsFile(candidate)))
          : config.dtype;
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
      return { device, dtype };
    } catch (error) {
      throw classifyLoadError(error, config.model);
    }
  }

  /** Queues a generation; resolves when it has finished (or was stopped). */
  generate(
    id: number,
    input: GenerationInput,
    settings: GenerationSettings,
    sink: GenerationSink,
  ): Promise<WorkerGenerationDone> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id, input, settings, sink, stopped: false, resolve, reject });
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
      job!.resolve({ text: '', reason: 'stopped', tokens: 0, promptTokens: 0 });
    }
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

  /** Tokenizes the input exactly as transformers.js' text-generation pipeline does. */
  private encode(input: GenerationInput): { input_ids: unknown; attention_mask: unknown; length: number } {
    const tokenizer = this.tokenizer!;
    let text: string;
    let addSpecialTokens: boolean;
    if (input.kind === 'chat') {
      text = tokenizer.apply_chat_template(input.messages, {
        tokenize: false,
        add_generation_prompt: true,
      }) as unknown as string;
      // The chat template already placed every special token.
      addSpecialTokens = false;
    } else {
      text = input.prompt;
      // Same default as the pipeline: only when the tokenizer asks for BOS/EOS.
      addSpecialTokens = Boolean(tokenizer.add_bos_token || tokenizer.add_eos_token);
    }
    const encoded = tokenizer(text, { add_special_tokens: addSpecialTokens }) as unknown as {
      input_ids: { dims: number[] };
      attention_mask: unknown;
    };
    return { ...encoded, length: encoded.input_ids.dims.at(-1) ?? 0 };
  }

  private async run(job: Job): Promise<WorkerGenerationDone> {
    const lib = this.lib!;
    const tokenizer = this.tokenizer!;
    const model = this.model!;
    if (job.stopped) return { text: '', reason: 'stopped', tokens: 0, promptTokens: 0 };

    const { input_ids, attention_mask, length: promptTokens } = this.encode(job.input);
    const specialIds = new Set(tokenizer.all_special_ids.map(Number));
    // transformers.js 4.3.1 throws on an empty id list ("token_ids must be a non-empty array").
    const decode = (ids: readonly number[]) =>
      ids.length === 0 ? '' : tokenizer.decode(ids as number[], { skip_special_tokens: true });
    const decoder = new IncrementalDecoder(decode);
    const generated: number[] = [];

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
        if (specialIds.has(id)) return;
        job.sink.onToken(decoder.push(id), id);
      },
      end() {},
    };

    // Checked after every token; `stop()` flips it (transformers.js #1182: no AbortSignal).
    const interrupt = new lib.InterruptableStoppingCriteria();
    job.interrupt = interrupt;
    if (job.stopped) interrupt.interrupt();

    const greedy = job.settings.temperature === 0;
    try {
      await model.generate({
        input_ids,
        attention_mask,
        max_new_tokens: job.settings.maxNewTokens,
        do_sample: !greedy,
        ...(greedy ? {} : { temperature: job.settings.temperature }),
        streamer,
        stopping_criteria: [interrupt],
      } as never);
    } catch (error) {
      throw new SlmError(
        'generation-failed',
        `Generation failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }

    const eosIds = new Set(
      ([] as unknown[]).concat(model.generation_config?.eos_token_id ?? []).map(Number),
    );
    const last = generated.at(-1);
    const reason: WorkerGenerationDone['reason'] = job.stopped
      ? 'stopped'
      : last !== undefined && eosIds.has(last)
        ? 'eos'
        : 'length';
    const text = decode(generated);
    return { text, reason, tokens: generated.length, promptTokens };
  }
}
