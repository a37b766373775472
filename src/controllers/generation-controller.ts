/**
 * `GenerationController`: owns the single in-flight generation of an element.
 *
 * It streams tokens into `text`, re-renders the host per token, fires `slm-token`,
 * `slm-response` and (for errors nobody else reported) `slm-error` on the host, and stops the
 * generation when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SlmError, type SlmErrorData } from '../engine/shared/errors.js';
import { parseContextWindow, parseGenerationSettings, type RawGenerationSettings } from '../engine/shared/settings.js';
import type { GenerationPriority } from '../engine/page/engine-api.js';
import { emptyResult, type GenerationInput, type GenerationResult } from '../engine/shared/types.js';
import { SlmErrorEvent } from '../events/slm-error.js';
import { SlmResponseEvent, type SlmResponseDetail } from '../events/slm-response.js';
import { SlmTokenEvent } from '../events/slm-token.js';
import type { EngineController } from './engine-controller.js';
import type { ToolRequest } from '../engine/shared/structured.js';

type Host = ReactiveControllerHost & HTMLElement;

let ownerCount = 0;

/** Least time between two renders of a streaming reply (20 per second): smooth to read, cheap to paint. */
const STREAM_RENDER_INTERVAL = 50;

/** Per-run options of `GenerationController.run`. */
export interface RunOptions {
  /** The host's conversation (cache slot in the engine); omitted for one-off generations. */
  conversationId?: string;
  /** Raw `context-window` value of the host, validated here. */
  contextWindow?: number | string | undefined;
  /**
   * Called with the text so far whenever the host is about to paint it: at the first token, then
   * at most every 50 ms while tokens stream (see `STREAM_RENDER_INTERVAL`), and once at the end.
   * (`slm-token` still fires for every token.)
   */
  onText?: (text: string) => void;
  /** Queue priority in the engine (default `interactive`). */
  priority?: GenerationPriority;
  /**
   * Called with the result before `slm-response` is fired, so the host's state (a chat's
   * transcript) is final when listeners look at it.
   */
  onSettled?: (detail: SlmResponseDetail) => void;
  /** Tools the model may call in this generation (a chat's tool round). */
  tools?: ToolRequest;
}

/** Phase of the element's generation, for rendering and status announcements. */
export type GenerationPhase = 'idle' | 'waiting' | 'generating' | 'done' | 'stopped' | 'error';

/** Runs one generation at a time for its host. */
export class GenerationController implements ReactiveController {
  /** Text generated so far by the current (or last) generation. */
  text = '';
  phase: GenerationPhase = 'idle';
  /** The last failure, shown by the host until the next run. */
  error: SlmErrorData | null = null;
  /** The last finished generation's figures. */
  result: SlmResponseDetail | null = null;
  /** While `waiting`: how many generations for the same model run or wait before this one. */
  ahead = 0;
  /** This controller's requests supersede each other in the engine's queue. */
  private readonly owner = `slm-${++ownerCount}`;
  private abort: AbortController | undefined;
  /** The current run's `onText`: what to update before each paint. */
  private paint: ((text: string) => void) | undefined;
  /** The latest run, to wait for after a stop. */
  private current: Promise<SlmResponseDetail> | undefined;

  constructor(
    private readonly host: Host,
    private readonly engines: EngineController,
  ) {
    host.addController(this);
  }

  /** Whether a generation is queued or running. */
  get busy(): boolean {
    return this.phase === 'waiting' || this.phase === 'generating';
  }

  /**
   * Generates from the shared engine. `settings` are the host's raw attribute values, validated
   * here so a bad one is reported like any failed request. Resolves with the result (also for
   * stops and errors, with the matching `reason`); never rejects: the host shows failures.
   */
  run(input: GenerationInput, rawSettings: RawGenerationSettings, options: RunOptions = {}): Promise<SlmResponseDetail> {
    this.current = this.generate(input, rawSettings, options);
    return this.current;
  }

  /** Stops the current generation (if any) and resolves once it has ended. */
  async settle(): Promise<void> {
    this.stop();
    await this.current;
  }

