/**
 * Registers `<slm-provider>`. Importing this module is the only side effect it has; importing it twice
 * (or alongside another copy of the library) is harmless.
 */
import { SlmProviderElement } from './components/provider/provider-element.js';

export { SlmProviderElement };

if (!customElements.get('slm-provider')) {
  customElements.define('slm-provider', SlmProviderElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'slm-provider': SlmProviderElement;
  }
}
