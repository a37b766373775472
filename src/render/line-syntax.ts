/**
 * Recognisers for block-level markdown syntax, one line at a time.
 *
 * Everything here is a pure function of a single line, so the block renderer can classify each
 * line once as it arrives instead of re-scanning the reply. The rules follow CommonMark (and
 * GFM for tables) closely enough for model output; deviations are noted where they are made.
 * None of these patterns nest quantifiers ambiguously, so a hostile line cannot make them
 * backtrack catastrophically.
 */

/** A line with nothing but spaces and tabs (or nothing at all). */
export function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

/** Leading indentation in columns, tabs advancing to the next multiple of four. */
export function indentOf(line: string): number {
  let column = 0;
  for (const ch of line) {
    if (ch === ' ') column++;
    else if (ch === '\t') column += 4 - (column % 4);
    else break;
  }
  return column;
}

/**
 * Removes up to `columns` columns of leading indentation. A tab that straddles the limit is
 * split into the spaces that remain, as CommonMark does, so nested code keeps its alignment.
 */
export function stripIndent(line: string, columns: number): string {
  let column = 0;
  let i = 0;
  while (i < line.length && column < columns) {
    const ch = line[i];
    if (ch === ' ') {
      column++;
      i++;
    } else if (ch === '\t') {
      const width = 4 - (column % 4);
      if (column + width > columns) return ' '.repeat(column + width - columns) + line.slice(i + 1);
      column += width;
      i++;
    } else {
      break;
    }
  }
  return line.slice(i);
}

/** An ATX heading: `#` to `######`, then a space or the end of the line. */
export interface AtxHeading {
  level: number;
  /** The heading text without the optional closing `#` sequence. */
  text: string;
}

