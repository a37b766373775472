/**
 * Registers `<slm-complete>`. Importing this module is the only side effect it has; importing it twice
 * (or alongside another copy of the library) is harmless.
 */
import { SlmCompleteElement } from './components/complete/complete-element.js';

export { SlmCompleteElement };

if (!customElements.get('slm-complete')) {
  customElements.define('slm-complete', SlmCompleteElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'slm-complete': SlmCompleteElement;
  }
}
