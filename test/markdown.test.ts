/**
 * Specification of the streamed markdown renderer (`src/render/`): what each construct becomes,
 * that streaming ends in exactly the DOM of a one-shot render, that finished blocks are never
 * rebuilt (checked structurally with a MutationObserver, not with timings), and that nothing a
 * model writes can run script, load a resource or link anywhere but http(s)/mailto.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { MarkdownStream, codeTextForCopyButton, renderMarkdown, safeHref } from '../dist/render/markdown-stream.js';
import { markdownStyles } from '../dist/render/markdown.styles.js';

/** An empty container attached to the document. */
function container(): Promise<HTMLDivElement> {
  return fixture<HTMLDivElement>(html`<div></div>`);
}

/** One-shot render. */
async function render(text: string): Promise<HTMLDivElement> {
  const el = await container();
  renderMarkdown(el, text);
  return el;
}

/** Streams `text` in chunks of `size` characters, then finishes. */
async function streamed(text: string, size: number): Promise<HTMLDivElement> {
  const el = await container();
  const stream = new MarkdownStream(el);
  for (let i = 0; i < text.length; i += size) stream.append(text.slice(i, i + size));
  stream.finish();
  return el;
}

/** Tag names of the container's top-level blocks. */
function blockTags(el: Element): string[] {
  return [...el.children].map((child) => child.localName);
}

/** A reply that uses every supported construct. */
const SAMPLE = [
  '# Title',
  '',
  'Intro with *emphasis*, **strong**, ~~strike~~, `code`, a [link](https://example.com "Example") and <https://example.org>.',
  'Second line  ',
  'hard break and a backslash\\',
  'break.',
  '',
  '## Lists',
  '',
  '- one',
  '- two',
  '  - nested **bold**',
  '  - nested 2',
  '- three',
  '',
  '1. first',
  '2. second',
  '',
  '   continued paragraph',
  '3. third',
  '',
  '> quote line',
  'lazy line',
  '> - quoted item',
  '',
  '---',
  '',
  '| Left | Center | Right |',
  '|:-----|:------:|------:|',
  '| a | b | c |',
  '| `x\\|y` | **z** | 1 |',
  '',
  '```ts',
  'const x: number = 1;',
  "if (x < 2) console.log('<b>');",
  '```',
  '',
  '~~~',
  'tilde fence',
  '~~~',
  '',
  'Setext',
  '======',
  '',
  'Final paragraph with ![alt text](https://example.com/x.png), snake_case_name and https://example.net/a_(b).',
].join('\n');

/** Block interactions that streaming must get right: lazy lines, interruptions, fences in lists. */
const TRICKY = [
  'Para one',
  'continues',
  '# Heading',
  '- a',
  'lazy',
  '- b',
  '',
  '  more b',
  '    - deep',
  '      - deeper',
  '1. x',
  '  - lenient',
  '2) other',
  '> q',
  '> - qi',
  '>   qi2',
  'lazy q',
  '>',
  '> > nested',
  '',
  '- item with code:',
  '  ```sh',
  '  npm test',
  '  ```',
  '- | not | a table |',
  '',
  'text  ',
  'Setext 2',
  '===',
  '````md',
  '```js',
  'inner',
  '```',
  '````',
  '***bold italic*** and *a **b** c*',
  '```',
  'unclosed code',
].join('\n');

