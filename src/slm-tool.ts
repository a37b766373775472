/**
 * Registers `<slm-tool>`. Importing this module is the only side effect it has; importing it twice
 * (or alongside another copy of the library) is harmless.
 */
import { SlmToolElement } from './components/tool/tool-element.js';

export { SlmToolElement };

if (!customElements.get('slm-tool')) {
  customElements.define('slm-tool', SlmToolElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'slm-tool': SlmToolElement;
  }
}
