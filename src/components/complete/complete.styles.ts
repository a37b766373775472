import { css } from 'lit';

/** Layout and look of `<slm-complete>`. */
export const completeStyles = css`
  :host {
    display: block;
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
  }

  .toolbar .state {
    flex: 1;
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    min-width: 0;
  }
`;
