/**
 * Any other JSX: `slm-elements/jsx` exports the elements' props (`CustomElements`) to merge into a
 * framework's `IntrinsicElements`, and element classes dispatch typed events
 * (`GlobalEventHandlersEventMap`). Checked by `tsc --noEmit -p test/types/tsconfig.jsx.json`
 * (test/node/types.test.mjs).
 */
import type { CustomElements } from 'slm-elements/jsx';
import type { SlmChatElement, SlmTokenEvent } from 'slm-elements';

export const chat: CustomElements['slm-chat'] = {
  'system-prompt': 'Be brief.',
  systemPrompt: 'Be brief.',
  'onslm-response': (event) => event.detail.tokens,
};

export function listen(element: SlmChatElement): void {
  element.addEventListener('slm-response', (event) => event.detail.cachedTokens);
  element.addEventListener('slm-send', (event) => event.preventDefault());
  document.addEventListener('slm-progress', (event) => event.detail.progress);
  // @ts-expect-error the detail of `slm-token` has no `tokens`
  element.addEventListener('slm-token', (event) => event.detail.tokens);
}

// @ts-expect-error `markdown` is 'on' or 'off'
export const badMarkdown: CustomElements['slm-chat'] = { markdown: 'maybe' };
// @ts-expect-error an `slm-response` listener does not receive an `SlmTokenEvent`
export const wrongEvent: CustomElements['slm-chat'] = { 'onslm-response': (event: SlmTokenEvent) => event };
// @ts-expect-error no `slm-bogus` event
export const unknownEvent: CustomElements['slm-chat'] = { 'onslm-bogus': () => {} };
// @ts-expect-error `suggestion` is read-only: not an input
export const readOnly: CustomElements['slm-complete'] = { suggestion: 'x' };
