import { css } from 'lit';

/** Styles of the shared status line and load progress bar (see `status.ts`). */
export const statusStyles = css`
  .status {
    min-height: 1.25rem;
    font-size: 0.8125rem;
    color: var(--_muted);
    overflow-wrap: anywhere;
  }

  /* Stays in the accessibility tree (a live region must exist before it speaks) but takes no room. */
  .status:empty {
    min-height: 0;
  }

  .status.error {
    color: var(--_danger);
  }

  .progress-row {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }

  .progress-amount {
    font-size: 0.75rem;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }

  .progress {
    flex: 1;
    height: 0.25rem;
    border-radius: 999px;
    background: var(--_surface);
    overflow: hidden;
  }

  .pause-button {
    font-size: 0.75rem;
    padding: 0.125rem 0.5rem;
  }

  .progress-bar {
    height: 100%;
    background: var(--_accent);
    border-radius: inherit;
    transition: width 200ms ease;
  }
`;
