/**
 * The few icons the elements draw, inline as SVG (no icon font, no request, nothing for a
 * Content-Security-Policy to refuse). Paths from Lucide (https://lucide.dev, ISC licence), drawn
 * with `currentColor` so they take the button's colour in every state and scheme.
 *
 * Imported only by the views, so the icons travel with each element's lazily loaded interface,
 * not with the first script (`scripts/bundle-budget.mjs`).
 */
import { svg, type SVGTemplateResult, type TemplateResult, html } from 'lit';

const PATHS = {
  copy: svg`<rect width="14" height="14" x="8" y="8" rx="2"/><path d="M4 16c-1.1 0-2-.9-2-2V4c0-1.1.9-2 2-2h10c1.1 0 2 .9 2 2"/>`,
  check: svg`<path d="M20 6 9 17l-5-5"/>`,
  edit: svg`<path d="M21.17 6.81a1 1 0 0 0-3.98-3.98L3.84 16.17a2 2 0 0 0-.5.83l-1.32 4.35a.5.5 0 0 0 .62.62l4.35-1.32a2 2 0 0 0 .83-.5z"/><path d="m15 5 4 4"/>`,
  regenerate: svg`<path d="M3 12a9 9 0 1 0 9-9 9.75 9.75 0 0 0-6.74 2.74L3 8"/><path d="M3 3v5h5"/>`,
  clear: svg`<path d="M3 6h18"/><path d="M19 6v14c0 1-1 2-2 2H7c-1 0-2-1-2-2V6"/><path d="M8 6V4c0-1 1-2 2-2h4c1 0 2 1 2 2v2"/>`,
  send: svg`<path d="m5 12 7-7 7 7"/><path d="M12 19V5"/>`,
  stop: svg`<rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor"/>`,
  alert: svg`<circle cx="12" cy="12" r="10"/><path d="M12 8v4"/><path d="M12 16h.01"/>`,
  close: svg`<path d="M18 6 6 18"/><path d="m6 6 12 12"/>`,
} satisfies Record<string, SVGTemplateResult>;

/** The name of an icon. */
export type IconName = keyof typeof PATHS;

/** An icon, decorative (`aria-hidden`): the control it sits in carries the accessible name. */
export function icon(name: IconName): TemplateResult {
  return html`<svg
    class="icon"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >${PATHS[name]}</svg>`;
}

/** What `iconButton` draws. */
export interface IconButtonOptions {
  /** The button's `part` attribute (e.g. `action-button copy-button`). */
  part: string;
  icon: IconName;
  /** The accessible name, also shown as the tooltip. */
  label: string;
  onClick: (event: MouseEvent) => void;
  /** Shows the tooltip without hover or focus (feedback such as "Copied"). */
  showTooltip?: boolean;
  /**
   * Where the tooltip lines up with the button: centred (default), or flush with its start or
   * end edge, for a button at the edge of a box that clips (the transcript, the frame).
   */
  align?: 'center' | 'start' | 'end';
}

/**
 * A square button with an icon and a tooltip. The label is the button's accessible name
 * (`aria-label`); the tooltip repeats it for sighted users on hover and on keyboard focus, and is
 * hidden from assistive technology so it is not read twice. Hidden tooltips take no room
 * (`display: none`): they never widen a scrolling transcript.
 */
export function iconButton({ part, icon: name, label, onClick, showTooltip = false, align = 'center' }: IconButtonOptions): TemplateResult {
  return html`<button
    part=${part}
    class="icon-button tooltip-${align} ${showTooltip ? 'show-tooltip' : ''}"
    type="button"
    aria-label=${label}
    @click=${onClick}
  >
    ${icon(name)}<span part="tooltip" class="tooltip" aria-hidden="true">${label}</span>
  </button>`;
}
