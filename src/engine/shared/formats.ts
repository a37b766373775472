/**
 * Regular expressions for dates and times that only match real values (no 31 February; 29
 * February never, so any year will do; seconds 00–59), shared by the worker (which narrows
 * `format: "date"` to them: `schema-preflight.ts`) and `<slm-fill>` (which bounds a date input's
 * year by its `min` and `max`).
 */

/** `MM-DD` of a real day of any year. */
export const MONTH_DAY =
  '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))';

/** `YYYY-MM-DD`, a real day (years 0000–9999). */
export const DATE = `[0-9]{4}-${MONTH_DAY}`;

/** `HH:MM:SS`, optional fraction, then `Z` or an offset (RFC 3339 `full-time`, no leap second). */
export const TIME = '(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,3})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])';

/** A regular expression for the whole numbers `from`…`to` written with exactly `digits` digits (zero-padded). */
export function digitRangePattern(from: number, to: number, digits: number): string {
  if (digits === 0) return '';
  const lo = String(from).padStart(digits, '0');
  const hi = String(to).padStart(digits, '0');
  if (lo === hi) return lo;
  let common = 0;
  while (lo[common] === hi[common]) common++;
  const prefix = lo.slice(0, common);
  const rest = digits - common - 1;
  const a = Number(lo[common]);
  const b = Number(hi[common]);
  const any = rest > 0 ? `[0-9]{${rest}}` : '';
  const loRest = lo.slice(common + 1);
  const hiRest = hi.slice(common + 1);
  if (/^0*$/.test(loRest) && /^9*$/.test(hiRest)) return `${prefix}[${a}-${b}]${any}`;
  const options = [`${a}${digitRangePattern(Number(loRest || 0), 10 ** rest - 1, rest)}`];
  if (a + 1 <= b - 1) options.push(`[${a + 1}-${b - 1}]${any}`);
  options.push(`${b}${digitRangePattern(0, Number(hiRest || 0), rest)}`);
  return `${prefix}(?:${options.join('|')})`;
}
