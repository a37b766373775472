/**
 * React 19: `slm-elements/react` adds the elements to `React.JSX.IntrinsicElements`. Checked by
 * `tsc --noEmit -p test/types/tsconfig.react.json` (test/node/types.test.mjs); every
 * `@ts-expect-error` below must still be an error, and everything else must compile.
 */
import type {} from 'slm-elements/react';
import type { JSX } from 'react';
import type { SlmTokenEvent } from 'slm-elements';

export function ChatPage() {
  return (
    <slm-provider model="HuggingFaceTB/SmolLM2-360M-Instruct" device="wasm" preload onslm-ready={(event) => event.detail.loadMs}>
      <slm-chat
        className="chat"
        system-prompt="Be brief."
        max-new-tokens={64}
        markdown="off"
        show-stats
        messages={[{ role: 'user', content: 'Hi' }]}
        strings={{ placeholder: 'Ask me' }}
        onslm-response={(event) => event.detail.tokensPerSecond.toFixed(1)}
        onslm-send={(event) => {
          event.detail.text = event.detail.text.trim();
        }}
        onslm-error={(event) => event.detail.code}
      />
      <slm-complete for="notes" mode="chat" stopSequences={['\n']} onslm-token={(event) => event.detail.token} />
    </slm-provider>
  );
}

// @ts-expect-error `markdown` is 'on' or 'off'
export const badMarkdown = <slm-chat markdown="maybe" />;
// @ts-expect-error `show-stats` is a boolean
export const badShowStats = <slm-chat show-stats="yes" />;
// @ts-expect-error `mode` is 'text' or 'chat'
export const badMode = <slm-complete mode="poem" />;
// @ts-expect-error `status` is read-only: not an input
export const readOnlyStatus = <slm-provider status="ready" />;
// @ts-expect-error the detail of `slm-response` has no `nope`
export const badDetail = <slm-chat onslm-response={(event) => event.detail.nope} />;
// @ts-expect-error an `slm-response` listener does not receive an `SlmTokenEvent`
export const wrongEvent = <slm-chat onslm-response={(event: SlmTokenEvent) => event.detail.token} />;
// JSX never checks hyphenated names it does not know, so unknown events are checked on the props type.
// @ts-expect-error no `slm-bogus` event
export const unknownEvent: JSX.IntrinsicElements['slm-chat'] = { 'onslm-bogus': () => {} };
