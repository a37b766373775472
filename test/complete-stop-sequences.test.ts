import { expect } from '@open-wc/testing';
import { parseGenerationSettings, parseStopSequences, parseWholeNumber } from '../dist/engine/shared/settings.js';
import { StopSequenceMatcher, cutAtStop } from '../dist/engine/worker/stop-sequences.js';
import { failOnLitDevWarnings } from './helpers.js';

/** Feeds `pieces` one by one; returns what was released after each, and the final flush. */
function stream(stops: string[], pieces: string[]) {
  const matcher = new StopSequenceMatcher(stops);
  const released = pieces.map((piece) => matcher.push(piece));
  return { released, flushed: matcher.flush(), matched: matcher.matched, text: matcher.text };
}

describe('stop-sequences', () => {
  failOnLitDevWarnings();

  it('parses a JSON array, a single string with escapes, or an array', () => {
    expect(parseStopSequences('["\\n\\n", "END", ""]')).to.deep.equal({ ok: true, value: ['\n\n', 'END'] });
    expect(parseStopSequences('\\n')).to.deep.equal({ ok: true, value: ['\n'] });
    expect(parseStopSequences('a\\tb\\\\n')).to.deep.equal({ ok: true, value: ['a\tb\\n'] });
    expect(parseStopSequences('.')).to.deep.equal({ ok: true, value: ['.'] });
    expect(parseStopSequences(['x', 'x', 'y'])).to.deep.equal({ ok: true, value: ['x', 'y'] });
    for (const none of [undefined, null, '', '[]']) expect(parseStopSequences(none)).to.deep.equal({ ok: true, value: [] });
    for (const bad of ['[1, 2]', '["a"', '[{"a": 1}]']) {
      const parsed = parseStopSequences(bad);
      expect(parsed.ok, bad).to.equal(false);
      if (!parsed.ok) expect(parsed.error.code).to.equal('invalid-option');
    }
  });

  it('adds stop sequences to generation settings only when there are some', () => {
    expect(parseGenerationSettings({ stopSequences: '' })).to.deep.equal({ ok: true, value: { maxNewTokens: 256, temperature: 0 } });
    expect(parseGenerationSettings({ stopSequences: '\\n' })).to.deep.equal({
      ok: true,
      value: { maxNewTokens: 256, temperature: 0, stopSequences: ['\n'] },
    });
    expect(parseGenerationSettings({ stopSequences: '[' }).ok).to.equal(false);
  });

  it('validates whole-number attributes', () => {
    expect(parseWholeNumber('debounce', undefined, 300)).to.deep.equal({ ok: true, value: 300 });
    expect(parseWholeNumber('debounce', '0', 300)).to.deep.equal({ ok: true, value: 0 });
    for (const bad of ['-1', '1.5', 'soon']) expect(parseWholeNumber('debounce', bad, 300).ok).to.equal(false);
    expect(parseWholeNumber('context-chars', 0, 2000, 1).ok).to.equal(false);
  });

  it('cuts before the earliest occurrence', () => {
    expect(cutAtStop('one. two\n\nthree END', ['END', '\n\n'])).to.equal('one. two');
    expect(cutAtStop('nothing here', ['END'])).to.equal('nothing here');
    expect(cutAtStop('END', ['END'])).to.equal('');
  });

  it('holds back text that may start a stop sequence, and releases it when it does not', () => {
    const spanning = stream(['\n\n'], ['Hello', '.\n', 'World']);
    expect(spanning.released).to.deep.equal(['Hello', '.', '\nWorld']);
    expect(spanning.matched).to.equal(false);

    const completed = stream(['\n\n'], ['Hello', '.\n', '\nWorld', 'more']);
    expect(completed.released).to.deep.equal(['Hello', '.', '', '']);
    expect(completed.matched).to.equal(true);
    expect(completed.text).to.equal('Hello.');
    expect(completed.flushed).to.equal('');

    const inside = stream(['</a>'], ['x</', 'a', '>y']);
    expect(inside.released).to.deep.equal(['x', '', '']);
    expect(inside.text).to.equal('x');

    const atEnd = stream(['END'], ['the E', 'N']);
    expect(atEnd.released).to.deep.equal(['the ', '']);
    expect(atEnd.flushed, 'released once the generation ends').to.equal('EN');
    expect(atEnd.text).to.equal('the EN');
  });

  it('takes the earliest match among several, in the middle of a piece', () => {
    const result = stream(['cd', 'b'], ['abcdef']);
    expect(result.released).to.deep.equal(['a']);
    expect(result.matched).to.equal(true);
  });
});