describe('renderMarkdown: blocks', () => {
  it('renders ATX headings h1–h6 with the md-heading class and strips closing hashes', async () => {
    const el = await render('# One\n## Two ##\n### Three\n#### Four\n##### Five\n###### Six\n####### Seven');
    expect(blockTags(el)).to.deep.equal(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p']);
    expect(el.querySelector('h2')!.textContent).to.equal('Two');
    for (const heading of el.querySelectorAll('h1, h2, h3, h4, h5, h6')) expect(heading).to.have.class('md-heading');
    expect(el.querySelector('p')!.textContent, 'seven hashes are not a heading').to.equal('####### Seven');
  });

  it('renders setext headings (=== and --- under a paragraph)', async () => {
    const el = await render('Big\n===\n\nSmall\n---');
    expect(blockTags(el)).to.deep.equal(['h1', 'h2']);
    expect(el.textContent).to.equal('BigSmall');
  });

  it('keeps soft line breaks inside a paragraph and starts a new paragraph after a blank line', async () => {
    const el = await render('one\n  two\n\nthree');
    expect(el.innerHTML).to.equal('<p class="md-block md-paragraph">one\ntwo</p><p class="md-block md-paragraph">three</p>');
  });

  it('turns two trailing spaces or a trailing backslash into <br>, but not at the end of a paragraph', async () => {
    const el = await render('a  \nb\\\nc  ');
    expect(el.querySelector('p')!.innerHTML).to.equal('a<br>b<br>c');
  });

  it('renders a fenced code block with a header (language, copy button) and verbatim content', async () => {
    const el = await render('```js\nconst a = **1**;\n<b>not bold</b>\n\n  indented\n```');
    const block = el.firstElementChild!;
    expect(block.localName).to.equal('div');
    expect(block).to.have.class('md-code');
    expect(el.querySelector('.md-code-header .md-code-language')!.textContent).to.equal('js');
    const button = el.querySelector('.md-code-header button')!;
    expect(button.getAttribute('type')).to.equal('button');
    expect(button.getAttribute('part')).to.equal('code-copy-button');
    expect(button.hasAttribute('data-copy')).to.equal(true);
    expect(button.textContent).to.equal('Copy');
    const pre = el.querySelector('pre')!;
    expect(pre.getAttribute('part')).to.equal('code-block');
    const code = pre.querySelector('code')!;
    expect(code.dataset['language']).to.equal('js');
    expect(code.children.length, 'content is text, never markup').to.equal(0);
    // CommonMark: every content line keeps its line ending (the copy button drops the last one).
    expect(code.textContent).to.equal('const a = **1**;\n<b>not bold</b>\n\n  indented\n');
  });

  it('accepts ~~~ fences, longer fences, no language, and an unclosed fence at the end', async () => {
    const el = await render('~~~\na\n```\nb\n~~~\n\n````\nc\n```\n````\n\n```\nunclosed');
    const codes = [...el.querySelectorAll('code')];
    expect(codes.map((code) => code.textContent)).to.deep.equal(['a\n```\nb\n', 'c\n```\n', 'unclosed']);
    expect(codes[0]!.hasAttribute('data-language')).to.equal(false);
    expect(el.querySelector('.md-code-language')!.textContent).to.equal('');
  });

  it('removes the opening fence indentation from content lines', async () => {
    const el = await render('  ```\n  a\n    b\n c\n  ```');
    expect(el.querySelector('code')!.textContent).to.equal('a\n  b\nc\n');
  });

  it('takes the code language from the first word of the info string, decoded, and keeps it inert', async () => {
    const el = await render('```c++ extra words\nx\n```\n\n```js"onload="alert(1)\ny\n```\n\n``` f&ouml;&ouml; bar\nz\n```');
    const languages = [...el.querySelectorAll('code')].map((code) => code.dataset['language']);
    // Set through the DOM, an attribute value is only ever a value: no onload attribute appears.
    expect(languages).to.deep.equal(['c++', 'js"onload="alert(1)', 'föö']);
    expect(el.querySelector('[onload]')).to.equal(null);
    expect(el.querySelectorAll('.md-code-language')[2]!.textContent).to.equal('föö');
  });

  it('treats ```code``` on one line as an inline code span, not a fence', async () => {
    const el = await render('```code```');
    expect(el.innerHTML).to.equal('<p class="md-block md-paragraph"><code>code</code></p>');
  });

  it('renders bullet and ordered lists, the start number and nesting by indentation', async () => {
    const el = await render('- a\n- b\n  - b1\n  - b2\n- c\n\n3. x\n4. y');
    expect(blockTags(el)).to.deep.equal(['ul', 'ol']);
    const [ul, ol] = [...el.children] as [HTMLUListElement, HTMLOListElement];
    expect(ul).to.have.class('md-list');
    expect(ul.children.length).to.equal(3);
    expect(ul.children[1]!.querySelector('ul')!.children.length).to.equal(2);
    expect(ul.children[1]!.querySelector('ul li')!.textContent).to.equal('b1');
    expect(ol.start).to.equal(3);
    expect([...ol.children].map((li) => li.textContent)).to.deep.equal(['x', 'y']);
  });

  it('keeps several paragraphs, code and lazy lines inside one list item', async () => {
    const el = await render('1. first\nlazy\n\n   second\n\n   ```\n   code\n   ```\n2. next');
    const items = el.querySelectorAll('ol > li');
    expect(items.length).to.equal(2);
    expect([...items[0]!.children].map((child) => child.localName)).to.deep.equal(['p', 'p', 'div']);
    expect(items[0]!.querySelector('p')!.textContent).to.equal('first\nlazy');
    expect(items[0]!.querySelector('code')!.textContent).to.equal('code\n');
  });

  it('nests a list under an ordered item when it is indented to the item\'s content (CommonMark)', async () => {
    const nested = await render('1. Step\n   - detail\n   - more\n2. Next');
    expect(blockTags(nested)).to.deep.equal(['ol']);
    expect(nested.querySelectorAll('ol > li').length).to.equal(2);
    expect(nested.querySelectorAll('ol > li:first-child > ul > li').length).to.equal(2);
    // Two spaces are less than "1. " is wide: the bullet list ends the ordered one, as in every
    // CommonMark renderer (the old renderer's lenient nesting was a deviation, issue 17).
    const flat = await render('1. Step\n  - detail\n2. Next');
    expect(blockTags(flat)).to.deep.equal(['ol', 'ul', 'ol']);
    expect((flat.lastElementChild as HTMLOListElement).start).to.equal(2);
  });

  it('does not let "2024." in running text start a list', async () => {
    const el = await render('It happened in\n2024. Then more.');
    expect(blockTags(el)).to.deep.equal(['p']);
  });

  it('renders blockquotes with lazy continuation and nested blocks', async () => {
    const el = await render('> # Quoted\n> text\nlazy\n> - item\n>\n> > inner\n\noutside');
    expect(blockTags(el)).to.deep.equal(['blockquote', 'p']);
    const quote = el.querySelector('blockquote')!;
    expect(quote).to.have.class('md-blockquote');
    expect([...quote.children].map((child) => child.localName)).to.deep.equal(['h1', 'p', 'ul', 'blockquote']);
    expect(quote.querySelector('p')!.textContent).to.equal('text\nlazy');
  });

  it('renders thematic breaks (---, ***, ___ and spaced forms) as <hr>', async () => {
    const el = await render('a\n\n---\n\n* * *\n\n___');
    expect(blockTags(el)).to.deep.equal(['p', 'hr', 'hr', 'hr']);
    expect(el.querySelector('hr')).to.have.class('md-rule');
  });

  it('renders GFM tables with a header, alignment and body rows inside a scrolling wrapper', async () => {
    const el = await render('| A | B | C |\n|:--|:-:|--:|\n| 1 | **2** | 3 |\n| `a\\|b` | x |\n\nafter');
    expect(blockTags(el)).to.deep.equal(['div', 'p']);
    const wrapper = el.firstElementChild!;
    expect(wrapper).to.have.class('md-table');
    const table = wrapper.querySelector('table')!;
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).to.deep.equal(['A', 'B', 'C']);
    expect([...table.querySelectorAll('thead th')].map((th) => (th as HTMLElement).style.textAlign)).to.deep.equal([
      'left',
      'center',
      'right',
    ]);
    const rows = table.querySelectorAll('tbody tr');
    expect(rows.length).to.equal(2);
    expect(rows[0]!.querySelector('strong')!.textContent).to.equal('2');
    // A pipe escaped inside a code span stays in the cell; missing cells are filled in.
    expect([...rows[1]!.children].map((td) => td.textContent)).to.deep.equal(['a|b', 'x', '']);
  });

  it('turns only the last line of a paragraph into a table header', async () => {
    const el = await render('Intro\n| a | b |\n|---|---|\n| 1 | 2 |');
    expect(blockTags(el)).to.deep.equal(['p', 'div']);
    expect(el.querySelector('p')!.textContent).to.equal('Intro');
  });

  it('leaves pipes without a matching delimiter row as a paragraph', async () => {
    const el = await render('a | b\n|---|---|---|');
    expect(blockTags(el)).to.deep.equal(['p']);
  });
});

