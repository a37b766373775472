/**
 * Link validation for rendered model output.
 *
 * Model output is untrusted input: a prompt-injected page can make a model write
 * `[click me](javascript:…)`. Chat widgets have shipped XSS exactly this way (NOTES.md §4), so a
 * URL becomes an `href` only when it parses as an absolute `http:`, `https:` or `mailto:` URL.
 * Everything else — other schemes, relative URLs, and anything with whitespace or control
 * characters that could hide a scheme from a naive check — is rejected and shown as text.
 */

/** The only schemes a rendered link may use. */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * Whitespace, C0/C1 controls and invisible formatting characters. The URL parser silently strips
 * some of these (tab, newline) and trims others, which is how `jav&#x09;ascript:` style tricks
 * work against string checks; we refuse such URLs outright instead of reasoning about what the
 * parser will make of them. (The parser percent-encodes these in link destinations, so a
 * destination that still contains one did not come from it.)
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this catches.
const SUSPICIOUS_CHARACTERS = /[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/;

/** The parsed URL when `url` is safe to link to (see `safeHref`), else null. */
function parseSafe(url: string): URL | null {
  if (url === '' || SUSPICIOUS_CHARACTERS.test(url)) return null;
  let parsed: URL;
  try {
    // No base: relative URLs throw.
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!ALLOWED_PROTOCOLS.has(parsed.protocol)) return null;
  if (parsed.protocol !== 'mailto:' && parsed.hostname === '') return null;
  return parsed;
}

/**
 * Returns the normalised `href` for `url` if it is safe to link to, otherwise `null`.
 *
 * Safe means: no whitespace or control characters, parses with `new URL(url)` without a base
 * (so relative URLs fail), and the scheme is `http:`, `https:` or `mailto:`; web URLs must also
 * have a host. The returned string is the parser's serialisation, never the raw input.
 */
export function safeHref(url: string): string | null {
  return parseSafe(url)?.href ?? null;
}

/**
 * Whether `url` (a destination the markdown parser already percent-encoded) may become an
 * `href` as it is. The renderer keeps the parser's string so that the attribute reads as
 * CommonMark says; the browser resolves that absolute URL exactly as `new URL(url)` did here.
 */
export function isSafeHref(url: string): boolean {
  return parseSafe(url) !== null;
}

/** Whether `href` is a web URL (used for images, which never link to `mailto:`). */
export function isWebUrl(href: string): boolean {
  return /^https?:/i.test(href);
}
