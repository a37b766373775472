import { provide } from '@lit/context';
import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import { engineContext } from '../../context/engine-context.js';
import { LocalEngine } from '../../engine/page/local-engine.js';
import { parseEngineConfig, parseLoadMode } from '../../engine/shared/settings.js';
import { ModelSettingsMixin } from '../shared/model-settings.js';
import type {
  DeviceCapabilities,
  EngineStats,
  EngineStatus,
  LoadMode,
  ReadyInfo,
} from '../../engine/shared/types.js';
import { ENGINE_EVENT_TYPES, slmEventFor } from '../../events/engine-events.js';
import { providerStyles } from './provider.styles.js';

/**
 * Loads one language model in a Web Worker and shares it with every `slm-*` element inside it:
 * one download, one copy in memory, however many widgets use it.
 *
 * transformers.js is fetched only when the model is first needed (`load="lazy"`, the default), at
 * once (`load="eager"` or `preload`), or when the page calls `load()` (`load="manual"`, for pages
 * that ask the visitor before downloading anything).
 *
 * Downloads survive real networks: a broken transfer continues where it stopped (also after a
 * reload), each file is checked against the SHA-256 its host states before it is used, the
 * storage quota and what the device can run are checked before the first byte, and
 * `pauseDownload()` / `resumeDownload()` (or the pause button of a chat's or completion's status
 * line) pause a download without losing its bytes.
 *
 * @summary Loads a small language model on this device and shares it with the elements inside.
 *
 * @slot - Elements that use the model, such as `<slm-chat>` and `<slm-complete>`, and any markup around them.
 *
 * @fires slm-progress - As model files arrive. `detail: { loaded, total, progress, file, paused? }`, `progress` from 0 to 1; `paused` is `true` while the download is paused.
 * @fires slm-ready - The model is loaded. `detail: { model, device, dtype, loadMs, capabilities, fallbackReason? }`.
 * @fires slm-error - A bad attribute value or a failed load. `detail: { code, message }`.
 * @fires slm-warning - Something went wrong but the model works (WebGPU fell back to WebAssembly, a damaged cached file was repaired, storage refused). `detail: { code, message }`.
 */
export class SlmProviderElement extends ModelSettingsMixin(LitElement) {
  static override styles = providerStyles;

  /** When to load: `lazy` (on the first request; default), `eager` (as soon as the element is on the page) or `manual` (only when the page calls `load()`). */
  @property({ attribute: 'load' }) loadMode: LoadMode = 'lazy';

  /** Same as `load="eager"`. */
  @property({ type: Boolean }) preload = false;

  /** Ask the browser to keep the model's files from eviction (`navigator.storage.persist()`) before loading. A refusal fires `slm-warning`. */
  @property({ type: Boolean, attribute: 'persist-storage' }) persistStorage = false;

  /** The shared engine (stable for the element's lifetime). */
  @provide({ context: engineContext })
  readonly engine: LocalEngine = new LocalEngine();

  private readonly forward = (event: Event) => {
    if (event.type === 'status-change') this.syncStatusAttribute();
    const reported = slmEventFor(event);
    if (reported) this.dispatchEvent(reported);
  };

  /** `idle`, `loading`, `ready` or `error`; mirrored to the `status` attribute for styling. */
  get status(): EngineStatus {
    return this.engine.status;
  }

  /** What the last load found out about WebGPU on this device (`null` before a load). */
  get capabilities(): DeviceCapabilities | null {
    return this.engine.capabilities;
  }

  /**
   * Loads the model now (with `load="manual"`, the only way it loads). Resolves when ready;
   * rejects with an `SlmError` (also reported through `slm-error`).
   */
  load(): Promise<ReadyInfo> {
    this.configureEngine();
    return this.engine.load();
  }

  /**
   * Unloads the model: a download in progress stops, the worker and the model's memory are freed.
   * Files already in Cache Storage stay. Requests then fail with `aborted`; the next request (or
   * `load()`) loads again.
   */
  unload(): void {
    this.engine.unload();
  }

  /** Deletes every file of the model from this browser's cache. Resolves with how many files were deleted. */
  clearCache(): Promise<number> {
    this.configureEngine();
    return this.engine.clearCache();
  }

  /**
   * Pauses the model download in progress, keeping the bytes received: `slm-progress` reports
   * `paused: true`, `status` stays `loading` and requests wait. Does nothing when nothing is loading.
   */
  pauseDownload(): void {
    this.engine.pauseDownload();
  }

  /** Continues a paused download from the bytes received (HTTP `Range` requests). Does nothing when not paused. */
  resumeDownload(): void {
    this.engine.resumeDownload();
  }

  /** What the model's worker holds now (conversation caches, queued requests): for diagnostics. */
  stats(): Promise<EngineStats> {
    return this.engine.stats();
  }

  /** Whether every file of the model (for the chosen device and dtype) is already in this browser's cache. Does not load the model. */
  isCached(): Promise<boolean> {
    this.configureEngine();
    return this.engine.isCached();
  }

  /** Bytes still to download before the model can load: 0 when cached, `null` when unknown. Does not load the model. */
  downloadSize(): Promise<number | null> {
    this.configureEngine();
    return this.engine.downloadSize();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    for (const type of ENGINE_EVENT_TYPES) this.engine.addEventListener(type, this.forward);
    this.syncStatusAttribute();
    // Back on the page after a removal: `updated()` decides again whether to preload.
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const type of ENGINE_EVENT_TYPES) this.engine.removeEventListener(type, this.forward);
    // Leaving the page frees the worker and the model's memory; coming back loads again.
    this.engine.unload();
  }

  protected override willUpdate(): void {
    this.configureEngine();
  }

  /**
   * Hands the current attributes to the engine. Runs before every update, and before any method
   * that needs the configuration, so `load()` right after creating the element (before its first
   * update) already knows the model.
   */
  private configureEngine(): void {
    const parsed = parseEngineConfig(this, document.baseURI);
    const mode = parseLoadMode(this.loadMode);
    this.engine.configure(!parsed.ok ? parsed.error : !mode.ok ? mode.error : parsed.value);
    this.engine.loadMode = this.preload ? 'eager' : mode.ok ? mode.value : 'lazy';
    this.engine.persistStorage = this.persistStorage;
  }

  protected override updated(): void {
    if (this.engine.loadMode === 'eager' && this.isConnected && this.engine.status === 'idle' && this.model) {
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
