import { css } from 'lit';

/** Layout and look of `<slm-complete>`: the standalone frame, and the ghost-text overlay. */
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
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    min-width: 0;
  }

  /*
   * Ghost text. The anchor is out of flow (no effect on the page's layout); the mirror is placed
   * over the field relative to it, with the field's text layout copied onto it inline (see
   * ghost-overlay.ts). Its border and background are transparent; only the suggestion has ink.
   */
  .anchor {
    position: absolute;
    width: 0;
    height: 0;
  }

  .mirror {
    position: absolute;
    z-index: var(--slm-ghost-z-index, 1);
    box-sizing: border-box;
    margin: 0;
    border-style: solid;
    border-color: transparent;
    background: transparent;
    overflow: hidden;
    pointer-events: none;
    user-select: none;
  }

  /* Inputs centre their single line vertically, as browsers draw them. */
  .mirror.single-line {
    display: flex;
    align-items: center;
  }

  .mirror-content {
    flex: none;
    min-width: 100%;
  }

  .before {
    color: transparent;
  }

  .suggestion {
    color: var(--slm-ghost-color, color-mix(in srgb, currentColor 55%, transparent));
  }
`;
