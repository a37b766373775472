/**
 * Vue: `slm-elements/vue` declares the elements in `GlobalComponents`, which Volar / vue-tsc use to
 * check templates (`<slm-chat system-prompt="…" @slm-response="…">`). Without vue-tsc here, the
 * props those templates are checked against are tested directly. Checked by
 * `tsc --noEmit -p test/types/tsconfig.vue.json` (test/node/types.test.mjs).
 */
import type {} from 'slm-elements/vue';
import type { GlobalComponents } from 'vue';
import type { SlmTokenEvent } from 'slm-elements';

type Props<Tag extends keyof GlobalComponents> = InstanceType<GlobalComponents[Tag]>['$props'];

export const chat: Props<'slm-chat'> = {
  systemPrompt: 'Be brief.',
  maxNewTokens: 64,
  markdown: 'off',
  showStats: true,
  modelBaseUrl: '/models/',
  device: 'wasm',
  dtype: 'q4',
  onSlmResponse: (event) => event.detail.tokensPerSecond.toFixed(1),
  onSlmSend: (event) => {
    event.detail.text = event.detail.text.trim();
  },
};
export const provider: Props<'slm-provider'> = { model: 'slm-tiny', preload: true, onSlmReady: (event) => event.detail.loadMs };
export const complete: Props<'slm-complete'> = { htmlFor: 'notes', mode: 'chat', stopSequences: ['\n'] };

// @ts-expect-error `markdown` is 'on' or 'off'
export const badMarkdown: Props<'slm-chat'> = { markdown: 'maybe' };
// @ts-expect-error `showStats` is a boolean
export const badShowStats: Props<'slm-chat'> = { showStats: 'yes' };
// @ts-expect-error `mode` is 'text' or 'chat'
export const badMode: Props<'slm-complete'> = { mode: 'poem' };
// @ts-expect-error the detail of `slm-response` has no `nope`
export const badDetail: Props<'slm-chat'> = { onSlmResponse: (event) => event.detail.nope };
// @ts-expect-error an `slm-response` listener does not receive an `SlmTokenEvent`
export const wrongEvent: Props<'slm-chat'> = { onSlmResponse: (event: SlmTokenEvent) => event.detail.token };
// @ts-expect-error no `slm-bogus` event
export const unknownEvent: Props<'slm-chat'> = { onSlmBogus: () => {} };
// @ts-expect-error `device` is 'auto', 'webgpu' or 'wasm' (typed on every element, not only the provider)
export const badDevice: Props<'slm-complete'> = { device: 'gpu' };
