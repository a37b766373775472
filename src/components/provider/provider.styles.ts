import { css } from 'lit';

/** The provider is only a context boundary: it adds no box of its own. */
export const providerStyles = css`
  :host {
    display: contents;
  }
`;