describe('renderMarkdown: inline', () => {
  it('renders emphasis, strong, strikethrough and their combinations', async () => {
    const el = await render('*a* _b_ **c** __d__ ~~e~~ ***f*** **g *h* i**');
    expect(el.querySelector('p')!.innerHTML).to.equal(
      '<em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> <del>e</del> <em><strong>f</strong></em> <strong>g <em>h</em> i</strong>',
    );
  });

  it('leaves intraword underscores, spaced asterisks and single tildes literal', async () => {
    const el = await render('snake_case_name, 2 * 3 * 4, ~5 minutes, 1~2 and un**closed');
    expect(el.querySelector('p')!.innerHTML).to.equal('snake_case_name, 2 * 3 * 4, ~5 minutes, 1~2 and un**closed');
  });

  it('renders code spans, including ones that contain backticks, without parsing inside', async () => {
    const el = await render('`a*b*` and `` x`y `` and ``` `` ``` and `unclosed');
    const codes = [...el.querySelectorAll('code')].map((code) => code.textContent);
    expect(codes).to.deep.equal(['a*b*', 'x`y', '``']);
    expect(el.textContent).to.match(/`unclosed$/);
  });

  it('renders links with an optional title (dropped), autolinks, e-mail autolinks and bare URLs', async () => {
    const el = await render(
      '[Example *site*](https://example.com/a?b=1 "Title") <https://example.org> <me@example.com> see https://example.net/x_(y).',
    );
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      'https://example.com/a?b=1',
      'https://example.org',
      'mailto:me@example.com',
      'https://example.net/x_(y)',
    ]);
    expect(links[0]!.innerHTML).to.equal('Example <em>site</em>');
    // A title is inert as an attribute value; it is kept, as CommonMark renders it.
    expect(links[0]!.getAttribute('title')).to.equal('Title');
    expect(links[3]!.textContent, 'the final period is not part of the URL').to.equal('https://example.net/x_(y)');
  });

  it('applies backslash escapes and decodes character references as text', async () => {
    const el = await render('\\*not em\\* \\[x\\] &amp; &lt;b&gt; &#169; &#x1F600; &bogus;');
    const p = el.querySelector('p')!;
    expect(p.children.length).to.equal(0);
    expect(p.textContent).to.equal('*not em* [x] & <b> © 😀 &bogus;');
  });
});

describe('MarkdownStream: streaming', () => {
  it('ends in the same DOM as a one-shot render when streamed in chunks of 1, 3 and 7 characters', async () => {
    const expected = (await render(SAMPLE)).innerHTML;
    for (const size of [1, 3, 7]) {
      expect((await streamed(SAMPLE, size)).innerHTML, `chunks of ${size}`).to.equal(expected);
    }
    // The sample really exercises every block kind.
    const el = await render(SAMPLE);
    for (const selector of ['h1', 'h2', 'p', 'ul ul', 'ol', 'blockquote', 'hr', '.md-table table', '.md-code', 'br', 'a', 'del']) {
      expect(el.querySelector(selector), selector).to.exist;
    }
  });

  it('ends in the same DOM for random chunk boundaries (200 seeded splits)', async () => {
    const text = `${SAMPLE}\n\n${TRICKY}`;
    const expected = (await render(text)).innerHTML;
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const el = await container();
    for (let run = 0; run < 200; run++) {
      const stream = new MarkdownStream(el);
      for (let i = 0; i < text.length; ) {
        const size = 1 + Math.floor(random() * 16);
        stream.append(text.slice(i, i + size));
        i += size;
      }
      stream.finish();
      if (el.innerHTML !== expected) expect(el.innerHTML, `run ${run}`).to.equal(expected);
    }
  });

  it('treats \\r\\n and \\r line endings like \\n, even when a chunk ends between \\r and \\n', async () => {
    const expected = (await render(SAMPLE)).innerHTML;
    expect((await streamed(SAMPLE.replace(/\n/g, '\r\n'), 5)).innerHTML).to.equal(expected);
    expect((await streamed(SAMPLE.replace(/\n/g, '\r'), 2)).innerHTML).to.equal(expected);
  });

  it('shows an unclosed ** literally while streaming and as strong once it is closed', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('This is **impor');
    expect(el.querySelector('p')!.innerHTML).to.equal('This is **impor');
    stream.append('tant** stuff');
    expect(el.querySelector('p')!.innerHTML).to.equal('This is <strong>important</strong> stuff');
  });

  it('holds back a partial line of bare punctuation until it means something', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('Intro\n\n-');
    expect(blockTags(el), 'a lone "-" could still be a rule or an item').to.deep.equal(['p']);
    stream.append(' ite');
    expect(blockTags(el)).to.deep.equal(['p', 'ul']);
    expect(el.querySelector('li')!.textContent).to.equal('ite');
    stream.append('m\n|');
    expect(el.textContent).to.equal('Introitem');
  });

  it('previews the next list item and a partial table row, and settles them when lines complete', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('- a\n- b');
    expect(el.querySelectorAll('li').length).to.equal(2);
    // Without the blank line the table's first line would be a lazy continuation of "b" (GFM).
    stream.append('\n\n| x | y |\n|---|---|\n| 1');
    expect(blockTags(el)).to.deep.equal(['ul', 'div']);
    expect(el.querySelectorAll('tbody tr').length).to.equal(1);
    stream.append(' | 2 |');
    stream.finish();
    expect([...el.querySelectorAll('tbody td')].map((td) => td.textContent)).to.deep.equal(['1', '2']);
  });

  it('streams an open code block into its text node and never shows a partial closing fence', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('```js\nconst a = 1;\nconst b');
    const code = el.querySelector('code')!;
    expect(code.textContent).to.equal('const a = 1;\nconst b');
    stream.append(' = 2;\n``');
    expect(code.textContent).to.equal('const a = 1;\nconst b = 2;\n');
    stream.append('`\nAfter');
    expect(code.textContent).to.equal('const a = 1;\nconst b = 2;\n');
    expect(blockTags(el)).to.deep.equal(['div', 'p']);
  });

  it('exposes the source as appended, and reset() replaces everything', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('# A\r\n');
    stream.append('text');
    expect(stream.source).to.equal('# A\r\ntext');
    stream.reset('**restored**');
    expect(stream.source).to.equal('**restored**');
    expect(el.innerHTML).to.equal('<p class="md-block md-paragraph"><strong>restored</strong></p>');
    stream.reset();
    expect(el.childNodes.length).to.equal(0);
    expect(stream.source).to.equal('');
  });

  it('re-renders the whole text when appending after finish()', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('one');
    stream.finish();
    stream.append(' two');
    stream.finish();
    expect(el.innerHTML).to.equal((await render('one two')).innerHTML);
  });

  it('renders into another document when asked to', async () => {
    const other = document.implementation.createHTMLDocument('other');
    const el = other.createElement('div');
    renderMarkdown(el, '# Hi\n\n```\nx\n```', { document: other, copyLabel: 'Kopieren' });
    expect(el.querySelector('h1')!.ownerDocument).to.equal(other);
    expect(el.querySelector('[data-copy]')!.textContent).to.equal('Kopieren');
  });
});

