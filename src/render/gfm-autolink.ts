/**
 * GFM's extended autolinks: `www.example.com`, `https://example.com/path` and `me@example.com`
 * written without `<…>` (GFM spec §6.9, "Autolinks (extension)"), found in the text that
 * markdown-it leaves between other inline constructs. Models write bare URLs all the time.
 *
 * markdown-it's own `linkify` option uses linkify-it, whose fuzzy rules link more than GFM does
 * (`example.com` without `www.`); these are GFM's rules, which are short and exact. Only web and
 * e-mail links are recognised: `ftp://` would be rejected by `safe-url.ts` anyway.
 */

/** A piece of text that is an autolink. */
export interface Autolink {
  /** What is shown (the source text). */
  text: string;
  /** Where it points: `http://` is added to `www.` links and `mailto:` to e-mail addresses. */
  href: string;
}

/** Characters before a `www.` or `http(s)://` autolink: start, whitespace, `*`, `_`, `~`, `(`. */
const LINK_BOUNDARY = /[\s*_~(]/;
/** `www.` or an http(s) scheme, where an extended autolink may start. */
const LINK_START = /www\.|https?:\/\//gi;
/** The domain of a `www.` or URL autolink: alphanumerics, `_`, `-`, separated by periods. */
const DOMAIN = /[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*/y;
/** Everything after the domain up to whitespace or `<`. */
const PATH = /[^\s<]*/y;
/** An e-mail address around an `@`: local part, then a domain with at least one period. */
const EMAIL_LOCAL_CHAR = /[A-Za-z0-9.+_-]/;
const EMAIL_DOMAIN = /[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+/y;
/** Longest autolink considered (a hostile 100 KB "URL" is then text, and trimming stays cheap). */
const MAX_LENGTH = 4096;

/**
 * Splits `text` into plain strings and autolinks. `boundaryBefore` tells whether the position
 * just before `text` counts as a boundary (the start of the paragraph, or after emphasis).
 */
export function splitAutolinks(text: string, boundaryBefore: boolean): (string | Autolink)[] {
  if (!/www\.|:\/\/|@/i.test(text)) return [text];
  const parts: (string | Autolink)[] = [];
  let done = 0;
  const push = (start: number, link: Autolink): void => {
    if (start > done) parts.push(text.slice(done, start));
    parts.push(link);
    done = start + link.text.length;
  };
  // Web links first, then e-mail addresses in the text between them.
  const webLinks: [number, Autolink][] = [];
  LINK_START.lastIndex = 0;
  for (let match = LINK_START.exec(text); match; match = LINK_START.exec(text)) {
    const start = match.index;
    const before = start === 0 ? (boundaryBefore ? ' ' : 'x') : text[start - 1];
    const link = LINK_BOUNDARY.test(before) ? matchWebLink(text, start, match[0]) : null;
    if (link) {
      webLinks.push([start, link]);
      LINK_START.lastIndex = start + link.text.length;
    }
  }
  let searchFrom = 0;
  for (const [start, link] of [...webLinks, [text.length, null] as const]) {
    for (const [emailStart, email] of findEmails(text, searchFrom, start)) push(emailStart, email);
    if (link) push(start, link);
    searchFrom = start + (link?.text.length ?? 0);
  }
  if (done < text.length) parts.push(text.slice(done));
  return parts;
}

/** A `www.` or `http(s)://` autolink starting at `start`, with GFM's trailing-character rules. */
function matchWebLink(text: string, start: number, prefix: string): Autolink | null {
  const www = prefix.toLowerCase() === 'www.';
  const hostStart = start + prefix.length;
  DOMAIN.lastIndex = hostStart;
  const domain = DOMAIN.exec(text);
  if (!domain) return null;
  // A valid domain: no underscore in its last two segments (`www.` counts as a segment).
  const segments = (www ? `www.${domain[0]}` : domain[0]).split('.');
  if (segments.slice(-2).some((segment) => segment.includes('_'))) return null;
  PATH.lastIndex = DOMAIN.lastIndex;
  PATH.exec(text);
  const end = trimTrailing(text, hostStart, Math.min(PATH.lastIndex, start + MAX_LENGTH));
  if (end <= hostStart) return null;
  const linkText = text.slice(start, end);
  return { text: linkText, href: www ? `http://${linkText}` : linkText };
}

/**
 * GFM's extended autolink path validation: trailing `?!.,:*_~` are punctuation, not URL; a
 * trailing `)` belongs to the URL only while it balances an opening one; a trailing `&name;`
 * is an entity reference.
 */
function trimTrailing(text: string, from: number, end: number): number {
  let opening = 0;
  let closing = 0;
  for (let i = from; i < end; i++) {
    if (text[i] === '(') opening++;
    else if (text[i] === ')') closing++;
  }
  for (;;) {
    const last = text[end - 1];
    if (end <= from) return end;
    if (last !== undefined && '?!.,:*_~\'"'.includes(last)) {
      end--;
    } else if (last === ')' && closing > opening) {
      end--;
      closing--;
    } else if (last === ';') {
      const entity = /&[A-Za-z0-9]+;$/.exec(text.slice(Math.max(from, end - 40), end));
      if (!entity) return end;
      end -= entity[0].length;
    } else {
      return end;
    }
  }
}

/** E-mail autolinks in `text` between `from` and `to`. */
function findEmails(text: string, from: number, to: number): [number, Autolink][] {
  const found: [number, Autolink][] = [];
  let at = text.indexOf('@', from);
  while (at !== -1 && at < to) {
    let start = at;
    while (start > from && EMAIL_LOCAL_CHAR.test(text[start - 1])) start--;
    EMAIL_DOMAIN.lastIndex = at + 1;
    const domain = EMAIL_DOMAIN.exec(text);
    let end = domain ? Math.min(EMAIL_DOMAIN.lastIndex, to) : at + 1;
    // A trailing period ends the sentence; an address may not end in `-` or `_`.
    while (end > at + 1 && text[end - 1] === '.') end--;
    const valid = domain && start < at && end > at + 1 && !/[-_]$/.test(text.slice(at + 1, end)) && text.slice(at + 1, end).includes('.');
    if (valid) {
      const address = text.slice(start, end);
      found.push([start, { text: address, href: `mailto:${address}` }]);
      at = text.indexOf('@', end);
    } else {
      at = text.indexOf('@', at + 1);
    }
  }
  return found;
}
