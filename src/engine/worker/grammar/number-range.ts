/**
 * The grammar of a JSON number within bounds, written as an EBNF expression for XGrammar.
 *
 * Why our own: XGrammar 0.1.27's bounded `type: "number"` grammar accepts values outside the
 * bounds (`minimum: 2.5` accepts `1`, `maximum: 10` accepts `10.5`, `exclusiveMinimum: 0` accepts
 * `0`: found by checking every candidate in −25…25 with up to six decimals against each schema).
 * Its bounded integers are right, and are left to it.
 *
 * The numbers this grammar produces have at most `FRACTION_DIGITS` decimals and
 * `MAX_INTEGER_DIGITS` integer digits, and no exponent: a bound cannot be padded past, and the
 * values are what a form or a program expects. Bounds are compared exactly, as integers scaled by
 * 10⁶ (`BigInt`), never as floating-point numbers.
 */

/** Decimals a bounded number may have (as XGrammar's own bounded numbers). */
export const FRACTION_DIGITS = 6;
/** Integer digits a number may have when it has no upper bound: beyond 15, JSON numbers lose precision in JavaScript anyway. */
export const MAX_INTEGER_DIGITS = 15;

const SCALE = 10n ** BigInt(FRACTION_DIGITS);
const LIMIT = 10n ** BigInt(MAX_INTEGER_DIGITS) * SCALE;

/** The bounds of a JSON Schema number, as they appear in the schema (any may be absent). */
export interface NumberBounds {
  minimum?: number | undefined;
  maximum?: number | undefined;
  exclusiveMinimum?: number | undefined;
  exclusiveMaximum?: number | undefined;
}

/** A closed range of numbers scaled by 10⁶ (`null`: unbounded on that side). */
interface ScaledRange {
  lo: bigint | null;
  hi: bigint | null;
}

/** `x × 10⁶`, rounded down or up to an integer; `null` beyond what a 15-digit number reaches. */
function scaled(x: number, round: 'floor' | 'ceil'): bigint | null {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e15) return null;
  // toFixed gives the exact decimal digits of the double up to the requested place: enough to
  // round the seventh and later decimals in the right direction.
  const [whole, fraction = ''] = Math.abs(x).toFixed(FRACTION_DIGITS + 3).split('.');
  const kept = BigInt(whole + fraction.slice(0, FRACTION_DIGITS));
  const dropped = /[1-9]/.test(fraction.slice(FRACTION_DIGITS));
  const magnitude = x < 0 ? -kept : kept;
  if (!dropped) return magnitude;
  // Truncation moved a positive value down and a negative one up.
  if (round === 'floor') return x < 0 ? magnitude - 1n : magnitude;
  return x < 0 ? magnitude : magnitude + 1n;
}

/** The range of scaled values the bounds allow, or `undefined` when they allow none. */
export function scaledRange(bounds: NumberBounds): ScaledRange | undefined {
  const los: bigint[] = [];
  const his: bigint[] = [];
  if (bounds.minimum !== undefined) {
    const v = scaled(bounds.minimum, 'ceil');
    if (v !== null) los.push(v);
    else if (bounds.minimum > 0) return undefined;
  }
  if (bounds.exclusiveMinimum !== undefined) {
    const v = scaled(bounds.exclusiveMinimum, 'floor');
    if (v !== null) los.push(v + 1n);
    else if (bounds.exclusiveMinimum > 0) return undefined;
  }
  if (bounds.maximum !== undefined) {
    const v = scaled(bounds.maximum, 'floor');
    if (v !== null) his.push(v);
    else if (bounds.maximum < 0) return undefined;
  }
  if (bounds.exclusiveMaximum !== undefined) {
    const v = scaled(bounds.exclusiveMaximum, 'ceil');
    if (v !== null) his.push(v - 1n);
    else if (bounds.exclusiveMaximum < 0) return undefined;
  }
  const lo = los.length ? los.reduce((a, b) => (a > b ? a : b)) : null;
  const hi = his.length ? his.reduce((a, b) => (a < b ? a : b)) : null;
  if (lo !== null && hi !== null && lo > hi) return undefined;
  return { lo, hi };
}