/** Sections of a long, realistic reply. */
function longReply(bytes: number, ending: string): string {
  const sections: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const section = [
      `## Section ${i}`,
      '',
      `Some *text* with a [link](https://example.com/${i}) and \`code\` in paragraph ${i}.`,
      '',
      '- item one',
      '- item **two**',
      '',
      '```js',
      `const x${i} = ${i};`,
      '```',
      '',
      '| a | b |',
      '|---|---|',
      `| ${i} | two |`,
      '',
      `> quoted ${i}`,
      '',
      '',
    ].join('\n');
    sections.push(section);
    length += section.length;
  }
  return sections.join('') + ending;
}

/** Counts a node and its descendants. */
function subtreeSize(node: Node): number {
  let count = 1;
  for (let child = node.firstChild; child; child = child.nextSibling) count += subtreeSize(child);
  return count;
}

/** Records the mutations one append causes. */
function mutationsOf(el: Element, action: () => void): MutationRecord[] {
  const observer = new MutationObserver(() => {});
  observer.observe(el, { childList: true, subtree: true, characterData: true, attributes: true });
  action();
  const records = observer.takeRecords();
  observer.disconnect();
  return records;
}

/** Nodes created by a set of mutations (each added subtree counted in full). */
function addedNodes(records: MutationRecord[]): number {
  return records.reduce((sum, record) => sum + [...record.addedNodes].reduce((n, node) => n + subtreeSize(node), 0), 0);
}

