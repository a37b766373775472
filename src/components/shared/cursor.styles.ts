import { css } from 'lit';

/** The blinking block cursor drawn after text that is still streaming (class `streaming`). */
export const cursorStyles = css`
  .streaming::after {
    content: '';
    display: inline-block;
    width: 0.5em;
    height: 1em;
    margin-inline-start: 0.125em;
    vertical-align: text-bottom;
    background: currentColor;
    opacity: 0.6;
    animation: slm-blink 1s steps(2, start) infinite;
  }

  @keyframes slm-blink {
    to {
      visibility: hidden;
    }
  }
`;
