/**
 * FakeEngines with a scripted load or failure, for UI tests of what elements show while a model
 * loads and after it failed: the download's progress where the user waits, errors where the
 * user acted, Retry only when it can help.
 */
import { SlmError, type SlmErrorCode } from '../dist/index.js';
import { FakeEngine } from './fake-engine.js';

/** A FakeEngine whose model loads only when the test says so, reporting progress meanwhile. */
export class LoadingEngine extends FakeEngine {
  private release: () => void = () => {};
  private loaded = new Promise<void>((resolve) => (this.release = resolve));

  /** Puts the engine in `loading` at `fraction` of 10 MB. */
  startLoading(fraction: number) {
    Object.assign(this, { status: 'loading', progress: { loaded: fraction * 1e7, total: 1e7, progress: fraction, file: 'model.onnx' } });
    this.dispatchEvent(new CustomEvent('status-change'));
    this.dispatchEvent(new CustomEvent('progress'));
  }

  finishLoading() {
    Object.assign(this, { status: 'ready', progress: null });
    this.dispatchEvent(new CustomEvent('status-change'));
    this.release();
  }

  override async generate(...args: Parameters<FakeEngine['generate']>) {
    if (this.status !== 'ready') {
      if (this.status === 'idle') this.startLoading(0);
      await this.loaded;
    }
    return super.generate(...args);
  }
}

/** A FakeEngine whose requests fail with `code`, as a failed load of the provider's model does. */
export class FailingEngine extends FakeEngine {
  constructor(
    public code: SlmErrorCode,
    public message = `It failed (${code}).`,
  ) {
    super();
  }

  override async generate(...args: Parameters<FakeEngine['generate']>) {
    if (this.code === ('none' as SlmErrorCode)) return super.generate(...args);
    this.calls.push({ input: args[0], settings: args[1], options: args[2] ?? {} });
    Object.assign(this, { status: 'error', error: { code: this.code, message: this.message } });
    this.dispatchEvent(new CustomEvent('status-change'));
    throw new SlmError(this.code, this.message);
  }

  /** The page fixed what failed (another model, a corrected attribute): the engine starts afresh. */
  recover() {
    this.code = 'none' as SlmErrorCode;
    Object.assign(this, { status: 'idle', error: null, model: 'another-model' });
    this.dispatchEvent(new CustomEvent('status-change'));
  }
}
