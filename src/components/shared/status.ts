import { html, nothing, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { EngineController } from '../../controllers/engine-controller.js';
import type { GenerationController } from '../../controllers/generation-controller.js';

/** What an element's status line says, and the load progress to draw (0–1) if loading. */
export interface StatusLine {
  text: string;
  /** Load progress between 0 and 1, or `null` when not loading. */
  progress: number | null;
  tone: 'neutral' | 'busy' | 'error';
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

/**
 * Describes the state a user cares about, most urgent first: an error, the model loading, the
 * generation's phase. The sentence changes only when the state does, so a live region announces
 * each state once and never the streamed tokens.
 */
export function describeStatus(engines: EngineController, generation: GenerationController): StatusLine {
  const engine = engines.engine;
  if (generation.phase === 'error' && generation.error) {
    return { text: generation.error.message, progress: null, tone: 'error' };
  }
  if (engine?.status === 'error' && engine.error) {
    return { text: engine.error.message, progress: null, tone: 'error' };
  }
  if (engine?.status === 'loading') {
    const p = engine.progress;
    const amount = p && p.total > 0 ? ` ${formatBytes(p.loaded)} of ${formatBytes(p.total)}` : '';
    return { text: `Loading ${engine.model}…${amount}`, progress: p?.progress ?? 0, tone: 'busy' };
  }
  switch (generation.phase) {
    case 'waiting':
      return { text: 'Waiting for the model…', progress: null, tone: 'busy' };
    case 'generating':
      return { text: 'Generating…', progress: null, tone: 'busy' };
    case 'stopped':
      return { text: 'Stopped.', progress: null, tone: 'neutral' };
    case 'done':
      return { text: 'Done.', progress: null, tone: 'neutral' };
    default:
      return {
        text: engine?.status === 'ready' && engine.info ? `${engine.info.model} is ready on ${engine.info.device}.` : '',
        progress: null,
        tone: 'neutral',
      };
  }
}

/**
 * Renders a status line: a polite live region (present from the first render, so the first
 * announcement is not lost) and, while loading, a progress bar.
 */
export function renderStatus(status: StatusLine): TemplateResult {
  return html`
    <div part="status" class="status ${status.tone}" role="status">${status.text}</div>
    ${status.progress === null
      ? nothing
      : html`<div
          part="progress"
          class="progress"
          role="progressbar"
          aria-label="Model download"
          aria-valuemin="0"
          aria-valuemax="100"
          aria-valuenow=${Math.round(status.progress * 100)}
        >
          <!-- styleMap sets the width through CSSOM, which a strict style-src CSP allows. -->
          <div class="progress-bar" style=${styleMap({ width: `${(status.progress * 100).toFixed(1)}%` })}></div>
        </div>`}
  `;
}
