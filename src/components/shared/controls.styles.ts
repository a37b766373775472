import { css } from 'lit';

/**
 * Icons, icon buttons with their tooltips, and the typing indicator (see `icons.ts`), shared by
 * `<slm-chat>` and `<slm-complete>`.
 */
export const controlStyles = css`
  .icon {
    flex: none;
    width: 1.125em;
    height: 1.125em;
  }

  button.small {
    min-height: 2rem;
    padding: 0 0.75rem;
    font-size: 0.875rem;
  }

  /* Square, quiet until hovered: the look of Web Awesome's plain icon buttons. */
  .icon-button {
    position: relative;
    flex: none;
    width: 2rem;
    min-height: 0;
    height: 2rem;
    padding: 0;
    border-radius: calc(var(--_radius) * 0.5);
    color: var(--_muted);
    background: transparent;
  }

  .icon-button .icon {
    width: 1rem;
    height: 1rem;
  }

  .icon-button:hover {
    color: var(--_text);
    background: var(--_hover);
  }

  .icon-button:active {
    background: var(--_pressed);
  }

  /*
   * The tooltip repeats the button's accessible name (aria-label) on hover and keyboard focus.
   * Hidden, it takes no room (display: none), so it never widens a scrolling transcript; shown,
   * it sits above the button and fades in.
   */
  .tooltip {
    display: none;
    position: absolute;
    bottom: calc(100% + 0.375rem);
    left: 50%;
    translate: -50% 0;
    z-index: 2;
    padding: 0.25rem 0.5rem;
    border-radius: 0.375rem;
    background: var(--_tooltip-bg);
    color: var(--_tooltip-text);
    font-size: 0.75rem;
    font-weight: 500;
    line-height: 1.4;
    white-space: nowrap;
    pointer-events: none;
    opacity: 1;
    transition:
      opacity 120ms ease,
      display 120ms allow-discrete;
  }

  /* The arrow, under the tooltip's middle, or over the button's middle when flush with an edge. */
  .tooltip::after {
    content: '';
    position: absolute;
    top: 100%;
    left: 50%;
    translate: -50% 0;
    border: 0.3125rem solid transparent;
    border-top-color: var(--_tooltip-bg);
  }

  /* Flush with the button's start or end edge (logical, so right to left mirrors). */
  .tooltip-start .tooltip {
    left: auto;
    inset-inline-start: 0;
    translate: none;
  }

  .tooltip-end .tooltip {
    left: auto;
    inset-inline-end: 0;
    translate: none;
  }

  .tooltip-start .tooltip::after {
    left: auto;
    inset-inline-start: 0.6875rem;
    translate: none;
  }

  .tooltip-end .tooltip::after {
    left: auto;
    inset-inline-end: 0.6875rem;
    translate: none;
  }

  .icon-button:focus-visible .tooltip,
  .icon-button.show-tooltip .tooltip {
    display: block;
  }

  /* Hover shows it only where there is a hover (not after a tap on a touch screen). */
  @media (hover: hover) {
    .icon-button:hover .tooltip {
      display: block;
    }
  }

  @starting-style {
    .tooltip {
      opacity: 0;
    }
  }

  /* Three dots while a reply has no text yet. Opacity and transform run on the compositor. */
  .typing {
    display: inline-flex;
    align-items: center;
    gap: 0.3125rem;
    height: 1.5em;
    vertical-align: bottom;
  }

  .typing > span {
    width: 0.4375rem;
    height: 0.4375rem;
    border-radius: 50%;
    background: currentColor;
    /* In forced colours the background would become the canvas: keep the text colour. */
    forced-color-adjust: none;
    opacity: 0.4;
    animation: slm-typing 1.2s ease-in-out infinite;
  }

  .typing > span:nth-child(2) {
    animation-delay: 0.15s;
  }

  .typing > span:nth-child(3) {
    animation-delay: 0.3s;
  }

  @keyframes slm-typing {
    0%,
    60%,
    100% {
      opacity: 0.4;
      transform: none;
    }
    30% {
      opacity: 0.9;
      transform: translateY(-0.1875rem);
    }
  }

  /* Forced colours (Windows High Contrast) draw the tooltip on the canvas: outline it. */
  @media (forced-colors: active) {
    .tooltip {
      border: 1px solid CanvasText;
    }
  }
`;
