/**
 * A large hostile corpus against the renderer: script-bearing URLs in every place markdown takes
 * a URL, raw HTML vectors in every block and inline context, attribute-breaking titles and info
 * strings, and GFM autolink bait, rendered one-shot and streamed, attached to the page. Nothing
 * may run, no element may carry an event handler or an active URL, and nothing may be fetched.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { MarkdownStream, renderMarkdown } from '../dist/render/markdown-stream.js';

/** Destinations that run script or load a document when followed. */
const SCRIPT_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'javascript&colon;alert(1)',
  'jav&#x09;ascript:alert(1)',
  'jav&#10;ascript:alert(1)',
  'java&#0;script:alert(1)',
  '&#106;avascript:alert(1)',
  '&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)',
  'javascript%3Aalert(1)',
  'java\\script:alert(1)',
  'java\u200bscript:alert(1)',
  'java\u00a0script:alert(1)',
  '\u0001javascript:alert(1)',
  'vbscript:msgbox(1)',
  'livescript:alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'data:text/html,<script>alert(1)</script>',
  'data:image/svg+xml,<svg onload=alert(1)>',
  'blob:https://evil.example/x',
  'file:///etc/passwd',
  'filesystem:https://evil.example/x',
  '//evil.example/x',
  '/relative',
  'https:alert(1)',
];

/** Each URL in each place markdown takes one. */
const URL_CONTEXTS = [
  (url: string) => `[click](${url})`,
  (url: string) => `[click](<${url}>)`,
  (url: string) => `[click](${url} "title")`,
  (url: string) => `![img](${url})`,
  (url: string) => `<${url}>`,
  (url: string) => `[ref]\n\n[ref]: ${url}`,
  (url: string) => `![ref]\n\n[ref]: <${url}>`,
  (url: string) => `| a |\n|---|\n| [click](${url}) |`,
  (url: string) => `- [x] [click](${url})`,
  (url: string) => `> # [click](${url})`,
  (url: string) => `<a href="${url}">raw</a>`,
  (url: string) => `<iframe src="${url}"></iframe>`,
  (url: string) => `[![img](${url})](${url})`,
];

/** Raw HTML that runs script, loads something or changes the page, if it ever became markup. */
const HTML_VECTORS = [
  '<script>alert(1)</script>',
  '<img src="https://evil.example/i.png" onerror="alert(1)">',
  '<img src=x onerror=alert(1)//',
  '<svg/onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="https://evil.example/x.swf"></object>',
  '<embed src="https://evil.example/x.swf">',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
  '<style>@import url(https://evil.example/x.css); body { background: url(https://evil.example/b.png) }</style>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="https://evil.example/">',
  '<form action="https://evil.example/"><button>go</button></form>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>x</details>',
  '<video><source onerror=alert(1)></video>',
  '<audio src=x onerror=alert(1)>',
  '<body onload=alert(1)>',
  '<marquee onstart=alert(1)>x</marquee>',
  '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
  '<div style="background:url(https://evil.example/b.png)">x</div>',
  '<!--><script>alert(1)</script>-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<?xml version="1.0"?><script>alert(1)</script>',
  '<scr<script>ipt>alert(1)</script>',
  '</p><script>alert(1)</script><p>',
  '<textarea></textarea><script>alert(1)</script>',
];

/** Each vector as an HTML block, inline, and inside containers. */
const HTML_CONTEXTS = [
  (vector: string) => vector,
  (vector: string) => `text ${vector} text`,
  (vector: string) => `- item ${vector}`,
  (vector: string) => `> ${vector}`,
  (vector: string) => `| ${vector.replace(/\|/g, '\\|')} |\n|---|\n| ${vector.replace(/\|/g, '\\|')} |`,
  (vector: string) => `# ${vector}`,
  (vector: string) => `*${vector}*`,
  (vector: string) => `[${vector}](https://example.com/ok)`,
  (vector: string) => `- [ ] ${vector}`,
];

