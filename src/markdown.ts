/**
 * The safe, incremental markdown renderer `<slm-chat>` uses, for pages that render model output
 * themselves: `import { MarkdownStream } from 'slm-elements/markdown.js'` (npm) or
 * `…/dist/cdn/slm-markdown.js` (script-tag build). Kept out of the main entry so the elements'
 * first script does not carry it: the chat loads it on first need.
 */
export {
  MarkdownStream,
  renderMarkdown,
  codeTextForCopyButton,
  safeHref,
  type MarkdownStreamOptions,
} from './render/markdown-stream.js';
export { markdownStyles } from './render/markdown.styles.js';
