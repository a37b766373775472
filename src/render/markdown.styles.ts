/**
 * Styles for rendered markdown, as a plain CSS string so that `src/render/` stays free of Lit.
 * An element adopts them with `unsafeCSS(markdownStyles)` (the string is a constant of this
 * library, never user input).
 *
 * They rely on the host theme's private tokens: `--_mono`, `--_surface`, `--_border`,
 * `--_radius`, `--_accent` and `--_muted` (see `themeStyles`); each has a fallback so the
 * renderer also looks reasonable in light DOM. Spacing is compact for chat bubbles: the first and
 * last block of a container (or list item, or quote) have no outer margin, so a one-paragraph
 * reply is exactly as tall as its text. Selectors are wrapped in `:where()` to keep their
 * specificity at zero, so a page or element can override any of them with a plain selector.
 * Colours are derived with `color-mix()` from `currentColor`, so they work in light and dark
 * themes and in bubbles of any colour.
 */
export const markdownStyles = /* css */ `
  :where(.md-block) {
    margin: 0.625em 0;
  }

  :where(.md-heading) {
    font-weight: 650;
    line-height: 1.3;
    margin-top: 1em;
  }

  :where(h1.md-heading) {
    font-size: 1.3em;
  }

  :where(h2.md-heading) {
    font-size: 1.18em;
  }

  :where(h3.md-heading) {
    font-size: 1.06em;
  }

  :where(h4.md-heading, h5.md-heading, h6.md-heading) {
    font-size: 1em;
  }

  :where(h6.md-heading) {
    color: var(--_muted, inherit);
  }

  :where(.md-list) {
    padding-inline-start: 1.5em;
  }

  :where(.md-list > li + li) {
    margin-top: 0.25em;
  }

  /* Paragraphs inside items stay tight: loose and tight lists look the same. */
  :where(.md-list > li > .md-block) {
    margin: 0.25em 0;
  }

  /* GFM task list items: the disabled checkbox stands in for the bullet. */
  :where(.md-list > li.md-task) {
    list-style: none;
  }

  :where(.md-task > input[type='checkbox']) {
    margin: 0 0.35em 0 -1.35em;
    vertical-align: -0.1em;
  }

  /* Raw HTML from the reply, shown as the text it is (never rendered as markup). */
  :where(.md-html) {
    white-space: pre-wrap;
    font-family: var(--_mono, ui-monospace, monospace);
    font-size: 0.9em;
    color: var(--_muted, inherit);
  }

  :where(.md-list > li)::marker {
    color: var(--_muted, currentColor);
  }

  :where(.md-blockquote) {
    margin-inline: 0;
    padding: 0.125em 0 0.125em 0.875em;
    border-inline-start: 3px solid var(--_border, color-mix(in srgb, currentColor 20%, transparent));
    color: var(--_muted, inherit);
  }

  :where(.md-rule) {
    border: 0;
    border-top: 1px solid var(--_border, color-mix(in srgb, currentColor 20%, transparent));
    margin: 1em 0;
  }

  :where(.md-block a) {
    color: var(--_accent, inherit);
    text-decoration: underline;
    text-underline-offset: 0.15em;
    overflow-wrap: anywhere;
  }

  :where(.md-block a:hover) {
    text-decoration-thickness: 2px;
  }

  :where(.md-image) {
    font-style: italic;
  }

  :where(.md-block del) {
    opacity: 0.75;
  }

  /* Inline code. */
  :where(.md-block code:not(pre > code)) {
    font-family: var(--_mono, ui-monospace, monospace);
    font-size: 0.875em;
    padding: 0.1em 0.35em;
    border-radius: 0.35em;
    background: color-mix(in srgb, currentColor 9%, transparent);
    overflow-wrap: anywhere;
  }

  /* Code blocks: a header bar (language, copy button) above a scrolling <pre>. */
  :where(.md-code) {
    border: 1px solid var(--_border, color-mix(in srgb, currentColor 15%, transparent));
    border-radius: calc(var(--_radius, 0.75rem) * 0.66);
    background: color-mix(in srgb, var(--_surface, transparent), currentColor 4%);
    overflow: hidden;
  }

  :where(.md-code-header) {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    padding: 0.25em 0.375em 0.25em 0.75em;
    border-bottom: 1px solid var(--_border, color-mix(in srgb, currentColor 15%, transparent));
    background: color-mix(in srgb, var(--_surface, transparent), currentColor 8%);
    color: var(--_muted, inherit);
    font-size: 0.8em;
  }

  :where(.md-code-language) {
    font-family: var(--_mono, ui-monospace, monospace);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  /* Overrides the theme's large buttons: this one sits in a slim bar. */
  .md-code-header [data-copy] {
    flex: none;
    min-height: 0;
    margin-inline-start: auto;
    padding: 0.125em 0.625em;
    border: 1px solid var(--_border, color-mix(in srgb, currentColor 20%, transparent));
    border-radius: calc(var(--_radius, 0.75rem) * 0.5);
    background: transparent;
    color: inherit;
    font: inherit;
    font-weight: 500;
    cursor: pointer;
  }

  .md-code-header [data-copy]:hover {
    background: color-mix(in srgb, currentColor 10%, transparent);
    color: var(--_accent, inherit);
  }

  :where(.md-code pre) {
    margin: 0;
    padding: 0.75em;
    overflow-x: auto;
    font-family: var(--_mono, ui-monospace, monospace);
    font-size: 0.85em;
    line-height: 1.5;
    tab-size: 4;
    white-space: pre;
  }

  :where(.md-code pre > code) {
    font: inherit;
  }

  /* Tables scroll sideways inside their wrapper instead of widening the bubble. */
  :where(.md-table) {
    max-width: 100%;
    overflow-x: auto;
  }

  :where(.md-table table) {
    border-collapse: collapse;
    font-size: 0.925em;
  }

  :where(.md-table th, .md-table td) {
    border: 1px solid var(--_border, color-mix(in srgb, currentColor 20%, transparent));
    padding: 0.35em 0.65em;
    text-align: start;
    vertical-align: top;
  }

  :where(.md-table th) {
    font-weight: 600;
    background: color-mix(in srgb, currentColor 6%, transparent);
  }

  :where(.md-table tbody tr:nth-child(even)) {
    background: color-mix(in srgb, currentColor 3%, transparent);
  }

  :where(.md-code pre, .md-table):focus-visible {
    outline: 2px solid var(--_accent, currentColor);
    outline-offset: -2px;
  }

  /* Last, so that they win over every margin above: the first and last block of a bubble, list
     item or quote sit flush with its edges. */
  :where(.md-block:first-child) {
    margin-top: 0;
  }

  :where(.md-block:last-child) {
    margin-bottom: 0;
  }
`;
