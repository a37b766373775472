import { css } from 'lit';

/**
 * The blinking block cursor drawn after text that is still streaming (class `streaming`): at the
 * end of plain text, or inside the last block of rendered markdown (after a block it would sit on
 * a line of its own).
 */
export const cursorStyles = css`
  .streaming:not(:has(> .md-block))::after,
  .streaming > .md-block:last-child::after {
    content: '';
    display: inline-block;
    width: 0.5em;
    height: 1em;
    margin-inline-start: 0.125em;
    vertical-align: text-bottom;
    background: currentColor;
    opacity: 0.6;
    /* An opacity animation runs on the compositor; animating visibility kept the main thread
       painting 60 times a second while a reply was pending (bench: 2.7% vs 0.2% busy). */
    animation: slm-blink 1s steps(1, end) infinite;
  }

  @keyframes slm-blink {
    50% {
      opacity: 0;
    }
  }
`;
