import { css } from 'lit';

/**
 * The cursor drawn after text that is still streaming (class `streaming`): a small dot that
 * pulses, at the end of plain text, or inside the last block of rendered markdown (after a block
 * it would sit on a line of its own), the last item of a list included. Before the first token there is no cursor: the views show a
 * typing indicator (`controls.styles.ts`).
 */
export const cursorStyles = css`
  .streaming:not(:empty):not(:has(> .md-block))::after,
  .streaming > .md-block:not(.md-list):last-child::after,
  .streaming > .md-list:last-child > li:last-child:not(:has(> .md-block))::after,
  .streaming > .md-list:last-child > li:last-child > .md-block:last-child::after {
    content: '';
    display: inline-block;
    width: 0.5em;
    height: 0.5em;
    margin-inline-start: 0.25em;
    border-radius: 50%;
    vertical-align: 0.05em;
    background: currentColor;
    /* In forced colours the background would become the canvas: keep the text colour. */
    forced-color-adjust: none;
    opacity: 0.7;
    /* An opacity animation runs on the compositor; animating visibility kept the main thread
       painting 60 times a second while a reply was pending (bench: 2.7% vs 0.2% busy). */
    animation: slm-blink 1s ease-in-out infinite alternate;
  }

  @keyframes slm-blink {
    to {
      opacity: 0.2;
    }
  }
`;
