/**
 * Solid: `slm-elements/solid` adds the elements to Solid's `JSX.IntrinsicElements`, with the
 * attribute names (Solid sets them as the camel-cased properties) and `on:slm-*` events. Checked by
 * `tsc --noEmit -p test/types/tsconfig.solid.json` (test/node/types.test.mjs).
 */
import type {} from 'slm-elements/solid';
import type { JSX } from 'solid-js';
import type { SlmTokenEvent } from 'slm-elements';

export function ChatPage() {
  return (
    <slm-provider model="HuggingFaceTB/SmolLM2-360M-Instruct" device="wasm" preload on:slm-ready={(event) => event.detail.loadMs}>
      <slm-chat
        class="chat"
        system-prompt="Be brief."
        max-new-tokens={64}
        markdown="off"
        show-stats
        messages={[{ role: 'user', content: 'Hi' }]}
        on:slm-response={(event) => event.detail.tokensPerSecond.toFixed(1)}
        on:slm-send={(event) => {
          event.detail.text = event.detail.text.trim();
        }}
      />
      <slm-complete for="notes" mode="chat" stop-sequences={['\n']} on:slm-token={(event) => event.detail.token} />
    </slm-provider>
  );
}

// @ts-expect-error `markdown` is 'on' or 'off'
export const badMarkdown = <slm-chat markdown="maybe" />;
// @ts-expect-error `show-stats` is a boolean
export const badShowStats = <slm-chat show-stats="yes" />;
// @ts-expect-error `mode` is 'text' or 'chat'
export const badMode = <slm-complete mode="poem" />;
// @ts-expect-error the detail of `slm-response` has no `nope`
export const badDetail = <slm-chat on:slm-response={(event) => event.detail.nope} />;
// @ts-expect-error an `slm-response` listener does not receive an `SlmTokenEvent`
export const wrongEvent = <slm-chat on:slm-response={(event: SlmTokenEvent) => event.detail.token} />;
// @ts-expect-error no `slm-bogus` event
export const unknownEvent: JSX.IntrinsicElements['slm-chat'] = { 'on:slm-bogus': () => {} };
// @ts-expect-error Solid would set `systemPrompt` as the property `systemprompt`: only the attribute name is offered
export const camelCase: JSX.IntrinsicElements['slm-chat'] = { systemPrompt: 'Be brief.' };
