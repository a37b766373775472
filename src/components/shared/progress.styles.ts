import { css } from 'lit';

/** Styles of a download's progress (`renderProgress` in `status.ts`), adopted by the views. */
export const progressStyles = css`
  /*
   * A download: one line with the sentence (or the status line itself) and the bytes so far, the
   * bar under it. About 1.75rem in all, less than a button's height, so a toolbar keeps its size.
   */
  .progress-row {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    column-gap: 0.75rem;
    row-gap: 0.375rem;
  }

  .progress-row > .status,
  .progress-label {
    flex: 1 1 0;
    min-width: 0;
    min-height: 0;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }

  .progress-label {
    font-size: 0.8125rem;
  }

  .progress-amount {
    flex: none;
    margin-inline-start: auto;
    font-size: 0.75rem;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }

  .progress {
    flex: 1 0 100%;
    height: 0.375rem;
    border-radius: 999px;
    background: color-mix(in srgb, var(--_accent) 15%, var(--_border));
    overflow: hidden;
  }

  /* In the line of the bytes, no taller than that line: the toolbar or bubble keeps its height. */
  .pause-button {
    flex: none;
    align-self: center;
    min-height: 0;
    height: 1.25rem;
    padding: 0 0.5rem;
    font-size: 0.75rem;
    line-height: 1;
  }

  .progress-bar {
    height: 100%;
    background: var(--_accent);
    border-radius: inherit;
    transition: width 200ms ease;
  }

  @media (forced-colors: active) {
    .progress {
      border: 1px solid CanvasText;
    }

    .progress-bar {
      forced-color-adjust: none;
      background: Highlight;
    }
  }
`;
