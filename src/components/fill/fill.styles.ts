import { css } from 'lit';

/** Layout and look of `<slm-fill>`. Colours, radius, spacing and fonts come from `--slm-*` tokens. */
export const fillStyles = css`
  :host {
    display: block;
  }

  .fill {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 0.75);
    padding: var(--_space);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }

  label {
    font-weight: 600;
  }

  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    padding: 0.5rem 0.75rem;
    min-height: 4.5rem;
    resize: vertical;
  }

  textarea::placeholder {
    color: var(--_muted);
  }

  .toolbar {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) * 0.5);
    min-height: 2.25rem;
  }

  .toolbar .state {
    flex: 1;
    min-width: 0;
  }

  .summary ul {
    margin: 0.25rem 0 0;
    padding-inline-start: 1.25rem;
  }

  .summary code {
    font-family: var(--_mono);
    overflow-wrap: anywhere;
  }
`;
