/**
 * What answers in a story. By default a scripted engine (test/fake-engine.ts, the one the UI tests
 * use, extended here with a scripted load) so stories are instant, deterministic and offline; with
 * the toolbar's "Engine: Tiny model", a real `<slm-provider>` on the generated tiny model
 * (`npm run model`), i.e. the real worker, transformers.js and ONNX Runtime.
 */
import { render } from 'lit';
import { SlmError } from '../../dist/index.js';
import { FakeEngine, provideEngine } from '../../test/fake-engine.ts';

/** Where the tiny model lies in Storybook (`staticDirs` in .storybook/main.js). */
export const TINY_MODEL = { model: 'slm-tiny', 'model-base-url': '/models/', device: 'wasm' };

/**
 * A FakeEngine whose load is scripted: it reports `loading` and download progress like the real
 * engine, then becomes ready, fails with `error`, or stays loading at `holdAt` (a fraction) so a
 * story can show the loading state for as long as it is looked at.
 */
export class StoryEngine extends FakeEngine {
  /**
   * `toolCalls`: calls the model makes in its next tool steps, one list per step
   * (`[[{ name, arguments }]]`), streamed in the Hermes format; a reply with a `schema` comes back
   * parsed as `json`, as the real engine does.
   */
  constructor({ replies, delay, loadMs = 0, holdAt, error, cached = true, totalBytes = 180_000_000, toolCalls = [] } = {}) {
    super();
    if (replies) this.replies = replies;
    if (delay !== undefined) this.delay = delay;
    Object.assign(this, { loadMs, holdAt, failure: error, cached, totalBytes, loading: null, toolCalls: [...toolCalls] });
    this.model = 'HuggingFaceTB/SmolLM2-360M-Instruct';
  }

  load() {
    this.loading ??= this.scriptedLoad();
    return this.loading;
  }

  async generate(input, settings, options) {
    await this.load();
    const calls = settings.tools && settings.tools.choice !== 'none' ? this.toolCalls.shift() : undefined;
    if (calls) {
      const markup = calls.map((call) => `<tool_call>\n${JSON.stringify({ name: call.name, arguments: call.arguments })}\n</tool_call>`).join('\n');
      const saved = this.replies;
      this.replies = [markup];
      const result = await super.generate(input, settings, options).finally(() => (this.replies = saved));
      // The step used a reply of its own: the next answer is the one that would have come now.
      this.calls.pop();
      const toolCalls = calls.map((call, i) => ({ id: `call_story_${this.calls.length}_${i}`, ...call }));
      return { ...result, text: '', toolCalls };
    }
    const result = await super.generate(input, settings, options);
    return settings.schema && result.reason === 'eos' ? { ...result, json: JSON.parse(result.text) } : result;
  }

  async scriptedLoad() {
    if (this.status === 'ready') return super.load();
    this.setStatus('loading', null);
    const steps = 20;
    for (let step = 1; step <= steps; step++) {
      const fraction = step / steps;
      if (this.holdAt !== undefined && fraction > this.holdAt) return new Promise(() => {});
      await new Promise((resolve) => setTimeout(resolve, this.loadMs / steps));
      this.progress = {
        loaded: Math.round(this.totalBytes * fraction),
        total: this.totalBytes,
        progress: fraction,
        file: 'onnx/model_q4f16.onnx',
      };
      this.dispatchEvent(new CustomEvent('progress', { detail: this.progress }));
      if (this.failure && fraction >= 0.5) {
        this.setStatus('error', this.failure);
        throw new SlmError(this.failure.code, this.failure.message);
      }
    }
    const info = await super.load();
    this.info = info;
    this.setStatus('ready', null);
    this.dispatchEvent(new CustomEvent('ready', { detail: info }));
    return info;
  }

  setStatus(status, error) {
    this.status = status;
    this.error = error;
    this.dispatchEvent(new CustomEvent('status-change', { detail: { status, error } }));
  }
}

/**
 * Puts `content` (a lit template) under what answers: a `<div>` providing `engine` (a StoryEngine
 * by default) to the elements inside, or, with the tiny model selected in the toolbar, an
 * `<slm-provider>` configured by `provider` (defaults: the tiny model on WebAssembly).
 */
export function withEngine(content, context, { engine = new StoryEngine(), provider = {} } = {}) {
  let host;
  if (context.globals.engine === 'tiny') {
    host = document.createElement('slm-provider');
    for (const [name, value] of Object.entries({ ...TINY_MODEL, ...provider })) host.setAttribute(name, value);
  } else {
    host = document.createElement('div');
    provideEngine(host, engine);
  }
  host.dataset.engine = context.globals.engine === 'tiny' ? 'tiny' : 'fake';
  render(content, host);
  return host;
}