describe('MarkdownStream: incremental rendering', () => {
  it('does not rebuild earlier blocks when a token is appended', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('# Title\n\nFirst paragraph.\n\n- a\n- b\n\n| x |\n|---|\n| 1 |\n\n```\ncode\n```\n\nOpen para');
    const earlier = [...el.children].slice(0, -1);
    const earlierText = earlier.map((block) => block.textContent);
    const deepNodes = [el.querySelector('li')!.firstChild!, el.querySelector('td')!.firstChild!, el.querySelector('code')!.firstChild!];
    for (const token of ['graph', ' goes', ' on', '.\n\nAnother', ' one']) stream.append(token);
    stream.finish();
    earlier.forEach((block, index) => {
      expect(el.children[index], `block ${index} is the same node`).to.equal(block);
      expect(block.isConnected).to.equal(true);
      expect(block.textContent).to.equal(earlierText[index]);
    });
    for (const node of deepNodes) expect(node.isConnected).to.equal(true);
  });

  it('keeps one element per block from its first token to its last (paragraphs, headings, list items)', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('# Ti');
    const heading = el.firstElementChild;
    stream.append('tle\n\nHel');
    const paragraph = el.lastElementChild;
    stream.append('lo world\nand more\n\n- fir');
    const item = el.querySelector('li');
    for (const token of ['st', '\n', '- second', '\n\nEnd']) stream.append(token);
    stream.finish();
    expect(el.children[0]).to.equal(heading);
    expect(el.children[1]).to.equal(paragraph);
    expect(el.querySelector('li')).to.equal(item);
    expect(blockTags(el)).to.deep.equal(['h1', 'p', 'ul', 'p']);
  });

  it('keeps blocks before a long code block, and the code block itself, as they were', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('Intro\n\n```py\n');
    const intro = el.querySelector('p')!;
    const code = el.querySelector('code')!;
    const text = code.firstChild as Text;
    for (let i = 0; i < 2000; i++) stream.append(`print(${i})\n`);
    expect(code.textContent!.split('\n').length, '2,000 lines, each with its line ending').to.equal(2001);
    // Finished lines sit in text nodes of about 1 KB, each written once (a browser pays for the
    // length of the text node that changes, on every token).
    const chunks = [...code.childNodes];
    expect(chunks.length).to.be.within(15, 30);
    stream.append('```\n\nAfter the code.');
    stream.finish();
    expect(intro.isConnected && code.isConnected && text.isConnected).to.equal(true);
    expect(code.firstChild).to.equal(text);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.isConnected).to.equal(true);
    expect(code.textContent).to.equal((await render(stream.source)).querySelector('code')!.textContent);
    expect(el.lastElementChild!.textContent).to.equal('After the code.');
  });

  it('appends to an open code block by growing its text node, without creating nodes', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append(longReply(20_000, '```js\nfunction f() {\n  return'));
    const records = mutationsOf(el, () => stream.append(' 42;'));
    expect(records.map((record) => record.type)).to.deep.equal(['characterData']);
    expect(el.querySelector('.md-code:last-child code')!.textContent).to.equal('function f() {\n  return 42;');
  });

  it('touches only the open block per token, with work that does not grow with the reply', async () => {
    const cost = async (bytes: number) => {
      const el = await container();
      const stream = new MarkdownStream(el);
      stream.append(longReply(bytes, 'The answer is'));
      const open = el.lastElementChild!;
      const records = mutationsOf(el, () => stream.append(' forty'));
      for (const record of records) {
        expect(open.contains(record.target), 'mutations stay inside the open block').to.equal(true);
      }
      return { blocks: el.children.length, added: addedNodes(records) };
    };
    const small = await cost(1_000);
    const large = await cost(20_000);
    expect(large.blocks).to.be.greaterThan(small.blocks * 10);
    expect(large.added).to.equal(small.added);
    // The open paragraph's text node grows in place: its <p> is the same element from first
    // token to last, and no node is created.
    expect(large.added).to.be.at.most(1);
  });

  it('leaves finished list items and quoted blocks alone while the last one streams', async () => {
    const cost = async (items: number) => {
      const el = await container();
      const stream = new MarkdownStream(el);
      const list = Array.from({ length: items }, (_, i) => `${i + 1}. **Point ${i}**: with \`code\` and a [link](https://example.com)`).join('\n');
      stream.append(`> ${list.replace(/\n/g, '\n> ')}\n> ${items + 1}. The last`);
      const firstItem = el.querySelector('li')!;
      const records = mutationsOf(el, () => stream.append(' point'));
      const lastItem = el.querySelector('li:last-child')!;
      for (const record of records) expect(lastItem.contains(record.target)).to.equal(true);
      expect(firstItem.isConnected).to.equal(true);
      return addedNodes(records);
    };
    expect(await cost(200)).to.equal(await cost(5));
  });
});

describe('MarkdownStream: safety', () => {
  const HOSTILE = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '<iframe src="https://example.com/frame"></iframe> <style>body{display:none}</style>',
    '<a href="javascript:alert(1)" onclick="alert(1)">html link</a> <svg onload=alert(1)>',
    '',
    '[js](javascript:alert(1)) [mixed](JaVaScRiPt:alert(1)) [tab](jav&#x09;ascript:alert(1)) [nul](java&#0;script:alert(1))',
    '[entity](&#106;avascript:alert(1)) [hex](&#x6A;avascript:alert(1)) [escaped](java\\script:alert(1))',
    '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [vb](vbscript:msgbox(1)) [file](file:///etc/passwd)',
    '[space]( javascript:alert(1)) [angle](<javascript:alert(1)>) [nbsp](<java\u00a0script:alert(1)>) [zwsp](java\u200bscript:x)',
    '[relative](/admin) [protocol-relative](//evil.example) [empty]()',
    '<javascript:alert(1)> <data:text/html,x> <vbscript:x>',
    '',
    '![x](https://example.com/x.png) ![y](javascript:alert(1)) ![z](data:image/png;base64,AAAA)',
    '',
    '[ok](https://example.com/ok "t\\" onmouseover=\\"alert(1)")',
    '',
    '```html" onmouseover="alert(1)',
    '<script>alert(1)</script>',
    '```',
  ].join('\n');

  /** Every element, every attribute: the invariants that make rendered output inert. */
  function expectInert(el: Element): void {
    expect(el.querySelectorAll('img, script, iframe, style, svg, object, embed, link, meta, form, video, audio, source, base, frame, math').length).to.equal(0);
    // The only form control: a task list's disabled checkbox.
    for (const input of el.querySelectorAll('input')) {
      expect(input.type).to.equal('checkbox');
      expect(input.disabled).to.equal(true);
    }
    for (const node of el.querySelectorAll('*')) {
      for (const attribute of node.getAttributeNames()) {
        expect(attribute.startsWith('on'), `${node.localName}[${attribute}]`).to.equal(false);
        expect(['class', 'href', 'title', 'rel', 'target', 'part', 'type', 'data-copy', 'data-language', 'tabindex', 'style', 'start', 'disabled', 'checked', 'aria-label']).to.include(attribute);
      }
    }
    for (const link of el.querySelectorAll('a')) {
      expect(link.getAttribute('href')).to.match(/^(https?:\/\/|mailto:)/);
      expect(link.getAttribute('rel')).to.equal('noopener noreferrer');
      expect(link.getAttribute('target')).to.equal('_blank');
    }
  }

  it('shows raw HTML and hostile links as text: no active elements, handlers or unsafe hrefs', async () => {
    for (const el of [await render(HOSTILE), await streamed(HOSTILE, 3)]) {
      expectInert(el);
      expect(el.textContent).to.include('<script>alert(1)</script>');
      expect(el.textContent).to.include('<img src=x onerror=alert(1)>');
      const hrefs = [...el.querySelectorAll('a')].map((a) => a.getAttribute('href'));
      expect(hrefs).to.deep.equal(['https://example.com/x.png', 'https://example.com/ok']);
      // The words of rejected links remain, unlinked.
      expect(el.textContent).to.include('js mixed tab nul');
    }
  });

  it('never loads images: an image becomes a marked link to it', async () => {
    const el = await render(HOSTILE);
    const image = el.querySelector('a.md-image')!;
    expect(image.textContent).to.equal('🖼\u00a0x');
    expect(el.querySelectorAll('span.md-image').length, 'non-web images are marked text').to.equal(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const requested = performance.getEntriesByType('resource').filter((entry) => entry.name.includes('example.com'));
    expect(requested).to.deep.equal([]);
  });

  it('keeps the code language an inert attribute value', async () => {
    const el = await render(HOSTILE);
    expect(el.querySelector('code')!.dataset['language']).to.equal('html"');
    expect(el.querySelector('[onmouseover]')).to.equal(null);
  });

  it('safeHref accepts only absolute http(s) and mailto URLs, normalised', () => {
    expect(safeHref('https://example.com')).to.equal('https://example.com/');
    expect(safeHref('HTTP://EXAMPLE.com/a b')).to.equal(null);
    expect(safeHref('HTTP://EXAMPLE.com/a')).to.equal('http://example.com/a');
    expect(safeHref('mailto:a@example.com')).to.equal('mailto:a@example.com');
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      'blob:https://example.com/x',
      'file:///etc/passwd',
      '/relative',
      '//example.com',
      'example.com',
      'http://',
      '',
    ]) {
      expect(safeHref(bad), JSON.stringify(bad)).to.equal(null);
    }
  });

  it('is built without HTML sinks and without Lit, markdown-it included', async () => {
    const files = ['render/markdown-stream', 'render/build', 'render/parser', 'render/vdom', 'render/gfm-autolink', 'render/safe-url', 'render/markdown.styles', 'cdn/slm-markdown'];
    for (const file of files) {
      const source = await (await fetch(new URL(`../dist/${file}.js`, import.meta.url))).text();
      // Comments may mention the sinks (to say they are not used); code may not.
      const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      expect(code, file).not.to.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment|setHTML|\beval\(|new Function/);
      expect(code, file).not.to.match(/from ['"]lit|import\(['"]lit/);
    }
  });
});