/** Attribute breakers in the few places source text reaches an attribute value. */
const ATTRIBUTE_BREAKERS = [
  '[ok](https://example.com/ok "t\\" onmouseover=\\"alert(1)")',
  "[ok](https://example.com/ok 'x\\' onmouseover=alert(1) ')",
  '[ok](https://example.com/ok (x" onmouseover="alert(1)))',
  '```js" onmouseover="alert(1)\ncode\n```',
  '~~~ "><img src=x onerror=alert(1)>\ncode\n~~~',
  '```&quot; onload=&quot;alert(1)\ncode\n```',
  'https://example.com/"onmouseover="alert(1)',
  'www.example.com/<img src=x onerror=alert(1)>',
  'me@example.com"onmouseover="alert(1)',
  '<https://example.com/" onmouseover="alert(1)>',
  '[x](https://example.com/a"onmouseover="alert(1))',
  '![x" onerror="alert(1)](https://example.com/i.png)',
];

function corpus(): string[] {
  const documents: string[] = [];
  for (const context of URL_CONTEXTS) for (const url of SCRIPT_URLS) documents.push(context(url));
  for (const context of HTML_CONTEXTS) for (const vector of HTML_VECTORS) documents.push(context(vector));
  documents.push(...ATTRIBUTE_BREAKERS);
  return documents;
}

/** Elements that never appear in rendered output. */
const FORBIDDEN = 'script, iframe, frame, img, svg, math, style, link, meta, base, object, embed, form, button:not([data-copy]), textarea, select, video, audio, source, details, marquee, body, template';

/** What every rendered document must satisfy. */
function inertProblems(el: Element, markdown: string): string[] {
  const problems: string[] = [];
  const where = JSON.stringify(markdown.slice(0, 80));
  if (el.querySelector(FORBIDDEN)) problems.push(`${where}: <${el.querySelector(FORBIDDEN)!.localName}>`);
  for (const input of el.querySelectorAll('input')) {
    if ((input as HTMLInputElement).type !== 'checkbox' || !(input as HTMLInputElement).disabled) problems.push(`${where}: active input`);
  }
  for (const node of el.querySelectorAll('*')) {
    for (const name of node.getAttributeNames()) {
      if (name.startsWith('on')) problems.push(`${where}: ${node.localName}[${name}]`);
      if (name === 'src' || name === 'srcdoc' || name === 'action' || name === 'formaction' || name === 'xlink:href') problems.push(`${where}: ${node.localName}[${name}]`);
    }
  }
  for (const link of el.querySelectorAll('[href]')) {
    const href = link.getAttribute('href')!;
    if (link.localName !== 'a') problems.push(`${where}: ${link.localName}[href]`);
    let protocol: string;
    try {
      protocol = new URL(href).protocol;
    } catch {
      protocol = 'relative';
    }
    if (!['http:', 'https:', 'mailto:'].includes(protocol)) problems.push(`${where}: href ${href}`);
    if (link.getAttribute('rel') !== 'noopener noreferrer') problems.push(`${where}: rel ${link.getAttribute('rel')}`);
  }
  return problems;
}

describe('MarkdownStream: hostile corpus', () => {
  let fired = 0;
  const alertBefore = window.alert;
  before(() => {
    window.alert = () => {
      fired++;
    };
  });
  after(() => {
    window.alert = alertBefore;
  });

  it(`renders ${corpus().length} hostile documents inert, one-shot and streamed`, async () => {
    const documents = corpus();
    expect(documents.length).to.be.greaterThan(550);
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const problems: string[] = [];
    for (const markdown of documents) {
      const oneShot = document.createElement('div');
      host.append(oneShot);
      renderMarkdown(oneShot, markdown);
      const streamed = document.createElement('div');
      host.append(streamed);
      const stream = new MarkdownStream(streamed);
      for (let i = 0; i < markdown.length; i += 3) stream.append(markdown.slice(i, i + 3));
      stream.finish();
      problems.push(...inertProblems(oneShot, markdown), ...inertProblems(streamed, markdown));
      if (streamed.innerHTML !== oneShot.innerHTML) problems.push(`${JSON.stringify(markdown)}: streamed ≠ one-shot`);
    }
    // Give anything that could run (handlers, timers, navigations) the chance to.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(problems, problems.slice(0, 20).join('\n')).to.deep.equal([]);
    expect(fired, 'script ran').to.equal(0);
    const fetched = performance.getEntriesByType('resource').filter((entry) => /evil\.example|example\.com/.test(entry.name));
    expect(fetched.map((entry) => entry.name), 'nothing was fetched').to.deep.equal([]);
    // Every vector is still there for the reader, as text.
    expect(host.textContent).to.include('<script>alert(1)</script>');
    expect(host.textContent).to.include('onerror=alert(1)');
  });
});
