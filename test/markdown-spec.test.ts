/**
 * The renderer against all 652 examples of the CommonMark 0.31.2 spec (npm `commonmark-spec`).
 *
 * An example either renders exactly as the spec says (canonical HTML, our wrappers and added
 * attributes taken off), or it is listed in `markdown-spec/exceptions.json` with the rules that
 * explain the difference, and those rules really are the only difference: the image and URL
 * rules are applied to the spec's expected HTML mechanically and must then match; raw HTML must
 * be present in the example. A listed example that starts matching fails too, so the list
 * stays honest. Every example is also streamed in random chunks and must end in the one-shot DOM.
 */
import { expect } from '@open-wc/testing';
import { MarkdownStream, renderMarkdown } from '../dist/render/markdown-stream.js';
import {
  expectedFragment,
  canonical,
  expectedWithRules,
  loadSpec,
  ourCanonical,
  ruleTriggers,
  withoutExtendedAutolinks,
  type SpecExample,
} from './markdown-spec/spec-helpers.js';

type Rule = 'raw-html' | 'image' | 'unsafe-url' | 'gfm-autolink';
interface Exceptions {
  rules: Record<Rule, string>;
  examples: Record<string, { rules: Rule[]; why: string }>;
}

function render(markdown: string): HTMLDivElement {
  const el = document.createElement('div');
  renderMarkdown(el, markdown);
  return el;
}

describe('CommonMark 0.31.2 spec', () => {
  let examples: SpecExample[] = [];
  let exceptions: Exceptions;
  let listed: Exceptions['examples'];
  before(async () => {
    examples = await loadSpec();
    exceptions = await (await fetch(new URL('./markdown-spec/exceptions.json', import.meta.url))).json();
    listed = exceptions.examples;
  });

  it('has all 652 examples, and every rule used in the exceptions is documented', () => {
    expect(examples.length).to.equal(652);
    for (const entry of Object.values(listed)) {
      for (const rule of entry.rules) expect(exceptions.rules, rule).to.have.property(rule);
      expect(entry.why.length, 'each exception says why').to.be.greaterThan(10);
    }
  });

  it('renders every example as the spec says, except the listed ones, which differ only by their rules', () => {
    const problems: string[] = [];
    let exact = 0;
    for (const example of examples) {
      const ours = ourCanonical(render(example.markdown));
      const expected = canonical(expectedFragment(example.html));
      const entry = listed[example.number];
      if (ours === expected) {
        exact++;
        if (entry) problems.push(`#${example.number} is listed (${entry.rules.join(', ')}) but now matches the spec: remove it`);
        continue;
      }
      if (!entry) {
        problems.push(`#${example.number} (${example.section}) differs:\n  markdown ${JSON.stringify(example.markdown)}\n  ours     ${ours}\n  spec     ${expected}`);
        continue;
      }
      const triggers = ruleTriggers(example);
      for (const rule of entry.rules) {
        const present = { 'raw-html': triggers.rawHtml, image: triggers.image, 'unsafe-url': triggers.unsafeUrl, 'gfm-autolink': true }[rule];
        if (!present) problems.push(`#${example.number} lists ${rule}, which does not occur in it`);
      }
      if (!entry.rules.includes('raw-html')) {
        // Mechanical proof: with the rules applied to the spec's HTML, nothing else differs.
        let ruled = expectedWithRules(example.html);
        let mine = ours;
        if (entry.rules.includes('gfm-autolink')) {
          ruled = withoutExtendedAutolinks(ruled);
          mine = withoutExtendedAutolinks(ours);
        }
        if (mine !== ruled) problems.push(`#${example.number} differs by more than ${entry.rules.join(', ')}:\n  ours ${mine}\n  spec ${ruled}`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(exact + Object.keys(listed).length).to.equal(652);
  });

  it('ends in the one-shot DOM when each example is streamed in random chunks', () => {
    let seed = 17;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const mismatches: number[] = [];
    for (const example of examples) {
      const expected = render(example.markdown).innerHTML;
      for (let run = 0; run < 3; run++) {
        const el = document.createElement('div');
        const stream = new MarkdownStream(el);
        const max = run === 0 ? 1 : run === 1 ? 4 : 12;
        for (let i = 0; i < example.markdown.length; ) {
          const size = 1 + Math.floor(random() * max);
          stream.append(example.markdown.slice(i, i + size));
          i += size;
        }
        stream.finish();
        if (el.innerHTML !== expected) {
          mismatches.push(example.number);
          break;
        }
      }
    }
    expect(mismatches, `streamed ≠ one-shot for examples ${mismatches.join(', ')}`).to.deep.equal([]);
  });
});