describe('MarkdownStream: hostile structure', () => {
  it('caps container nesting instead of overflowing the stack', async () => {
    // markdown-it stops parsing containers 32 deep; what lies deeper is not rendered (and a list
    // item that deep takes the rest of the reply with it).
    const el = await render(`before\n\n${'>'.repeat(5000)} deep\n\nbetween\n\n${'- '.repeat(3000)}deep\n\nafter`);
    expect(el.querySelectorAll('blockquote').length).to.be.at.most(32);
    expect(el.querySelectorAll('ul').length).to.be.at.most(32);
    expect([...el.children].map((child) => child.textContent).slice(0, 1)).to.deep.equal(['before']);
    expect(el.textContent).to.include('between');
  });

  it('caps images nested in link text', async () => {
    const el = await render(`${'!['.repeat(3000)}x${'](https://example.com/i.png)'.repeat(3000)}`);
    expect(el.querySelectorAll('a').length).to.be.at.most(32);
    // Image links, and GFM autolinks of the bare URLs left over as text.
    for (const link of el.querySelectorAll('a')) expect(link.getAttribute('href')).to.match(/^https:\/\/example\.com\/i\.png/);
  });

  it('renders long runs of unmatched syntax characters', async () => {
    // Each of these was quadratic (or worse) in a naive inline parser; the test timeout guards them.
    for (const text of ['['.repeat(20_000), '[a]('.repeat(5000), '`a``b'.repeat(4000), 'a* '.repeat(7000), '[a](b ('.repeat(3000)]) {
      const el = await render(text);
      expect(el.textContent!.length).to.be.greaterThan(0);
    }
  });
});

describe('code blocks: copy buttons', () => {
  it('codeTextForCopyButton returns the code of the block the button belongs to', async () => {
    const el = await render('```\nfirst\n```\n\n```sh\nnpm i slm-elements\nnpm test\n```');
    const buttons = el.querySelectorAll('[data-copy]');
    expect(codeTextForCopyButton(buttons[0]!)).to.equal('first');
    expect(codeTextForCopyButton(buttons[1]!)).to.equal('npm i slm-elements\nnpm test');
    expect(codeTextForCopyButton(el)).to.equal('');
  });

  it('labels the button with the copyLabel option', async () => {
    const el = await container();
    new MarkdownStream(el, { copyLabel: 'Copier' }).reset('```\nx\n```');
    expect(el.querySelector('[data-copy]')!.textContent).to.equal('Copier');
  });
});

describe('markdownStyles', () => {
  it('is a plain CSS string that parses and covers every block', () => {
    expect(markdownStyles).to.be.a('string');
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(markdownStyles);
    const selectors = [...sheet.cssRules].map((rule) => (rule as CSSStyleRule).selectorText).join(' ');
    for (const name of ['.md-heading', '.md-list', '.md-blockquote', '.md-rule', '.md-table', '.md-code', '.md-code-header', '[data-copy]']) {
      expect(selectors, name).to.include(name);
    }
    for (const token of ['--_mono', '--_surface', '--_border', '--_radius', '--_accent', '--_muted']) {
      expect(markdownStyles, token).to.include(`var(${token}`);
    }
  });

  it('renders an accessible reply', async () => {
    const el = await render(SAMPLE);
    await expect(el).to.be.accessible();
  });
});

