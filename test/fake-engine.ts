/**
 * A scripted engine for pure UI tests (keyboard, controls, strings, layout): it streams a
 * predetermined reply in small steps and records what it was asked. Every capability is also
 * tested on the real model elsewhere; this only removes model timing from UI details.
 */
import { ContextProvider } from '@lit/context';
import { engineContext } from '../dist/context/engine-context.js';
import type {
  EngineStatus,
  GenerateOptions,
  GenerationInput,
  GenerationResult,
  GenerationSettings,
  LoadProgress,
  SlmEngine,
} from '../dist/index.js';

/** One recorded `generate` call. */
export interface FakeCall {
  input: GenerationInput;
  settings: GenerationSettings;
  options: GenerateOptions;
}

export class FakeEngine extends EventTarget implements SlmEngine {
  status: EngineStatus = 'idle';
  error = null;
  progress: LoadProgress | null = null;
  info = null;
  capabilities = null;
  loadMode = 'lazy' as const;
  model = 'fake-model';
  readonly calls: FakeCall[] = [];
  readonly released: string[] = [];
  /** What the next replies say, in order; the last one repeats. */
  replies: string[] = ['Hello **there**. How can I help?'];
  /** Milliseconds between streamed pieces. */
  delay = 5;
  cached = false;
  size: number | null = 123_000_000;
  droppedMessages = 0;
  loads = 0;

  async load() {
    this.loads++;
    this.status = 'ready';
    return {
      model: this.model,
      device: 'wasm' as const,
      dtype: 'q8' as const,
      loadMs: 1,
      capabilities: { webgpu: false, fallbackAdapter: false, shaderF16: false },
    };
  }

  async generate(input: GenerationInput, settings: GenerationSettings, options: GenerateOptions = {}): Promise<GenerationResult> {
    this.calls.push({ input, settings, options });
    const reply = this.replies[Math.min(this.calls.length - 1, this.replies.length - 1)]!;
    const pieces = reply.match(/.{1,3}/gs) ?? [];
    let text = '';
    let tokens = 0;
    for (const piece of pieces) {
      if (options.signal?.aborted) break;
      await new Promise((resolve) => setTimeout(resolve, this.delay));
      if (options.signal?.aborted) break;
      text += piece;
      tokens++;
      options.onToken?.({ token: piece, tokenId: tokens, text });
    }
    return {
      text,
      reason: options.signal?.aborted ? 'stopped' : 'eos',
      tokens,
      ttftMs: 12.3,
      tokensPerSecond: 45.6,
      promptTokens: 10,
      cachedTokens: 0,
      droppedMessages: this.droppedMessages,
    };
  }

  releaseConversation(id: string) {
    this.released.push(id);
  }

  async clearCache() {
    this.cached = false;
    return 0;
  }

  async stats() {
    return { conversations: 0, cacheBytes: 0, queued: 0, running: false };
  }

  async isCached() {
    return this.cached;
  }

  async downloadSize() {
    return this.cached ? 0 : this.size;
  }

  /** Records pause and resume requests (`paused` in `progress`, as the real engine reports). */
  pauseDownload() {
    if (this.status !== 'loading' || this.progress?.paused) return;
    this.progress = { ...(this.progress ?? { loaded: 0, total: 0, progress: 0 }), paused: true };
    this.dispatchEvent(new CustomEvent('progress', { detail: this.progress }));
  }

  resumeDownload() {
    if (!this.progress?.paused) return;
    const { paused: _paused, ...figures } = this.progress;
    this.progress = figures;
    this.dispatchEvent(new CustomEvent('progress', { detail: this.progress }));
  }
}

/** Makes `host` provide `engine` to its descendants, like `<slm-provider>` does. */
export function provideEngine(host: HTMLElement, engine: SlmEngine): void {
  new ContextProvider(host, { context: engineContext, initialValue: engine });
}
