import { css } from 'lit';

/**
 * The cursor drawn after text that is still streaming (class `streaming`): a small steady dot at
 * the end of plain text, or inside the last block of rendered markdown (after a block it would
 * sit on a line of its own), the last item of a list included. Before the first token there is
 * no cursor: the views show a typing indicator (`controls.styles.ts`).
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
    /* It does not pulse: the growing text already shows the reply is alive, and a pulse makes
       the browser draw a frame 60 times a second for as long as text streams (bench section 9:
       0.14 ms of compositor CPU per token at ~250 tokens/s, in the tab and the GPU process,
       taken from the model's share of a small machine). */
  }
`;
