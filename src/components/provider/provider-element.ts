import { provide } from '@lit/context';
import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import { engineContext } from '../../context/engine-context.js';
import { LocalEngine } from '../../engine/local-engine.js';
import { parseEngineConfig } from '../../engine/options.js';
import type { EngineStatus, LoadProgress, ReadyInfo } from '../../engine/types.js';
import { SlmErrorEvent } from '../../events/slm-error.js';
import { SlmProgressEvent } from '../../events/slm-progress.js';
import { SlmReadyEvent } from '../../events/slm-ready.js';
import { providerStyles } from './provider.styles.js';

/**
 * Loads one language model in a Web Worker and shares it with every `slm-*` element inside it:
 * one download, one copy in memory, however many widgets use it.
 *
 * transformers.js is fetched only when the model is first needed (or at once with `preload`).
 *
 * @summary Loads a small language model on this device and shares it with the elements inside.
 *
 * @slot - Elements that use the model, such as `<slm-chat>` and `<slm-complete>`, and any markup around them.
 *
 * @fires slm-progress - As model files arrive. `detail: { loaded, total, progress, file }`, `progress` from 0 to 1.
 * @fires slm-ready - The model is loaded. `detail: { model, device, dtype, loadMs }`.
 * @fires slm-error - A bad attribute value or a failed load. `detail: { code, message }`.
 */
export class SlmProviderElement extends LitElement {
  static override styles = providerStyles;

  /** Model id on the Hugging Face Hub (e.g. `HuggingFaceTB/SmolLM2-360M-Instruct`), or a folder name under `model-base-url`. */
  @property() model = '';

  /** Where the model runs: `auto` (WebGPU when available, else WebAssembly), `webgpu` or `wasm`. */
  @property() device = 'auto';

  /** Weight precision: `auto` (best file for the device), `fp32`, `fp16`, `q8`, `q4` or `q4f16`. */
  @property() dtype = 'auto';

  /** Self-hosted models: files are read from `<model-base-url><model>/…` and never from the Hub. */
  @property({ attribute: 'model-base-url' }) modelBaseUrl = '';

  /** Folder with ONNX Runtime's `ort-wasm-simd-threaded.*` files. Defaults to the copy shipped with this library. */
  @property({ attribute: 'wasm-base-url' }) wasmBaseUrl = '';

  /** Start loading as soon as the element is on the page, instead of on the first request. */
  @property({ type: Boolean }) preload = false;

  /** The shared engine (stable for the element's lifetime). */
  @provide({ context: engineContext })
  readonly engine: LocalEngine = new LocalEngine();

  private readonly forward = (event: Event) => {
    const { detail } = event as CustomEvent;
    if (event.type === 'progress') this.dispatchEvent(new SlmProgressEvent(detail as LoadProgress));
    else if (event.type === 'ready') this.dispatchEvent(new SlmReadyEvent(detail as ReadyInfo));
    else if (event.type === 'status-change') {
      this.syncStatusAttribute();
      if (detail.error) this.dispatchEvent(new SlmErrorEvent(detail.error));
    }
  };

  /** `idle`, `loading`, `ready` or `error`; mirrored to the `status` attribute for styling. */
  get status(): EngineStatus {
    return this.engine.status;
  }

  /** Loads the model now (it otherwise loads on the first request). Resolves when ready. */
  load(): Promise<ReadyInfo> {
    return this.engine.load();
  }

  /** Whether every file of the model (for the chosen device and dtype) is already in this browser's cache. Does not load the model. */
  isCached(): Promise<boolean> {
    return this.engine.isCached();
  }

  /** Bytes still to download before the model can load: 0 when cached, `null` when unknown. Does not load the model. */
  downloadSize(): Promise<number | null> {
    return this.engine.downloadSize();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    for (const type of ['progress', 'ready', 'status-change']) this.engine.addEventListener(type, this.forward);
    this.syncStatusAttribute();
    // Back on the page after a removal: `updated()` decides again whether to preload.
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const type of ['progress', 'ready', 'status-change']) this.engine.removeEventListener(type, this.forward);
    // Leaving the page frees the worker and the model's memory; coming back loads again.
    this.engine.unload();
  }

  protected override willUpdate(): void {
    const parsed = parseEngineConfig(this, document.baseURI);
    this.engine.configure(parsed.ok ? parsed.value : parsed.error);
  }

  protected override updated(): void {
    if (this.preload && this.isConnected && this.engine.status === 'idle' && this.model) {
      // Failures surface through `slm-error`; nothing to do with the rejection here.
      this.engine.load().catch(() => {});
    }
  }

  protected override render() {
    return html`<slot></slot>`;
  }

  private syncStatusAttribute(): void {
    this.setAttribute('status', this.engine.status);
  }
}
