/**
 * Mounts the example app. The model comes from the query string so the same page runs the
 * default Hub model or, offline, the repository's tiny test model:
 * `?model=slm-tiny&model-base-url=/models/&device=wasm`.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { DeviceOption } from 'slm-elements';
import { App } from './App.js';

const params = new URLSearchParams(location.search);

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <App
      model={params.get('model') ?? 'HuggingFaceTB/SmolLM2-360M-Instruct'}
      modelBaseUrl={params.get('model-base-url') ?? undefined}
      // Any string from the URL: the provider checks it and reports a bad one as an `slm-error`.
      device={(params.get('device') ?? 'auto') as DeviceOption}
    />
  </StrictMode>,
);
