import type { CSSResult } from 'lit';

/**
 * Adds a view's styles to its element's shadow root (after the element's own, so they win ties).
 *
 * An element's static styles are part of the first script; the rules for what only its view
 * draws (the transcript, icon buttons, tooltips, progress) travel with the view instead, in the
 * module imported when the first element of that kind connects (`DeferredView`). Called from
 * the view's constructor, before its first render, so nothing is ever drawn unstyled. The
 * stylesheets are constructable (shared by every element of the page, and allowed by a strict
 * Content-Security-Policy, as Lit's own are).
 */
export function adoptViewStyles(host: { readonly renderRoot: HTMLElement | DocumentFragment }, styles: readonly CSSResult[]): void {
  const root = host.renderRoot as ShadowRoot;
  const sheets = styles.map((style) => style.styleSheet).filter((sheet): sheet is CSSStyleSheet => !!sheet);
  const missing = sheets.filter((sheet) => !root.adoptedStyleSheets.includes(sheet));
  if (missing.length) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...missing];
}
