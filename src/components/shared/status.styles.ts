import { css } from 'lit';

/** Styles of the shared status line (see `status.ts`); the element's frame uses it too. */
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
`;
