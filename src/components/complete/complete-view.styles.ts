import { css } from 'lit';

/**
 * What `<slm-complete>`'s view draws inside the frame: adopted by the view (`complete-view.ts`)
 * when it arrives, so these rules are not part of the first script.
 */
export const completeViewStyles = css`
  .output .typing {
    margin-inline-start: 0.375em;
    color: var(--_muted);
  }

  .output:focus-visible {
    box-shadow: var(--_focus);
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