describe('renderMarkdown: CommonMark details models hit (issue 17)', () => {
  it('wraps list items in <p> only in loose lists', async () => {
    const tight = await render('- a\n- b');
    expect(tight.querySelectorAll('li > p').length).to.equal(0);
    const loose = await render('- a\n\n- b');
    expect(loose.querySelectorAll('li > p').length).to.equal(2);
  });

  it('renders indented code blocks as code blocks with a copy button', async () => {
    const el = await render('Text\n\n    const x = 1;\n      indented\n');
    expect(blockTags(el)).to.deep.equal(['p', 'div']);
    expect(el.querySelector('.md-code code')!.textContent).to.equal('const x = 1;\n  indented\n');
    expect(el.querySelector('.md-code [data-copy]')).to.exist;
  });

  it('resolves reference links against definitions anywhere in the reply, and hides the definitions', async () => {
    const el = await render('See [the docs] and [this][d].\n\n[the docs]: https://example.com/docs "Docs"\n[d]: https://example.com/d');
    expect([...el.querySelectorAll('a')].map((a) => a.getAttribute('href'))).to.deep.equal(['https://example.com/docs', 'https://example.com/d']);
    expect(el.textContent).to.equal('See the docs and this.');
  });

  it('starts a new list when the ordered delimiter changes, and keeps an empty item from swallowing what follows', async () => {
    expect(blockTags(await render('1. a\n2. b\n3) c'))).to.deep.equal(['ol', 'ol']);
    const el = await render('- a\n-\n\nfoo');
    expect(blockTags(el)).to.deep.equal(['ul', 'p']);
    expect(el.querySelectorAll('li').length).to.equal(2);
  });

  it('decodes every HTML5 named character reference', async () => {
    const el = await render('&ouml; &frac12; &CounterClockwiseContourIntegral; &ngE; &bogus;');
    expect(el.textContent).to.equal('ö ½ ∳ ≧̸ &bogus;');
  });

  it('percent-encodes a backslash in an autolink, so it cannot change the host', async () => {
    const el = await render('<https://evil\\@trusted.example/>');
    const link = el.querySelector('a')!;
    expect(link.getAttribute('href')).to.equal('https://evil%5C@trusted.example/');
    expect(new URL(link.href).hostname).to.equal('trusted.example');
  });

  it('gives the inner link precedence over the outer one', async () => {
    const el = await render('[foo [bar](https://b.example/)](#a)');
    expect([...el.querySelectorAll('a')].map((a) => a.getAttribute('href'))).to.deep.equal(['https://b.example/']);
    expect(el.textContent).to.equal('[foo bar](#a)');
  });
});

describe('renderMarkdown: GFM', () => {
  it('renders tables, with a row written without pipes and missing cells filled in', async () => {
    const el = await render('| abc | def |\n| --- | --- |\n| bar | baz |\nbar\n\nbar');
    expect(blockTags(el)).to.deep.equal(['div', 'p']);
    expect([...el.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent))).to.deep.equal([
      ['bar', 'baz'],
      ['bar', ''],
    ]);
  });

  it('renders ~~strikethrough~~ as <del>, and leaves a single ~ alone (~5 minutes)', async () => {
    const el = await render('~~Hi~~ Hello, it takes ~5 minutes');
    expect(el.querySelector('p')!.innerHTML).to.equal('<del>Hi</del> Hello, it takes ~5 minutes');
  });

  it('renders task list items with disabled checkboxes that have an accessible name', async () => {
    const el = await render('- [ ] to do\n- [x] done\n- [ ]not a task\n- plain');
    const boxes = [...el.querySelectorAll('input')];
    expect(boxes.map((box) => [box.type, box.disabled, box.checked])).to.deep.equal([
      ['checkbox', true, false],
      ['checkbox', true, true],
    ]);
    expect(el.querySelectorAll('li.md-task').length).to.equal(2);
    expect(el.querySelectorAll('li')[0]!.textContent).to.equal(' to do');
    expect(el.querySelectorAll('li')[2]!.textContent).to.equal('[ ]not a task');
    await expect(el).to.be.accessible();
  });

  it('links www., http(s) and e-mail text with GFM\'s trailing punctuation rules', async () => {
    const cases: Array<[string, Array<[string, string]>]> = [
      ['Visit www.commonmark.org/help for more.', [['www.commonmark.org/help', 'http://www.commonmark.org/help']]],
      ['Visit www.commonmark.org.', [['www.commonmark.org', 'http://www.commonmark.org']]],
      ['www.google.com/search?q=Markup+(business)))', [['www.google.com/search?q=Markup+(business)', 'http://www.google.com/search?q=Markup+(business)']]],
      ['(see https://example.com/a_(b)), then', [['https://example.com/a_(b)', 'https://example.com/a_(b)']]],
      ['www.commonmark.org/he<lp', [['www.commonmark.org/he', 'http://www.commonmark.org/he']]],
      ['www.google.com/search?q=commonmark&hl=en', [['www.google.com/search?q=commonmark&hl=en', 'http://www.google.com/search?q=commonmark&hl=en']]],
      ['www.google.com/search?q=commonmark&hl;', [['www.google.com/search?q=commonmark', 'http://www.google.com/search?q=commonmark']]],
      ['Mail foo@bar.baz or a.b-c_d@a.b.', [['foo@bar.baz', 'mailto:foo@bar.baz'], ['a.b-c_d@a.b', 'mailto:a.b-c_d@a.b']]],
      ['no: a.b-c_d@a.b- x@y_ www.x_y.z_w example.com', []],
      ['not inside `https://example.com` code or [a link](https://example.org)', [['a link', 'https://example.org']]],
      ['*www.example.com* and snake_case', [['www.example.com', 'http://www.example.com']]],
    ];
    for (const [markdown, expected] of cases) {
      const el = await render(markdown);
      const links = [...el.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]);
      expect(links, markdown).to.deep.equal(expected);
      for (const a of el.querySelectorAll('a')) expect(a.rel).to.equal('noopener noreferrer');
    }
  });
});

