/**
 * A provider with a chat and a completion, configured from React state and reporting back through
 * `slm-*` events.
 *
 * React 19 passes a prop to a custom element as a DOM property when the element has a property of
 * that name (`maxNewTokens`, `showStats`, `strings`, `stopSequences`, `messages`, and even
 * `temperature="0"`) and as an attribute otherwise (`system-prompt`, `model-base-url`). A function
 * prop named `on` + the event name (`onslm-ready`) becomes an event listener for that exact,
 * case-sensitive name. The tags' JSX types (attributes, properties and typed `onslm-*` handlers)
 * come with the package: `import type {} from 'slm-elements/react'`.
 */
import type {} from 'slm-elements/react';
import { useState } from 'react';
import type {
  ChatMessage,
  ChatStrings,
  DeviceOption,
  SlmErrorEvent,
  SlmProgressEvent,
  SlmReadyEvent,
  SlmResponseEvent,
  SlmSendEvent,
} from 'slm-elements';

/** Chat labels per language: an object, so it must reach the element as a property. */
const STRINGS: Record<'en' | 'fr', Partial<ChatStrings>> = {
  en: { send: 'Ask' },
  fr: { send: 'Demander', stop: 'Arrêter', clear: 'Effacer', placeholder: 'Votre question…', inputLabel: 'Question' },
};

/** Module-level, so every render passes the same array and React never sets it again. */
const STOP_SEQUENCES = ['\n\n', 'THE END'];

export interface AppProps {
  model: string;
  modelBaseUrl?: string | undefined;
  device: DeviceOption;
}

export function App({ model, modelBaseUrl, device }: AppProps) {
  const [systemPrompt, setSystemPrompt] = useState('You are a helpful, concise assistant.');
  const [maxNewTokens, setMaxNewTokens] = useState(64);
  const [showStats, setShowStats] = useState(true);
  const [language, setLanguage] = useState<'en' | 'fr'>('en');
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [prompt, setPrompt] = useState('Once upon a time');

  // What the elements reported, shown in the activity panel.
  const [modelStatus, setModelStatus] = useState('Not loaded');
  const [error, setError] = useState('');
  const [sent, setSent] = useState(0);
  const [lastSent, setLastSent] = useState('');
  const [streamed, setStreamed] = useState(0);
  const [reply, setReply] = useState('');
  const [completion, setCompletion] = useState('');

  const onProgress = (event: SlmProgressEvent) => setModelStatus(`Loading… ${Math.round(event.detail.progress * 100)}%`);
  const onReady = ({ detail }: SlmReadyEvent) =>
    setModelStatus(`${detail.model} on ${detail.device} (${detail.dtype}), loaded in ${Math.round(detail.loadMs)} ms`);
  const onError = ({ detail }: SlmErrorEvent) => setError(`${detail.code}: ${detail.message}`);
  const onSend = ({ detail }: SlmSendEvent) => {
    setSent((count) => count + 1);
    setLastSent(detail.text);
    setStreamed(0);
  };
  const onReply = ({ detail }: SlmResponseEvent) => setReply(`${detail.reason}, ${detail.tokens} tokens`);
  const onCompletion = ({ detail }: SlmResponseEvent) => setCompletion(`${detail.reason}, ${detail.tokens} tokens`);
  const loadExample = () =>
    setMessages([
      { role: 'user', content: 'What runs this chat?' },
      { role: 'assistant', content: 'A small language model, right here in your browser.' },
    ]);

  return (
    <>
      <h1>slm-elements in React 19</h1>
      <form className="settings" onSubmit={(event) => event.preventDefault()}>
        <label>
          System prompt <input value={systemPrompt} onChange={(event) => setSystemPrompt(event.target.value)} name="system-prompt" size={40} />
        </label>
        <label>
          Max new tokens{' '}
          <input
            value={maxNewTokens}
            onChange={(event) => setMaxNewTokens(event.target.valueAsNumber)}
            name="max-new-tokens"
            type="number"
            min={1}
            max={512}
          />
        </label>
        <label className="inline">
          <input checked={showStats} onChange={(event) => setShowStats(event.target.checked)} name="show-stats" type="checkbox" /> Show stats
        </label>
        <label>
          Language{' '}
          <select value={language} onChange={(event) => setLanguage(event.target.value as 'en' | 'fr')} name="language">
            <option value="en">English</option>
            <option value="fr">Français</option>
          </select>
        </label>
        <label>
          Completion prompt <input value={prompt} onChange={(event) => setPrompt(event.target.value)} name="prompt" />
        </label>
        <button name="example" type="button" onClick={loadExample}>
          Load an example conversation
        </button>
      </form>

      <slm-provider
        model={model}
        model-base-url={modelBaseUrl}
        device={device}
        preload
        onslm-progress={onProgress}
        onslm-ready={onReady}
        onslm-error={onError}
      >
        <div className="widgets">
          <slm-chat
            system-prompt={systemPrompt}
            maxNewTokens={maxNewTokens}
            temperature="0"
            showStats={showStats}
            strings={STRINGS[language]}
            messages={messages}
            onslm-send={onSend}
            onslm-token={() => setStreamed((count) => count + 1)}
            onslm-response={onReply}
          >
            <h2 slot="header">Chat</h2>
            <p slot="empty">Ask anything: the model runs on this device.</p>
            <small slot="footer">Replies are generated locally and can be wrong.</small>
          </slm-chat>
          <slm-complete prompt={prompt} max-new-tokens="24" stopSequences={STOP_SEQUENCES} onslm-response={onCompletion} />
        </div>
      </slm-provider>

      <h2>Activity</h2>
      <dl className="activity">
        <dt>Model</dt>
        <dd data-testid="model-status">{modelStatus}</dd>
        <dt>Error</dt>
        <dd data-testid="error" role="alert">
          {error}
        </dd>
        <dt>Messages sent</dt>
        <dd data-testid="sent">{sent}</dd>
        <dt>Last message</dt>
        <dd data-testid="last-sent">{lastSent}</dd>
        <dt>Tokens streamed</dt>
        <dd data-testid="streamed">{streamed}</dd>
        <dt>Last reply</dt>
        <dd data-testid="reply">{reply}</dd>
        <dt>Last completion</dt>
        <dd data-testid="completion">{completion}</dd>
      </dl>
    </>
  );
}
