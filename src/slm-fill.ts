/**
 * Registers `<slm-fill>`. Importing this module is the only side effect it has; importing it twice
 * (or alongside another copy of the library) is harmless.
 */
import { SlmFillElement } from './components/fill/fill-element.js';

export { SlmFillElement };

if (!customElements.get('slm-fill')) {
  customElements.define('slm-fill', SlmFillElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'slm-fill': SlmFillElement;
  }
}
