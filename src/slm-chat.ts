/**
 * Registers `<slm-chat>`. Importing this module is the only side effect it has; importing it twice
 * (or alongside another copy of the library) is harmless.
 */
import { SlmChatElement } from './components/chat/chat-element.js';

export { SlmChatElement };

if (!customElements.get('slm-chat')) {
  customElements.define('slm-chat', SlmChatElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'slm-chat': SlmChatElement;
  }
}
