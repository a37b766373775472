import { css } from 'lit';

/**
 * The frame of `<slm-chat>`, in the first script: what the element draws before its interface
 * arrives (the frame at its final size, or why the interface could not load). Everything inside
 * the frame is styled by `chat-view.styles.ts`, which travels with the interface.
 * Colours, radius, spacing and fonts come from `--slm-*` tokens.
 */
export const chatStyles = css`
  :host {
    display: block;
    height: var(--slm-chat-height, 32rem);
    min-height: 16rem;
  }

  .chat {
    display: flex;
    flex-direction: column;
    height: 100%;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    overflow: hidden;
  }

  .log {
    flex: 1 1 auto;
    overflow-y: auto;
    /* A tooltip near the edge never adds a horizontal scrollbar. */
    overflow-x: hidden;
    padding: var(--_space);
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 0.75);
    scroll-behavior: smooth;
  }

  .log:focus-visible {
    box-shadow: inset var(--_focus);
  }

  /* Only the transcript's error: a status line of the same tone is not a card. */
  .log > .error {
    align-self: stretch;
    display: flex;
    align-items: flex-start;
    gap: calc(var(--_space) * 0.75);
    padding: calc(var(--_space) * 0.75) var(--_space);
    border-radius: var(--_radius);
    background: var(--_danger-bg);
    color: var(--_danger);
    border: 1px solid color-mix(in srgb, var(--_danger) 30%, transparent);
    font-size: 0.875rem;
  }

  .log > .error > .icon {
    width: 1.25rem;
    height: 1.25rem;
    margin-top: 0.0625rem;
  }

  .error-text {
    flex: 1;
    align-self: center;
    overflow-wrap: anywhere;
  }
`;
