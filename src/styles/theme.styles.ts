import { css } from 'lit';

/**
 * Design tokens shared by every element. Each is an `--slm-*` custom property with a default,
 * so pages theme the components from outside the shadow root:
 *
 * ```css
 * slm-chat { --slm-color-accent: #7c3aed; --slm-radius: 4px; }
 * ```
 *
 * The defaults follow `prefers-color-scheme`; the palette is close to Shoelace / Web Awesome
 * neutrals so the elements sit well next to those libraries.
 */
export const themeStyles = css`
  :host {
    --_font: var(--slm-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', sans-serif);
    --_mono: var(--slm-font-family-mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
    --_size: var(--slm-font-size, 0.9375rem);
    --_radius: var(--slm-radius, 0.75rem);
    --_space: var(--slm-spacing, 0.75rem);
    --_bg: var(--slm-color-background, #ffffff);
    --_surface: var(--slm-color-surface, #f4f4f5);
    --_text: var(--slm-color-text, #18181b);
    --_muted: var(--slm-color-text-muted, #52525b);
    --_border: var(--slm-color-border, #e4e4e7);
    --_accent: var(--slm-color-accent, #0369a1);
    --_accent-text: var(--slm-color-accent-text, #ffffff);
    --_user-bg: var(--slm-color-user-background, var(--_accent));
    --_user-text: var(--slm-color-user-text, var(--_accent-text));
    --_assistant-bg: var(--slm-color-assistant-background, var(--_surface));
    --_assistant-text: var(--slm-color-assistant-text, var(--_text));
    --_danger: var(--slm-color-danger, #b91c1c);
    --_danger-bg: var(--slm-color-danger-background, #fef2f2);
    --_focus: var(--slm-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_accent) 40%, transparent));
    --_shadow: var(--slm-shadow, 0 1px 2px rgb(0 0 0 / 0.06), 0 1px 3px rgb(0 0 0 / 0.08));
    /* Derived from the text colour, so they fit any palette: a hovered and a pressed quiet control. */
    --_hover: color-mix(in srgb, var(--_text) 7%, transparent);
    --_pressed: color-mix(in srgb, var(--_text) 12%, transparent);
    /* Tooltips invert the scheme (dark on light, light on dark), as Web Awesome's do. */
    --_tooltip-bg: var(--slm-color-tooltip-background, var(--_text));
    --_tooltip-text: var(--slm-color-tooltip-text, var(--_bg));

    font-family: var(--_font);
    font-size: var(--_size);
    line-height: 1.5;
    color: var(--_text);
    -webkit-font-smoothing: antialiased;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_bg: var(--slm-color-background, #18181b);
      --_surface: var(--slm-color-surface, #27272a);
      --_text: var(--slm-color-text, #f4f4f5);
      --_muted: var(--slm-color-text-muted, #a1a1aa);
      --_border: var(--slm-color-border, #3f3f46);
      --_accent: var(--slm-color-accent, #38bdf8);
      --_accent-text: var(--slm-color-accent-text, #082f49);
      --_danger: var(--slm-color-danger, #fca5a5);
      --_danger-bg: var(--slm-color-danger-background, #450a0a);
    }
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  [hidden] {
    display: none !important;
  }

  button {
    font: inherit;
    font-weight: 600;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.375rem;
    min-height: 2.25rem;
    padding: 0 0.875rem;
    border-radius: calc(var(--_radius) * 0.75);
    border: 1px solid transparent;
    cursor: pointer;
    transition:
      background-color 120ms ease,
      border-color 120ms ease,
      color 120ms ease;
  }

  button:focus-visible,
  textarea:focus-visible,
  [tabindex]:focus-visible {
    outline: none;
    box-shadow: var(--_focus);
  }

  /* Forced colours drop box-shadows: keep a visible focus indicator there. */
  @media (forced-colors: active) {
    button:focus-visible,
    textarea:focus-visible,
    [tabindex]:focus-visible {
      outline: 2px solid CanvasText;
    }
  }

  button.primary {
    background: var(--_accent);
    color: var(--_accent-text);
  }

  button.primary:hover {
    background: color-mix(in srgb, var(--_accent) 88%, black);
  }

  button.primary:active {
    background: color-mix(in srgb, var(--_accent) 78%, black);
  }

  button.secondary {
    background: var(--_bg);
    color: var(--_text);
    border-color: var(--_border);
  }

  button.secondary:hover {
    background: var(--_surface);
    border-color: color-mix(in srgb, var(--_border) 70%, var(--_text));
  }

  button.secondary:active {
    background: var(--_pressed);
  }

  /*
   * Present but not ready (nothing to send yet): a neutral button with legible text, not a faded
   * accent. aria-disabled, not disabled, so it keeps focus and stays announced (NOTES §5).
   */
  button[aria-disabled='true'],
  button[aria-disabled='true']:hover,
  button[aria-disabled='true']:active {
    cursor: not-allowed;
    background: var(--_surface);
    color: var(--_muted);
    border-color: var(--_border);
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      transition: none !important;
      animation: none !important;
    }
  }
`;
