/**
 * Helpers for running the CommonMark spec against the renderer: the examples (from the
 * `commonmark-spec` package's spec.txt, extracted as that package does), a canonical form of
 * HTML to compare, and the safety rules applied mechanically to the spec's expected HTML.
 */
import { safeHref } from '../../dist/render/markdown-stream.js';

/** One example of the spec. */
export interface SpecExample {
  number: number;
  section: string;
  markdown: string;
  html: string;
}

/** The 652 examples of CommonMark 0.31.2, with `→` turned back into tabs. */
export async function loadSpec(): Promise<SpecExample[]> {
  const text = await (await fetch('/node_modules/commonmark-spec/spec.txt')).text();
  const examples: SpecExample[] = [];
  let section = '';
  const tests = text.replace(/\r\n?/g, '\n').replace(/^<!-- END TESTS -->(.|[\n])*/m, '');
  const pattern = /^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$|^#{1,6} *(.*)$/gm;
  for (let match = pattern.exec(tests); match; match = pattern.exec(tests)) {
    if (match[3] !== undefined) {
      section = match[3];
    } else {
      examples.push({ number: examples.length + 1, section, markdown: match[1]!.replace(/→/g, '\t'), html: match[2]!.replace(/→/g, '\t') });
    }
  }
  return examples;
}

const BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'div']);
/** Elements whose text is content (leading or trailing whitespace in them is meaningful). */
const TEXT_BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'th', 'td']);
const VOID = new Set(['br', 'hr', 'img', 'input']);

/**
 * A canonical serialisation: attributes sorted, and whitespace that only separates blocks
 * (the spec's newlines between tags) dropped, as the spec's own normaliser does.
 */
export function canonical(parent: Node): string {
  let out = '';
  const children = [...parent.childNodes];
  const isBlock = (node: Node | undefined) => node?.nodeType === Node.ELEMENT_NODE && BLOCKS.has((node as Element).localName);
  const container = parent.nodeType !== Node.ELEMENT_NODE || (BLOCKS.has((parent as Element).localName) && !TEXT_BLOCKS.has((parent as Element).localName));
  children.forEach((child, index) => {
    if (child.nodeType === Node.TEXT_NODE) {
      let text = (child as Text).data;
      const previous = children[index - 1];
      const next = children[index + 1];
      if ((previous as Element | undefined)?.localName === 'br') text = text.replace(/^\n/, '');
      if (container && (!previous || isBlock(previous))) text = text.replace(/^\s+/, '');
      if (container && (!next || isBlock(next))) text = text.replace(/\s+$/, '');
      out += text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      const element = child as Element;
      const attrs = [...element.attributes]
        .map((attr) => [attr.name, attr.value] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, value]) => ` ${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`)
        .join('');
      out += `<${element.localName}${attrs}>${canonical(element)}${VOID.has(element.localName) ? '' : `</${element.localName}>`}`;
    } else if (child.nodeType === Node.COMMENT_NODE) {
      out += `<!--${(child as Comment).data}-->`;
    }
  });
  return out;
}

/**
 * Our rendering in CommonMark's shapes: a code block's wrapper and header go (its language
 * back to `class="language-…"`), and the attributes we add by design (classes, `rel`,
 * `target`, `part`, `tabindex`, `data-copy`) are dropped.
 */
export function ourCanonical(rendered: Element): string {
  const root = rendered.cloneNode(true) as Element;
  for (const block of root.querySelectorAll('.md-code')) {
    const pre = block.querySelector('pre')!;
    const code = pre.querySelector('code')!;
    const language = code.getAttribute('data-language');
    code.removeAttribute('data-language');
    if (language) code.setAttribute('class', `language-${language}`);
    block.replaceWith(pre);
  }
  for (const wrapper of root.querySelectorAll('.md-table')) wrapper.replaceWith(...wrapper.childNodes);
  for (const element of root.querySelectorAll('*')) {
    for (const name of ['rel', 'target', 'part', 'tabindex', 'data-copy']) element.removeAttribute(name);
    const classes = (element.getAttribute('class') ?? '').split(' ').filter((name) => name !== '' && !name.startsWith('md-'));
    if (classes.length > 0) element.setAttribute('class', classes.join(' '));
    else element.removeAttribute('class');
  }
  return canonical(root);
}

/** The spec's expected HTML as a DOM fragment (test code: the spec's HTML is trusted here). */
export function expectedFragment(html: string): DocumentFragment {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

/** Which safety rules (docs/markdown.md) apply to an example, judged from its expected HTML and source. */
export interface RuleTriggers {
  image: boolean;
  unsafeUrl: boolean;
  rawHtml: boolean;
}

/** Raw HTML in markdown source: a tag, a comment, a processing instruction, a declaration or CDATA. */
const RAW_HTML = /<\/?[A-Za-z][A-Za-z0-9-]*[\s>/]|<!--|<\?|<![A-Za-z]|<!\[CDATA\[/;

export function ruleTriggers(example: SpecExample): RuleTriggers {
  const expected = expectedFragment(example.html);
  return {
    image: expected.querySelector('img') !== null,
    unsafeUrl: [...expected.querySelectorAll('a[href]')].some((a) => safeHref(a.getAttribute('href')!) === null),
    rawHtml: RAW_HTML.test(example.markdown),
  };
}

/**
 * The spec's expected HTML with the image and URL rules applied, as the renderer applies them:
 * an image becomes `🖼 alt` (a link for web URLs), a link to an unsafe or relative URL keeps
 * its words and loses the link. Compared with `ourCanonical`, this proves that those rules are
 * the *only* difference.
 */
export function expectedWithRules(html: string): string {
  const fragment = expectedFragment(html);
  for (const image of [...fragment.querySelectorAll('img')].reverse()) {
    const src = image.getAttribute('src') ?? '';
    const web = safeHref(src) !== null && /^https?:/i.test(src);
    const replacement = document.createElement(web ? 'a' : 'span');
    if (web) {
      replacement.setAttribute('href', src);
      const title = image.getAttribute('title');
      if (title) replacement.setAttribute('title', title);
    }
    replacement.textContent = `🖼\u00a0${image.getAttribute('alt') || (web ? src : '')}`;
    image.replaceWith(replacement);
  }
  for (const link of [...fragment.querySelectorAll('a[href]')].reverse()) {
    if (safeHref(link.getAttribute('href')!) === null) link.replaceWith(...link.childNodes);
  }
  return canonical(fragment);
}

/**
 * Our canonical HTML without GFM's extended autolinks (links whose text is their own URL, or
 * `www.`/e-mail text), for the few CommonMark examples that show a bare URL as text.
 */
export function withoutExtendedAutolinks(canonicalHtml: string): string {
  const fragment = expectedFragment(canonicalHtml);
  for (const link of [...fragment.querySelectorAll('a')]) {
    const href = link.getAttribute('href');
    const text = link.textContent;
    if (href === text || href === `http://${text}` || href === `mailto:${text}`) link.replaceWith(...link.childNodes);
  }
  return canonical(fragment);
}
