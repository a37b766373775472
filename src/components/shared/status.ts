import { html, nothing, type TemplateResult } from 'lit';
import { cssomStyle } from './cssom-style.js';
import type { EngineController } from '../../controllers/engine-controller.js';
import type { GenerationController } from '../../controllers/generation-controller.js';
import { format, formatBytes } from './format.js';

/** The sentences of a status line (part of each element's translatable `strings`). */
export interface StatusStrings {
  /** Waiting for the model to load, or about to start. */
  waiting: string;
  /** Queued behind other requests for the same model: `{count}` is replaced by how many. */
  queued: string;
  generating: string;
  done: string;
  stopped: string;
  /** `{model}` is replaced by the model id. */
  loading: string;
  /** The download is paused: `{model}` is replaced by the model id. */
  paused: string;
  /** The button that pauses a download in progress. */
  pauseDownload: string;
  /** The button that resumes a paused download. */
  resumeDownload: string;
  /** `{model}` and `{device}` are replaced. */
  ready: string;
}

/** English defaults of the status line. */
export const DEFAULT_STATUS_STRINGS: StatusStrings = {
  waiting: 'Waiting for the model…',
  queued: 'Waiting in line ({count} ahead)…',
  generating: 'Generating…',
  done: 'Done.',
  stopped: 'Stopped.',
  loading: 'Loading {model}…',
  paused: 'Download of {model} paused.',
  pauseDownload: 'Pause',
  resumeDownload: 'Resume',
  ready: '{model} is ready on {device}.',
};

/** What an element's status line says, and the load progress to draw (0–1) if loading. */
export interface StatusLine {
  text: string;
  /** Load progress between 0 and 1, or `null` when not loading. */
  progress: number | null;
  /** Bytes loaded and expected (e.g. `12.1 MB / 270.0 MB`), shown beside the bar, not announced. */
  amount?: string;
  tone: 'neutral' | 'busy' | 'error';
  /** While model files download: whether the download is paused, and the label of the button that toggles it. */
  download?: { paused: boolean; label: string };
}

/**
 * Describes the state a user cares about, most urgent first: an error, the model loading, the
 * generation's phase. The sentence changes only when the state does, so a live region announces
 * each state once and never the streamed tokens.
 */
export function describeStatus(
  engines: EngineController,
  generation: GenerationController,
  strings: StatusStrings = DEFAULT_STATUS_STRINGS,
): StatusLine {
  const engine = engines.engine;
  if (generation.phase === 'error' && generation.error) {
    return { text: generation.error.message, progress: null, tone: 'error' };
  }
  if (engine?.status === 'error' && engine.error) {
    return { text: engine.error.message, progress: null, tone: 'error' };
  }
  if (engine?.status === 'loading') {
    // The announced sentence stays fixed while bytes arrive; the amount is drawn beside the bar.
    const p = engine.progress;
    const paused = p?.paused === true;
    // A download can be paused while bytes are still to come (a paused one, to be resumed).
    const downloading = paused || (p !== null && p.total > 0 && p.loaded < p.total);
    return {
      text: format(paused ? strings.paused : strings.loading, { model: engine.model }),
      progress: p?.progress ?? 0,
      amount: p && p.total > 0 ? `${formatBytes(p.loaded)} / ${formatBytes(p.total)}` : '',
      tone: paused ? 'neutral' : 'busy',
      ...(downloading ? { download: { paused, label: paused ? strings.resumeDownload : strings.pauseDownload } } : {}),
    };
  }
  switch (generation.phase) {
    case 'waiting':
      return {
        text: generation.ahead > 0 ? format(strings.queued, { count: String(generation.ahead) }) : strings.waiting,
        progress: null,
        tone: 'busy',
      };
    case 'generating':
      return { text: strings.generating, progress: null, tone: 'busy' };
    case 'stopped':
      return { text: strings.stopped, progress: null, tone: 'neutral' };
    case 'done':
      return { text: strings.done, progress: null, tone: 'neutral' };
    default:
      return {
        text:
          engine?.status === 'ready' && engine.info
            ? format(strings.ready, { model: engine.info.model, device: engine.info.device })
            : '',
        progress: null,
        tone: 'neutral',
      };
  }
}

/**
 * Renders a status line: a polite live region (present from the first render, so the first
 * announcement is not lost) and, while loading, a progress bar; while model files download and
 * `toggleDownload` is given, a button (`part="pause-button"`) that pauses or resumes the download.
 */
export function renderStatus(status: StatusLine, toggleDownload?: (pause: boolean) => void): TemplateResult {
  return html`
    <div part="status" class="status ${status.tone}" role="status">${status.text}</div>
    ${status.progress === null
      ? nothing
      : html`<div class="progress-row">
          <div
            part="progress"
            class="progress"
            role="progressbar"
            aria-label=${status.text}
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=${Math.round(status.progress * 100)}
            aria-valuetext=${status.amount || `${Math.round(status.progress * 100)}%`}
          >
            <!-- Through CSSOM, which a strict style-src allows (styleMap's first write is an attribute). -->
            <div class="progress-bar" ${cssomStyle({ width: `${(status.progress * 100).toFixed(1)}%` })}></div>
          </div>
          <span class="progress-amount" aria-hidden="true">${status.amount}</span>
          ${status.download && toggleDownload
            ? html`<button
                part="pause-button"
                class="ghost pause-button"
                type="button"
                aria-pressed=${status.download.paused ? 'true' : 'false'}
                @click=${() => toggleDownload(!status.download!.paused)}
              >
                ${status.download.label}
              </button>`
            : nothing}
        </div>`}
  `;
}