const literal = (text: string) => JSON.stringify(text);
const alternatives = (options: string[]) => (options.length === 1 ? options[0] : `(${options.join(' | ')})`);
const digitClass = (from: number, to: number) => (from === to ? literal(String(from)) : `[${from}-${to}]`);

/** Fixed-length digit strings `s` with `lo ≤ s ≤ hi` (equal lengths). */
function digitRange(lo: string, hi: string): string {
  if (lo.length === 0) return '""';
  if (lo === hi) return literal(lo);
  let common = 0;
  while (lo[common] === hi[common]) common++;
  const prefix = lo.slice(0, common);
  const a = Number(lo[common]);
  const b = Number(hi[common]);
  const loRest = lo.slice(common + 1);
  const hiRest = hi.slice(common + 1);
  const rest = loRest.length;
  const any = rest > 0 ? ` [0-9]{${rest}}` : '';
  let body: string;
  if (/^0*$/.test(loRest) && /^9*$/.test(hiRest)) {
    body = `${digitClass(a, b)}${any}`;
  } else {
    const options = [`${literal(String(a))} ${digitRange(loRest, '9'.repeat(rest))}`];
    if (a + 1 <= b - 1) options.push(`${digitClass(a + 1, b - 1)}${any}`);
    options.push(`${literal(String(b))} ${digitRange('0'.repeat(rest), hiRest)}`);
    body = alternatives(options);
  }
  return prefix ? `${literal(prefix)} ${body}` : body;
}

/** Non-negative integers without leading zeros in `[lo, hi]` (`hi` `null`: up to `MAX_INTEGER_DIGITS` digits). */
function unsignedRange(lo: bigint, hi: bigint | null): string {
  const options: string[] = [];
  const loDigits = lo.toString().length;
  const hiDigits = hi === null ? MAX_INTEGER_DIGITS : hi.toString().length;
  for (let length = loDigits; length <= hiDigits; length++) {
    const smallest = length === 1 ? 0n : 10n ** BigInt(length - 1);
    const largest = 10n ** BigInt(length) - 1n;
    if (hi === null && length > loDigits) {
      // Every longer number, at once: a first digit, then any digits.
      options.push(`[1-9] [0-9]{${length - 1},${MAX_INTEGER_DIGITS - 1}}`);
      break;
    }
    const from = lo > smallest ? lo : smallest;
    const to = hi !== null && hi < largest ? hi : largest;
    if (from > to) continue;
    options.push(digitRange(from.toString().padStart(length, '0'), to.toString().padStart(length, '0')));
  }
  return alternatives(options);
}

/**
 * Digit strings of up to `lo.length` digits that, padded with zeros to that length, lie in
 * `[lo, hi]`: the decimals after the point. The empty string is one of them when `lo` is all
 * zeros; `nonEmpty` leaves it out.
 */
function truncatableRange(lo: string, hi: string, nonEmpty = false): string[] {
  const length = lo.length;
  const options: string[] = [];
  if (length === 0) return nonEmpty ? [] : ['""'];
  if (!nonEmpty && /^0*$/.test(lo)) options.push('""');
  const a = Number(lo[0]);
  const b = Number(hi[0]);
  const rest = length - 1;
  const tail = (l: string, h: string) => alternatives(truncatableRange(l, h));
  const anyTail = rest > 0 ? ` [0-9]{0,${rest}}` : '';
  if (a === b) {
    options.push(`${literal(String(a))} ${tail(lo.slice(1), hi.slice(1))}`);
  } else if (/^0*$/.test(lo.slice(1)) && /^9*$/.test(hi.slice(1))) {
    options.push(`${digitClass(a, b)}${anyTail}`);
  } else {
    options.push(`${literal(String(a))} ${tail(lo.slice(1), '9'.repeat(rest))}`);
    if (a + 1 <= b - 1) options.push(`${digitClass(a + 1, b - 1)}${anyTail}`);
    options.push(`${literal(String(b))} ${tail('0'.repeat(rest), hi.slice(1))}`);
  }
  return options;
}

