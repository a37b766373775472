/**
 * JSX types for the `slm-*` tags. React 19 passes a prop to a custom element as a property when
 * the element has a property of that name, as an attribute otherwise, and adds an event listener
 * for `on<event-name>` props whose value is a function (`onslm-ready` listens to `slm-ready`).
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  SlmChatElement,
  SlmClearEvent,
  SlmCompleteElement,
  SlmErrorEvent,
  SlmProgressEvent,
  SlmProviderElement,
  SlmReadyEvent,
  SlmResponseEvent,
  SlmSendEvent,
  SlmTokenEvent,
} from 'slm-elements';

/** Standard HTML props of an element plus `ref`, `key`, `children`. */
type HtmlProps<E extends HTMLElement> = DetailedHTMLProps<HTMLAttributes<E>, E>;

/** The events every `slm-*` element may fire (they bubble, so a provider hears its children's). */
interface SlmEventProps {
  'onslm-progress'?: (event: SlmProgressEvent) => void;
  'onslm-ready'?: (event: SlmReadyEvent) => void;
  'onslm-error'?: (event: SlmErrorEvent) => void;
  'onslm-send'?: (event: SlmSendEvent) => void;
  'onslm-token'?: (event: SlmTokenEvent) => void;
  'onslm-response'?: (event: SlmResponseEvent) => void;
  'onslm-clear'?: (event: SlmClearEvent) => void;
}

/** Public properties of an element class (methods and `HTMLElement`'s own members left out). */
type Properties<E extends HTMLElement, K extends keyof E> = Partial<Pick<E, K>>;

type ProviderProps = Properties<SlmProviderElement, 'model' | 'device' | 'dtype' | 'modelBaseUrl' | 'wasmBaseUrl' | 'preload'> & {
  'model-base-url'?: string | undefined;
  'wasm-base-url'?: string | undefined;
};

type ChatProps = Properties<
  SlmChatElement,
  'systemPrompt' | 'maxNewTokens' | 'temperature' | 'contextWindow' | 'markdown' | 'showStats' | 'persist' | 'placeholder' | 'strings' | 'messages'
> & {
  'system-prompt'?: string | undefined;
  'max-new-tokens'?: number | string | undefined;
  'context-window'?: number | string | undefined;
  'show-stats'?: boolean | undefined;
};

type CompleteProps = Properties<
  SlmCompleteElement,
  'prompt' | 'mode' | 'systemPrompt' | 'maxNewTokens' | 'temperature' | 'stopSequences' | 'autorun' | 'debounce' | 'contextChars' | 'strings'
> & {
  'system-prompt'?: string | undefined;
  'max-new-tokens'?: number | string | undefined;
  'stop-sequences'?: string | undefined;
  for?: string | undefined;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'slm-provider': HtmlProps<SlmProviderElement> & ProviderProps & SlmEventProps;
      'slm-chat': HtmlProps<SlmChatElement> & ChatProps & SlmEventProps;
      'slm-complete': HtmlProps<SlmCompleteElement> & CompleteProps & SlmEventProps;
    }
  }
}
