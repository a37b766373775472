import { css } from 'lit';

/**
 * The frame of `<slm-complete>`, in the first script: the standalone box, output and toolbar at
 * the size they will have once the interface arrives. What only the interface draws (ghost
 * text, the typing indicator) is in `complete-view.styles.ts`, which travels with it.
 */
export const completeStyles = css`
  :host {
    display: block;
  }

  /* Ghost text for a field elsewhere: the element itself takes no room. */
  :host([for]:not([for=''])) {
    display: contents;
  }

  .complete {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 0.75);
    padding: var(--_space);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }

  .output {
    min-height: 4.5rem;
    max-height: var(--slm-complete-max-height, 20rem);
    overflow-y: auto;
    padding: calc(var(--_space) * 0.75);
    border-radius: calc(var(--_radius) * 0.75);
    background: var(--_surface);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  .prompt {
    color: var(--_muted);
  }

  .completion {
    color: var(--_text);
  }

  .toolbar {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 0.5);
    /* A button's height, so the frame drawn before the interface arrives is as tall as the real one. */
    min-height: 2.25rem;
  }

  .toolbar .state {
    flex: 1;
    min-width: 0;
  }
`;
