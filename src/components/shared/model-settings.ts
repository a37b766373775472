import type { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { DeviceOption, DtypeOption, ShareOption } from '../../engine/shared/settings.js';

/** The model settings an element exposes (the identity settings of `ENGINE_SETTINGS`). */
export interface ModelSettings {
  model: string;
  device: DeviceOption;
  dtype: DtypeOption;
  modelBaseUrl: string;
  wasmBaseUrl: string;
  share: ShareOption;
}

// Lit's mixin pattern (lit.dev "Mixins"): a base constructor, and the mixin's return type
// declared as the base plus an interface, so declarations never spell out Lit's private members.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T> = new (...args: any[]) => T;

/**
 * The model settings as typed reactive properties, one declaration for `<slm-provider>`,
 * `<slm-chat>` and `<slm-complete>` (the same names, attributes and defaults everywhere, as
 * `ENGINE_SETTINGS` in `engine/shared/settings.ts` validates them; `test/standalone.test.ts` checks
 * that the two agree). Set as attributes or as properties (what React, Vue and Angular do).
 */
export const ModelSettingsMixin = <T extends Constructor<LitElement>>(Base: T) => {
  class WithModelSettings extends Base implements ModelSettings {
    /** Model id on the Hugging Face Hub (e.g. `HuggingFaceTB/SmolLM2-360M-Instruct`), or a folder name under `model-base-url`. On `<slm-chat>`, `<slm-complete>` and `<slm-fill>`: used only without an `<slm-provider>` around them. */
    @property() model = '';

    /** Where the model runs: `auto` (WebGPU when available, else WebAssembly), `webgpu` or `wasm`. */
    @property() device: DeviceOption = 'auto';

    /** Weight precision: `auto` (best file for the device), `fp32`, `fp16`, `q8`, `q4` or `q4f16`. */
    @property() dtype: DtypeOption = 'auto';

    /** Self-hosted models: files are read from `<model-base-url><model>/…` and never from the Hub. */
    @property({ attribute: 'model-base-url' }) modelBaseUrl = '';

    /** Folder with ONNX Runtime's `ort-wasm-simd-threaded.*` files. Defaults to the copy shipped with this library. */
    @property({ attribute: 'wasm-base-url' }) wasmBaseUrl = '';

    /** `page` (default): one engine for this page. `origin`: every tab and frame of this site that asks for the same model configuration shares one engine (one download, one copy in memory), in a shared worker; where that is impossible the page falls back to its own engine with `slm-warning` `share-unavailable`. */
    @property() share: ShareOption = 'page';
  }
  return WithModelSettings as Constructor<ModelSettings> & T;
};
