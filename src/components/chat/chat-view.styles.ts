import { css } from 'lit';

/**
 * The transcript and composer of `<slm-chat>`: adopted by the chat's view (`chat-view.ts`) when
 * it arrives, so these rules are not part of the first script. Colours, radius, spacing and
 * fonts come from `--slm-*` tokens.
 */
export const chatViewStyles = css`
  .empty {
    margin: auto;
    max-width: 24rem;
    text-align: center;
    color: var(--_muted);
  }

  .message {
    max-width: min(85%, 42rem);
    padding: calc(var(--_space) * 0.625) calc(var(--_space) * 0.875);
    /* Invisible, except in forced colours, where backgrounds are dropped and it outlines the bubble. */
    border: 1px solid transparent;
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }

  /* User text and plain-text replies keep their line breaks; markdown lays out its own blocks. */
  .content:not(.markdown) {
    white-space: pre-wrap;
  }

  /*
   * A long transcript must not cost more to paint per streamed token than a short one: blocks
   * scrolled out of view are skipped (their last size is remembered), so the browser lays out and
   * paints only what is on screen (bench: main-thread time per painted token, token 100 vs 4,000).
   */
  .content.markdown > .md-block {
    content-visibility: auto;
    contain-intrinsic-size: auto 1.5em;
  }

  .message.being-edited {
    outline: 2px dashed var(--_accent);
    outline-offset: 2px;
  }

  .message.user {
    align-self: flex-end;
    background: var(--_user-bg);
    color: var(--_user-text);
    border-end-end-radius: calc(var(--_radius) * 0.25);
  }

  .message.assistant {
    align-self: flex-start;
    background: var(--_assistant-bg);
    color: var(--_assistant-text);
    border-end-start-radius: calc(var(--_radius) * 0.25);
  }


  /* A reply without text yet: the typing indicator, or the model's download. */
  .message.pending {
    color: var(--_muted);
  }

  .waiting-load {
    width: 24rem;
    max-width: 100%;
    padding-block: 0.125rem;
  }

  .actions {
    display: flex;
    gap: 0.125rem;
    margin-top: calc(var(--_space) * -0.625);
  }

  .message.user + .stats + .actions,
  .message.user + .actions {
    align-self: flex-end;
  }

  button.ghost {
    min-height: 1.75rem;
    padding: 0 0.5rem;
    font-size: 0.8125rem;
    font-weight: 500;
    color: var(--_muted);
    background: transparent;
  }

  button.ghost:hover {
    color: var(--_text);
    background: var(--_hover);
  }

  button.ghost:active {
    background: var(--_pressed);
  }

  .stats {
    margin-top: calc(var(--_space) * -0.5);
    font-size: 0.75rem;
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
  }

  .notice {
    align-self: center;
    max-width: 32rem;
    text-align: center;
    font-size: 0.8125rem;
    color: var(--_muted);
    padding: 0.25rem 0.75rem;
    border: 1px dashed var(--_border);
    border-radius: 999px;
  }

  .footprint {
    margin: 0.75rem 0 0;
    font-size: 0.8125rem;
  }

  .editing {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.25rem 0.25rem 0.25rem 0.625rem;
    border-radius: calc(var(--_radius) * 0.75);
    background: color-mix(in srgb, var(--_accent) 10%, transparent);
    font-size: 0.8125rem;
    color: var(--_text);
  }

  .editing > .icon {
    color: var(--_accent);
  }

  .editing span {
    flex: 1;
  }

  .status-row {
    display: flex;
    align-items: center;
    gap: 0.5rem;
  }

  /* The row keeps its height once a conversation has started: statuses come and go inside it. */
  .status-row:has(.icon-button) {
    min-height: 2rem;
  }

  .status-cell {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
  }

  .footer {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 0.5);
    padding: calc(var(--_space) * 0.75) var(--_space);
    border-top: 1px solid var(--_border);
    background: var(--_bg);
  }

  .composer {
    display: flex;
    align-items: flex-end;
    gap: calc(var(--_space) * 0.5);
  }

  .send-stop {
    display: grid;
  }

  /* Both buttons keep their place in the cell; the one not in use is invisible (and not focusable). */
  .send-stop > button {
    grid-area: 1 / 1;
  }

  .send-stop > [hidden] {
    display: inline-flex !important;
    visibility: hidden;
  }

  textarea {
    flex: 1;
    font: inherit;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.75);
    padding: 0.5rem 0.75rem;
    min-height: 2.25rem;
    max-height: 10rem;
    resize: none;
    field-sizing: content;
  }

  textarea:hover {
    border-color: color-mix(in srgb, var(--_border) 60%, var(--_text));
  }

  textarea:focus-visible {
    border-color: var(--_accent);
  }

  textarea::placeholder {
    color: var(--_muted);
  }

  /* A JSON reply (schema) and tool calls: monospace, wrapped, compact. */
  .json pre,
  .tool-call code,
  .tool-call pre {
    margin: 0;
    font-family: var(--_mono);
    font-size: 0.875em;
    white-space: pre-wrap;
  }

  .tool-call {
    margin-top: calc(var(--_space) * 0.5);
    padding: calc(var(--_space) * 0.375) calc(var(--_space) * 0.625);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.5);
    font-size: 0.875em;
  }

  .tool-call summary {
    cursor: pointer;
  }

  .tool-label {
    color: var(--_muted);
  }

  .failed .tool-label {
    color: var(--_danger);
  }
`;
