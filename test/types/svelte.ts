/**
 * Svelte 5: `slm-elements/svelte` adds the elements to `SvelteHTMLElements`, which svelte-check
 * uses for markup (`<slm-chat system-prompt="…" onslm-response={…}>`). Without svelte-check here,
 * the attribute types that markup is checked against are tested directly. Checked by
 * `tsc --noEmit -p test/types/tsconfig.svelte.json` (test/node/types.test.mjs).
 */
import type {} from 'slm-elements/svelte';
import type { SvelteHTMLElements } from 'svelte/elements';
import type { SlmTokenEvent } from 'slm-elements';

export const chat: SvelteHTMLElements['slm-chat'] = {
  class: 'chat',
  'system-prompt': 'Be brief.',
  'max-new-tokens': 64,
  markdown: 'off',
  'show-stats': true,
  'onslm-response': (event) => event.detail.tokensPerSecond.toFixed(1),
  'onslm-send': (event) => {
    event.detail.text = event.detail.text.trim();
  },
};
export const provider: SvelteHTMLElements['slm-provider'] = { model: 'slm-tiny', preload: true, 'onslm-ready': (event) => event.detail.loadMs };
export const complete: SvelteHTMLElements['slm-complete'] = { for: 'notes', mode: 'chat', stopSequences: ['\n'] };

// @ts-expect-error `markdown` is 'on' or 'off'
export const badMarkdown: SvelteHTMLElements['slm-chat'] = { markdown: 'maybe' };
// @ts-expect-error `show-stats` is a boolean
export const badShowStats: SvelteHTMLElements['slm-chat'] = { 'show-stats': 'yes' };
// @ts-expect-error `mode` is 'text' or 'chat'
export const badMode: SvelteHTMLElements['slm-complete'] = { mode: 'poem' };
// @ts-expect-error the detail of `slm-response` has no `nope`
export const badDetail: SvelteHTMLElements['slm-chat'] = { 'onslm-response': (event) => event.detail.nope };
// @ts-expect-error an `slm-response` listener does not receive an `SlmTokenEvent`
export const wrongEvent: SvelteHTMLElements['slm-chat'] = { 'onslm-response': (event: SlmTokenEvent) => event.detail.token };
// @ts-expect-error no `slm-bogus` event
export const unknownEvent: SvelteHTMLElements['slm-chat'] = { 'onslm-bogus': () => {} };