  private async generate(
    input: GenerationInput,
    rawSettings: RawGenerationSettings,
    { conversationId, contextWindow: rawWindow, onText, priority, onSettled, tools }: RunOptions,
  ): Promise<SlmResponseDetail> {
    this.stop();
    const abort = new AbortController();
    this.abort = abort;
    this.paint = onText;
    this.text = '';
    this.error = null;
    this.result = null;
    this.phase = 'waiting';
    this.ahead = 0;
    this.host.requestUpdate();

    let detail: SlmResponseDetail;
    // This run's text; `this.text` belongs to whichever run is current.
    let runText = '';
    try {
      const settings = parseGenerationSettings(rawSettings);
      if (!settings.ok) throw settings.error;
      const contextWindow = parseContextWindow(rawWindow);
      if (!contextWindow.ok) throw contextWindow.error;
      const engine = this.engines.engine;
      if (!engine) {
        throw new SlmError(
          'no-provider',
          `<${this.host.localName}> needs an <slm-provider> ancestor that loads a model.`,
        );
      }
      const result: GenerationResult = await engine.generate(input, tools ? { ...settings.value, tools } : settings.value, {
        signal: abort.signal,
        ...(conversationId ? { conversationId } : {}),
        ...(contextWindow.value ? { contextWindow: contextWindow.value } : {}),
        ...(priority ? { priority } : {}),
        owner: this.owner,
        onQueue: (ahead) => {
          if (this.abort !== abort) return;
          this.ahead = ahead;
          this.host.requestUpdate();
        },
        onToken: (update) => {
          runText = update.text;
          if (this.abort !== abort) return;
          const first = this.phase !== 'generating';
          this.phase = 'generating';
          this.text = update.text;
          this.host.dispatchEvent(new SlmTokenEvent(update));
          // Every token is an event, but the element re-renders at most every 50 ms: a model on a
          // fast GPU (or a small one on the CPU) outruns the eye, and each render (style, layout,
          // paint) costs CPU the model needs (bench 1: decode speed through the chat).
          if (first) this.renderNow();
          else this.renderSoon();
        },
      });
      detail = result;
    } catch (thrown) {
      const error =
        thrown instanceof SlmError
          ? thrown
          : new SlmError('generation-failed', thrown instanceof Error ? thrown.message : String(thrown));
      // Configuration and load failures were already announced by the provider (its engine is in
      // `error`); anything else is this element's to report.
      if (this.engines.engine?.status !== 'error') this.host.dispatchEvent(new SlmErrorEvent(error.toJSON()));
      detail = { ...emptyResult('error', runText), error: error.toJSON() };
    }
    if (this.abort === abort) {
      this.abort = undefined;
      // The worker's final decode is authoritative (it also covers tokens still in flight at a stop).
      this.text = detail.text;
      this.error = detail.error ?? null;
      this.result = detail;
      this.phase = detail.reason === 'error' ? 'error' : detail.reason === 'stopped' ? 'stopped' : 'done';
      this.renderNow();
    }
    onSettled?.(detail);
    this.host.dispatchEvent(new SlmResponseEvent(detail));
    return detail;
  }

  /**
   * Reports a failure outside a generation (a chat's tool that never answered, a bad tool
   * declaration) the way a failed generation is reported: `slm-error`, then `slm-response` with
   * `reason: "error"`; the host shows the error until the next run.
   */
  fail(error: SlmError): SlmResponseDetail {
    this.stop();
    this.abort = undefined;
    const detail: SlmResponseDetail = { ...emptyResult('error'), error: error.toJSON() };
    this.host.dispatchEvent(new SlmErrorEvent(detail.error!));
    this.text = '';
    this.error = detail.error!;
    this.result = detail;
    this.phase = 'error';
    this.renderNow();
    this.host.dispatchEvent(new SlmResponseEvent(detail));
    return detail;
  }

  /** Shows the last run as stopped (a chat stopped while a tool was answering). */
  markStopped(): void {
    if (this.busy) return;
    this.phase = 'stopped';
    this.host.requestUpdate();
  }

  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRender = 0;

  /**
   * Re-renders the host at most every `STREAM_RENDER_INTERVAL` ms while tokens stream, however
   * many arrive meanwhile (each still fires its `slm-token` event at once).
   */
  private renderSoon(): void {
    if (this.renderTimer !== undefined) return;
    const wait = Math.max(0, this.lastRender + STREAM_RENDER_INTERVAL - performance.now());
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.renderNow();
    }, wait);
  }

  private renderNow(): void {
    clearTimeout(this.renderTimer);
    this.renderTimer = undefined;
    this.lastRender = performance.now();
    this.paint?.(this.text);
    this.host.requestUpdate();
  }

  /** Stops the current generation, keeping what was generated. */
  stop(): void {
    this.abort?.abort();
  }

  /** Stops any generation and forgets its text, error and result. */
  reset(): void {
    this.stop();
    this.abort = undefined;
    this.paint = undefined;
    this.text = '';
    this.error = null;
    this.result = null;
    this.phase = 'idle';
    this.ahead = 0;
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stop();
  }
}
