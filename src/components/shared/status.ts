import { html, nothing, type TemplateResult } from 'lit';
import { cssomStyle } from './cssom-style.js';
import type { EngineController } from '../../controllers/engine-controller.js';
import type { GenerationController } from '../../controllers/generation-controller.js';
import { format, formatBytes, modelName } from './format.js';

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

/** What an element's status line says, and the load progress to draw (0–1) if it waits for one. */
export interface StatusLine {
  text: string;
  /**
   * Load progress between 0 and 1 while this element waits for the model to load, or `null`.
   * Only the element that asked shows a download: the others on the same provider show nothing.
   */
  progress: number | null;
  /** Bytes loaded and expected (e.g. `12.1 MB / 270.0 MB`), shown beside the bar, not announced. */
  amount?: string;
  tone: 'neutral' | 'busy' | 'error';
  /**
   * While model files download: whether the download is paused, the label of the button that
   * toggles it, and what that button does (pauses or resumes the engine's download).
   */
  download?: { paused: boolean; label: string; toggle: () => void };
}

/**
 * Describes the state a user cares about in this element, most urgent first: its request's
 * failure, the model loading while its request waits, the generation's phase. The sentence
 * changes only when the state does, so a live region announces each state once and never the
 * streamed tokens.
 *
 * Only what this element's user did is described: a load that another element started, or a
 * failure of the provider's model nobody asked this element about, is not its news (the element
 * where the user acted shows it, once).
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
  if (generation.phase === 'waiting' && engine?.status === 'loading') {
    // The announced sentence stays fixed while bytes arrive; the amount is drawn beside the bar.
    const p = engine.progress;
    const paused = p?.paused === true;
    // A download can be paused while bytes are still to come (a paused one, to be resumed).
    const downloading = paused || (p !== null && p.total > 0 && p.loaded < p.total);
    return {
      text: format(paused ? strings.paused : strings.loading, { model: modelName(engine.model) }),
      progress: p?.progress ?? 0,
      amount: p && p.total > 0 ? `${formatBytes(p.loaded)} / ${formatBytes(p.total)}` : '',
      tone: paused ? 'neutral' : 'busy',
      ...(downloading
        ? {
            download: {
              paused,
              label: paused ? strings.resumeDownload : strings.pauseDownload,
              toggle: () => (paused ? engine.resumeDownload() : engine.pauseDownload()),
            },
          }
        : {}),
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
            ? format(strings.ready, { model: modelName(engine.info.model), device: engine.info.device })
            : '',
        progress: null,
        tone: 'neutral',
      };
  }
}

/**
 * Renders the status line: a polite live region, present from the first render so the first
 * announcement is not lost. With `visible: false` it is still announced but drawn nowhere, for
 * states the element shows elsewhere (a failure in the chat's transcript, a download in its
 * waiting reply): each thing is on screen once.
 */
export function renderStatus(status: StatusLine, { visible = true }: { visible?: boolean } = {}): TemplateResult {
  return html`<div part="status" class="status ${status.tone} ${visible ? '' : 'visually-hidden'}" role="status">${status.text}</div>`;
}

/**
 * Renders the download's progress, if this element waits for one: the bytes so far and a bar
 * below them (a `progress-row` container lays them out), and, while model
 * files download, a small button beside the bytes (`part="pause-button"`, in the same line, so
 * nothing grows) that pauses or resumes the download. `label` repeats the status sentence beside
 * the amount, hidden from assistive technology (the status line announces it), for a place where
 * the status line is not in view.
 */
export function renderProgress(
  status: StatusLine,
  { label = false }: { label?: boolean } = {},
): TemplateResult | typeof nothing {
  if (status.progress === null) return nothing;
  const download = status.download;
  const percent = Math.round(status.progress * 100);
  return html`${label ? html`<span class="progress-label" aria-hidden="true">${status.text}</span>` : nothing}
    <span class="progress-amount" aria-hidden="true">${status.amount || `${percent}%`}</span>
    ${download
      ? html`<button
          part="pause-button"
          class="ghost pause-button"
          type="button"
          aria-pressed=${download.paused ? 'true' : 'false'}
          @click=${download.toggle}
        >
          ${download.label}
        </button>`
      : nothing}
    <div
      part="progress"
      class="progress"
      role="progressbar"
      aria-label=${status.text}
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${percent}
      aria-valuetext=${status.amount || `${percent}%`}
    >
      <!-- Through CSSOM, which a strict style-src allows (styleMap's first write is an attribute). -->
      <div class="progress-bar" ${cssomStyle({ width: `${(status.progress * 100).toFixed(1)}%` })}></div>
    </div>`;
}
