/**
 * Rewrites of the EBNF grammar XGrammar derives from a JSON Schema (one line, no free
 * whitespace), so that every string it allows is valid JSON:
 *
 * - **Character classes** never allow a quote, a backslash or a control character (U+0000–U+001F)
 *   as a raw character. XGrammar 0.1.27 writes string contents of `maxLength` strings as
 *   `[^"\\\r\n]` and of patterns as the pattern's classes (`.` becomes `[\u0000-\U0010FFFF]`), so
 *   a model could put a raw tab, or even a quote, inside a string: `JSON.parse` refuses both.
 *   Outside strings our grammars hold only digit and letter classes, which lose nothing; inside
 *   XGrammar's escape rule (`["\\/bfnrt]`) the escapes `\"` and `\\` are lost, which only narrows.
 * - **Number placeholders** (`"\"__slm_number_0__\""`, see `schema-preflight.ts`) become the
 *   grammar of their number.
 */

/** Code points a raw JSON string character may not be: controls, the quote, the backslash. */
const FORBIDDEN: [number, number][] = [
  [0x00, 0x1f],
  [0x22, 0x22],
  [0x5c, 0x5c],
];

/** Named single-character escapes of XGrammar's EBNF. */
const NAMED_ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, f: 0x0c, v: 0x0b, b: 0x08, '0': 0x00, e: 0x1b };

/** Reads one (possibly escaped) character of a class at `i`: its code point and where the next one starts. */
function readChar(text: string, i: number): [number, number] {
  if (text[i] !== '\\') {
    const cp = text.codePointAt(i)!;
    return [cp, i + (cp > 0xffff ? 2 : 1)];
  }
  const c = text[i + 1];
  const hex = (length: number): [number, number] => [parseInt(text.slice(i + 2, i + 2 + length), 16), i + 2 + length];
  if (c === 'u') return hex(4);
  if (c === 'U') return hex(8);
  if (c === 'x') {
    // `\x1f`, but also `\xff` and `\x1F`: two hex digits.
    return hex(2);
  }
  if (c in NAMED_ESCAPES) return [NAMED_ESCAPES[c], i + 2];
  const cp = text.codePointAt(i + 1)!;
  return [cp, i + 1 + (cp > 0xffff ? 2 : 1)];
}

/** Writes a code point for a class: letters and digits as themselves, the rest escaped. */
function writeChar(cp: number): string {
  if (/[A-Za-z0-9]/.test(String.fromCodePoint(cp))) return String.fromCodePoint(cp);
  return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** `ranges` less `FORBIDDEN` (sorted, disjoint output). */
function subtractForbidden(ranges: [number, number][]): [number, number][] {
  let result = ranges;
  for (const [fa, fb] of FORBIDDEN) {
    const next: [number, number][] = [];
    for (const [a, b] of result) {
      if (b < fa || a > fb) next.push([a, b]);
      else {
        if (a < fa) next.push([a, fa - 1]);
        if (b > fb) next.push([fb + 1, b]);
      }
    }
    result = next;
  }
  return result;
}

/** One class `[...]` (from `start`, at its `[`) rewritten; returns it and where the text goes on. */
function rewriteClass(text: string, start: number): [string, number] {
  let i = start + 1;
  const negated = text[i] === '^';
  if (negated) i++;
  const ranges: [number, number][] = [];
  while (text[i] !== ']') {
    if (i >= text.length) throw new Error('unterminated character class');
    const [from, afterFrom] = readChar(text, i);
    if (text[afterFrom] === '-' && text[afterFrom + 1] !== ']') {
      const [to, afterTo] = readChar(text, afterFrom + 1);
      ranges.push([from, to]);
      i = afterTo;
    } else {
      ranges.push([from, from]);
      i = afterFrom;
    }
  }
  const end = i + 1;
  const write = (list: [number, number][]) => list.map(([a, b]) => (a === b ? writeChar(a) : `${writeChar(a)}-${writeChar(b)}`)).join('');
  if (negated) return [`[^${write([...ranges, ...FORBIDDEN])}]`, end];
  const allowed = subtractForbidden(ranges);
  // Only forbidden characters: a structural quote (`basic_string ::= ["] ...`), not string content
  // (a pattern class of only such characters is refused before: `schema-preflight.ts`).
  if (allowed.length === 0) return [text.slice(start, end), end];
  return [`[${write(allowed)}]`, end];
}

/** Applies the character-class rewrite to a whole grammar (string literals are left alone). */
export function narrowCharacterClasses(ebnf: string): string {
  let out = '';
  let i = 0;
  while (i < ebnf.length) {
    const c = ebnf[i];
    if (c === '"') {
      // A string literal, escapes included, copied as it is.
      let j = i + 1;
      while (j < ebnf.length && ebnf[j] !== '"') j += ebnf[j] === '\\' ? 2 : 1;
      out += ebnf.slice(i, j + 1);
      i = j + 1;
    } else if (c === '[') {
      const [rewritten, next] = rewriteClass(ebnf, i);
      out += rewritten;
      i = next;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Replaces each number placeholder's literal by its grammar. */
export function replaceNumberPlaceholders(ebnf: string, numbers: ReadonlyMap<string, string>): string {
  let out = ebnf;
  for (const [placeholder, grammar] of numbers) {
    out = out.split(`"\\"${placeholder}\\""`).join(`(${grammar})`);
  }
  return out;
}