describe('MarkdownStream: long blocks stay incremental (issue 17)', () => {
  /** Nodes added and removed by appending `token`, and whether the mutations stayed inside `scope`. */
  function mutationsInside(el: Element, scope: () => Element, action: () => void): { records: MutationRecord[]; inside: boolean } {
    const records = mutationsOf(el, action);
    const target = scope();
    return { records, inside: records.every((record) => target.contains(record.target)) };
  }

  it('leaves finished items of a long top-level list alone', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append(Array.from({ length: 300 }, (_, i) => `${i + 1}. Point **${i}** with \`code\` and [a link](https://example.com/${i})`).join('\n') + '\n301. The');
    const first = el.querySelector('li')!;
    const firstText = first.firstChild!;
    const { inside } = mutationsInside(el, () => el.querySelector('li:last-child')!, () => stream.append(' last'));
    expect(inside, 'only the last item changes').to.equal(true);
    expect(first.isConnected && firstText.isConnected).to.equal(true);
    stream.append(' one\n\n302. loose now');
    // A blank line between items makes the whole list loose: every item gets its <p>, once.
    expect(el.querySelectorAll('li > p').length).to.equal(302);
    stream.finish();
    expect(el.innerHTML).to.equal((await render(stream.source)).innerHTML);
  });

  it('appends table rows without touching the finished ones', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    stream.append('| a | b |\n|---|:-:|\n' + Array.from({ length: 200 }, (_, i) => `| ${i} | **${i}** |`).join('\n') + '\n| x');
    const firstRow = el.querySelector('tbody tr')!;
    const { inside } = mutationsInside(el, () => el.querySelector('tbody tr:last-child')!, () => stream.append(' | y |'));
    expect(inside).to.equal(true);
    expect(firstRow.isConnected).to.equal(true);
    stream.finish();
    expect(el.querySelectorAll('tbody tr').length).to.equal(201);
    expect(el.innerHTML).to.equal((await render(stream.source)).innerHTML);
  });

  it('keeps the settled start of a long paragraph while its end streams', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    const sentence = (i: number) => `Sentence ${i} has *emphasis*, \`code\` and a [link](https://example.com/${i}). `;
    stream.append(Array.from({ length: 200 }, (_, i) => sentence(i)).join(''));
    const paragraph = el.querySelector('p')!;
    const firstEm = paragraph.querySelector('em')!;
    const records = mutationsOf(el, () => stream.append('More *words'));
    expect(firstEm.isConnected).to.equal(true);
    // Only the unsettled end of the paragraph changed.
    const touched = records.flatMap((record) => [...record.removedNodes]);
    expect(touched.includes(firstEm)).to.equal(false);
    stream.append('* end.');
    stream.finish();
    expect(el.querySelector('p')).to.equal(paragraph);
    expect(el.innerHTML).to.equal((await render(stream.source)).innerHTML);
  });

  it('renders an earlier reference link once its definition arrives later', async () => {
    const el = await container();
    const stream = new MarkdownStream(el);
    for (const token of ['See [the', ' docs].\n\nMore', ' text.\n\n[the docs]: https://', 'example.com\n\nEnd.']) stream.append(token);
    const paragraph = el.firstElementChild;
    // The definition is final once the block after it has a complete line.
    stream.append('\n');
    expect(el.querySelector('a')?.getAttribute('href')).to.equal('https://example.com');
    expect(el.firstElementChild, 'the earlier paragraph was rendered again').not.to.equal(paragraph);
    stream.finish();
    expect(el.innerHTML).to.equal((await render(stream.source)).innerHTML);
  });
});

describe('MarkdownStream: random documents', () => {
  /** Lines of the kinds models write, and the edge cases between them. */
  const LINES = [
    'Plain words and more words',
    'A *long* sentence with **bold**, `code`, a [link](https://example.com/a) and www.example.org.',
    'an *open emphasis and [an open bracket',
    'closing* it] and `tick',
    '',
    '',
    '# Heading',
    'Setext',
    '===',
    '---',
    '- item',
    '- [ ] task',
    '  - nested item',
    '1. first',
    '2) other delimiter',
    '   continued',
    '> quote',
    '> > deeper',
    '| a | b |',
    '|---|:-:|',
    '| 1 | **2** |',
    'row without pipes',
    '```js',
    '```',
    '~~~',
    '    indented code',
    '[ref]: https://example.com/ref "Title"',
    '[ref] and [other][ref]',
    '<div>raw html</div>',
    'text <span>inline</span> &amp; &copy; \\* escaped',
    '***',
    '-',
    '1.',
    '[ref2]:',
    'https://example.com/r2',
    '"title on next line"',
    '[ref2] used',
    '  ```',
    '  code in item',
    '   - deeper',
    '- ',
    '>',
    '<!-- comment',
    '-->',
    `Long ${'sentence with *em* and `c` and [l](https://e.com/x) here. '.repeat(12)}`,
    `Another long ${'open *star and words '.repeat(20)}`,
    '* star item',
    '\tindented with a tab',
    'x | y',
    '#Not a heading',
    `const longCodeLine = ${'"abc" + '.repeat(60)}1;`,
  ];

  it('ends in the one-shot DOM for 300 random documents streamed in random chunks', async () => {
    let seed = 2024;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const el = await container();
    const failures: string[] = [];
    for (let run = 0; run < 300; run++) {
      const text = Array.from({ length: 3 + Math.floor(random() * 25) }, () => pick(LINES)).join('\n');
      renderMarkdown(el, text);
      const expected = el.innerHTML;
      const stream = new MarkdownStream(el);
      for (let i = 0; i < text.length; ) {
        const size = 1 + Math.floor(random() * (run % 2 ? 3 : 20));
        stream.append(text.slice(i, i + size));
        i += size;
      }
      stream.finish();
      if (el.innerHTML !== expected) failures.push(JSON.stringify(text));
    }
    expect(failures, failures.slice(0, 3).join('\n')).to.deep.equal([]);
  });
});