/** Parses an ATX heading line (`## Title ##`). */
export function parseAtxHeading(line: string): AtxHeading | null {
  const match = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/.exec(line);
  if (!match) return null;
  // A closing sequence counts only when preceded by a space (or when it is all there is).
  const text = (match[2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
  return { level: match[1].length, text };
}

/** `---`, `***` or `___` (three or more, spaces allowed between). */
export function isThematicBreak(line: string): boolean {
  return /^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/.test(line);
}

/** An underline that turns the paragraph above into a heading: `===` (h1) or `---` (h2). */
export function setextLevel(line: string): 1 | 2 | null {
  const match = /^ {0,3}(=+|-+)[ \t]*$/.exec(line);
  if (!match) return null;
  return match[1][0] === '=' ? 1 : 2;
}

/** The opening line of a fenced code block. */
export interface CodeFence {
  /** '`' or '~'. */
  char: string;
  /** Fence length; the closing fence must be at least as long. */
  length: number;
  /** Indentation of the opening fence, removed from content lines (CommonMark). */
  indent: number;
  /** Sanitised language from the info string, '' when absent. */
  language: string;
}

/**
 * The language is the only part of the source copied into an attribute besides a validated
 * href, so it is reduced to characters that name languages (`c++`, `c#`, `objective-c`,
 * `vue.js`) and capped in length.
 */
export function sanitizeLanguage(info: string): string {
  const word = info.trim().split(/\s+/)[0] ?? '';
  return word.replace(/[^\w+#.-]/g, '').slice(0, 32);
}

/** Parses an opening code fence (three or more backticks or tildes, optional info string). */
export function parseCodeFence(line: string): CodeFence | null {
  const match = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
  if (!match) return null;
  const fence = match[2];
  const info = match[3];
  // "```js```" on one line is an inline code span, not a fence (CommonMark forbids backticks
  // in a backtick fence's info string for this reason).
  if (fence[0] === '`' && info.includes('`')) return null;
  return { char: fence[0], length: fence.length, indent: match[1].length, language: sanitizeLanguage(info) };
}

/** Whether `line` closes the code block opened by `fence`. */
export function isClosingFence(line: string, fence: CodeFence): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return match !== null && match[1][0] === fence.char && match[1].length >= fence.length;
}

/** `>` at the start of a line (after at most three spaces). */
export function isQuoteLine(line: string): boolean {
  return /^ {0,3}>/.test(line);
}

/** The line without its `>` marker and the one optional space after it. */
export function stripQuoteMarker(line: string): string {
  return line.replace(/^ {0,3}>[ \t]?/, '');
}

/** A list item's marker line. */
export interface ListMarker {
  /** Columns before the marker. */
  indent: number;
  /** `-`, `+`, `*` for bullets, `.` or `)` for ordered lists: items of one list share it. */
  kind: string;
  /** The number of an ordered item, `null` for bullets. */
  start: number | null;
  /** Columns from the start of the line to the item's content (continuation lines need this much). */
  contentIndent: number;
  /** The text after the marker. */
  content: string;
}

/** Parses a list item marker (`- `, `* `, `+ `, `1. `, `1) `). */
export function parseListMarker(line: string): ListMarker | null {
  const match = /^( {0,3})(?:([-+*])|(\d{1,9})([.)]))(?=[ \t]|$)/.exec(line);
  if (!match) return null;
  const markerEnd = match[0].length;
  const rest = line.slice(markerEnd);
  const spaces = indentOf(rest);
  const content = rest.trimStart();
  const ordered = match[3] !== undefined;
  const base = {
    indent: match[1].length,
    kind: ordered ? match[4] : match[2],
    start: ordered ? Number(match[3]) : null,
  };
  // An empty item, or one whose text starts five or more columns after the marker, continues at
  // one column after the marker (CommonMark's rule; the extra spaces stay in the content).
  if (content === '') return { ...base, contentIndent: markerEnd + 1, content: '' };
  if (spaces > 4) return { ...base, contentIndent: markerEnd + 1, content: stripIndent(rest, 1) };
  return { ...base, contentIndent: markerEnd + spaces, content };
}

/**
 * Whether `line` starts a block that ends a paragraph without a blank line in between. An empty
 * list item, or an ordered one not starting at 1, cannot interrupt a paragraph, so sentences like
 * "…in the year\n2024. It was…" stay paragraphs (CommonMark).
 */
export function interruptsParagraph(line: string): boolean {
  if (parseCodeFence(line) || parseAtxHeading(line) || isThematicBreak(line) || isQuoteLine(line)) return true;
  const marker = parseListMarker(line);
  return marker !== null && marker.content !== '' && (marker.start === null || marker.start === 1);
}

/** Column alignment from a table delimiter row. */
export type CellAlignment = 'left' | 'center' | 'right' | null;

/**
 * Splits a table row into trimmed cells: outer pipes are optional and `\|` is a literal pipe
 * (also inside code spans, as in GFM).
 */
export function splitTableRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < row.length; i++) {
    const ch = row[i];
    if (ch === '\\' && row[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (ch === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/**
 * Parses a GFM delimiter row (`| --- | :-: | --: |`). A pipe is required, so that `---` under a
 * paragraph stays a setext underline.
 */
export function parseDelimiterRow(line: string): CellAlignment[] | null {
  if (!line.includes('|')) return null;
  if (!/^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/.test(line)) return null;
  return splitTableRow(line).map((cell) => {
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    if (left && right) return 'center';
    if (right) return 'right';
    if (left) return 'left';
    return null;
  });
}

/**
 * Whether a line can be a further row of an open table. GFM ends a table at a blank line or at
 * another block; unlike GFM we also require a pipe, because a model that forgets the blank line
 * after a table almost always meant a new paragraph, not a one-cell row.
 */
export function continuesTable(line: string): boolean {
  if (isBlank(line) || !line.includes('|')) return false;
  if (parseCodeFence(line) || parseAtxHeading(line) || isThematicBreak(line) || isQuoteLine(line)) return false;
  return parseListMarker(line) === null;
}

/**
 * An incomplete last line that is nothing but block punctuation (`-`, `1.`, `` ` ``, `#`, `>`,
 * `|`, `---`, `**`...) could still become almost anything: a list item, a heading, a fence, a
 * rule, a setext underline, a table delimiter row or bold text. Showing it provisionally would
 * flash the wrong structure for a token or two, so the renderer holds such a line back until a
 * word character or the end of the line settles it.
 */
export function isAmbiguousPartialLine(partial: string): boolean {
  return /^[ \t]*(?:\d{1,9}[.)]?)?[-+*=_~`#>|:. \t]*$/.test(partial);
}
