/**
 * Mounts the example app. The model comes from the query string so the same page runs the
 * default Hub model or, offline, the repository's tiny test model:
 * `?model=slm-tiny&model-base-url=/models/&device=wasm`.
 */
import { createApp } from 'vue';
import App from './App.vue';

const params = new URLSearchParams(location.search);

createApp(App, {
  model: params.get('model') ?? 'HuggingFaceTB/SmolLM2-360M-Instruct',
  modelBaseUrl: params.get('model-base-url') ?? undefined,
  device: params.get('device') ?? 'auto',
}).mount('#app');
