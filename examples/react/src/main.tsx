/**
 * Mounts the example app. The model comes from the query string so the same page runs the
 * default Hub model or, offline, the repository's tiny test model:
 * `?model=slm-tiny&model-base-url=/models/&device=wasm`.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

const params = new URLSearchParams(location.search);

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <App
      model={params.get('model') ?? 'HuggingFaceTB/SmolLM2-360M-Instruct'}
      modelBaseUrl={params.get('model-base-url') ?? undefined}
      device={params.get('device') ?? 'auto'}
    />
  </StrictMode>,
);