/** An optional fraction whose decimals (padded to six) lie in `[lo, hi]` (scaled fractions). */
function fraction(lo: bigint, hi: bigint): string {
  const l = lo.toString().padStart(FRACTION_DIGITS, '0');
  const h = hi.toString().padStart(FRACTION_DIGITS, '0');
  const dotted = `"." ${alternatives(truncatableRange(l, h, true))}`;
  return lo === 0n ? `(${dotted})?` : dotted;
}

/** Non-negative numbers (scaled) in `[lo, hi]`, `hi` `null` for no upper bound. */
function unsignedNumbers(lo: bigint, hi: bigint | null): string {
  const top = SCALE - 1n;
  const li = lo / SCALE;
  const lf = lo % SCALE;
  if (hi !== null && hi / SCALE === li) return `${literal(li.toString())} ${fraction(lf, hi % SCALE)}`;
  const options = [`${literal(li.toString())} ${fraction(lf, top)}`];
  const hiInteger = hi === null ? null : hi / SCALE;
  if (hiInteger === null || li + 1n <= hiInteger - 1n) {
    options.push(`${unsignedRange(li + 1n, hiInteger === null ? null : hiInteger - 1n)} ${fraction(0n, top)}`);
  }
  if (hi !== null) options.push(`${literal(hiInteger!.toString())} ${fraction(0n, hi % SCALE)}`);
  return alternatives(options);
}

/**
 * An EBNF expression for the JSON numbers within `bounds`, or `undefined` when no number with
 * at most six decimals satisfies them.
 */
export function numberRangeGrammar(bounds: NumberBounds): string | undefined {
  const range = scaledRange(bounds);
  if (!range) return undefined;
  const lo = range.lo ?? -LIMIT + 1n;
  const hi = range.hi;
  const options: string[] = [];
  // Negative values: "-" and the magnitude (never "-0").
  if (lo < 0n) {
    const magnitudeLo = hi !== null && hi < 0n ? -hi : 1n;
    const magnitudeHi = range.lo === null ? null : -lo;
    options.push(`"-" ${unsignedNumbers(magnitudeLo, magnitudeHi)}`);
  }
  if (hi === null || hi >= 0n) options.push(unsignedNumbers(lo > 0n ? lo : 0n, hi));
  return alternatives(options);
}

/** `x` rounded to an integer (`BigInt`), `null` beyond 15 digits. */
function whole(x: number, round: 'floor' | 'ceil'): bigint | null {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e15) return null;
  return BigInt(round === 'floor' ? Math.floor(x) : Math.ceil(x));
}

/**
 * An EBNF expression for the JSON integers within `bounds` (at most 15 digits), or `undefined`
 * when none satisfies them. (XGrammar's own bounded integers are right; this one also bounds the
 * unbounded side, so a model cannot write digits until its token budget runs out.)
 */
export function integerRangeGrammar(bounds: NumberBounds): string | undefined {
  const los: bigint[] = [];
  const his: bigint[] = [];
  const limit = 10n ** BigInt(MAX_INTEGER_DIGITS) - 1n;
  const add = (list: bigint[], value: number | undefined, round: 'floor' | 'ceil', shift: bigint, beyond: boolean) => {
    if (value === undefined) return true;
    const v = whole(value, round);
    if (v !== null) list.push(v + shift);
    return v !== null || !beyond;
  };
  const ok =
    add(los, bounds.minimum, 'ceil', 0n, (bounds.minimum ?? 0) > 0) &&
    add(los, bounds.exclusiveMinimum, 'floor', 1n, (bounds.exclusiveMinimum ?? 0) > 0) &&
    add(his, bounds.maximum, 'floor', 0n, (bounds.maximum ?? 0) < 0) &&
    add(his, bounds.exclusiveMaximum, 'ceil', -1n, (bounds.exclusiveMaximum ?? 0) < 0);
  if (!ok) return undefined;
  const lo = los.length ? los.reduce((a, b) => (a > b ? a : b)) : -limit;
  const hi = his.length ? his.reduce((a, b) => (a < b ? a : b)) : limit;
  if (lo > hi) return undefined;
  const options: string[] = [];
  if (lo < 0n) options.push(`"-" ${unsignedRange(hi < 0n ? -hi : 1n, -lo)}`);
  if (hi >= 0n) options.push(unsignedRange(lo > 0n ? lo : 0n, hi));
  return alternatives(options);
}
