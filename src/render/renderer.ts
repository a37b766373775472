/**
 * What `<slm-chat>` loads lazily (a separate chunk of the script-tag bundle): the markdown
 * renderer, markdown-it under it, and the renderer's styles. Most of the page's first script is
 * then the elements themselves.
 */
export { MarkdownStream, codeTextForCopyButton } from './markdown-stream.js';
export { markdownStyles } from './markdown.styles.js';
