/**
 * Stop sequences: strings that end a generation as soon as the generated text contains one of
 * them. The text is cut just before the first occurrence, so the stop sequence itself is never
 * part of the result.
 *
 * Matching runs on decoded text, not on token ids: a stop sequence such as `"\n\n"` may be one
 * token, two tokens, or the middle of a token (`".\n\nThe"`), depending on the tokenizer.
 */

/** Earliest index at which any of `stops` occurs in `text`, or `-1`. */
export function firstStopIndex(text: string, stops: readonly string[]): number {
  let first = -1;
  for (const stop of stops) {
    const index = text.indexOf(stop);
    if (index >= 0 && (first < 0 || index < first)) first = index;
  }
  return first;
}

/** `text` cut just before the first occurrence of any of `stops` (unchanged when none occurs). */
export function cutAtStop(text: string, stops: readonly string[]): string {
  const index = firstStopIndex(text, stops);
  return index < 0 ? text : text.slice(0, index);
}

/**
 * Follows a streamed text and decides what may be shown. Text that could be the beginning of a
 * stop sequence is held back until the next pieces show whether it is one (OpenAI's API behaves
 * the same way), so a page never paints, then has to take back, the start of `"\n\n"` or
 * `"</answer>"`.
 */
export class StopSequenceMatcher {
  private pending = '';
  private emitted = '';
  private found = false;

  constructor(private readonly stops: readonly string[]) {}

  /** Whether a stop sequence has been seen (the generation should end now). */
  get matched(): boolean {
    return this.found;
  }

  /** Everything released so far. */
  get text(): string {
    return this.emitted;
  }

  /**
   * Adds the next piece of text; returns the part of the text that is now certainly not part of
   * a stop sequence (possibly `''`). After a match, returns the text before the stop sequence
   * and ignores further pieces.
   */
  push(piece: string): string {
    if (this.found) return '';
    this.pending += piece;
    const index = firstStopIndex(this.pending, this.stops);
    if (index >= 0) {
      this.found = true;
      return this.release(index);
    }
    // A stop sequence completed later would have to start inside the longest suffix of the
    // pending text that is a prefix of some stop sequence: keep that suffix, release the rest.
    return this.release(this.pending.length - this.heldLength());
  }

  /** Releases the text held back (the generation ended without completing a stop sequence). */
  flush(): string {
    return this.found ? '' : this.release(this.pending.length);
  }

  /** Length of the longest suffix of `pending` that is a proper prefix of a stop sequence. */
  private heldLength(): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, this.pending.length); length > longest; length--) {
        if (this.pending.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }

  private release(end: number): string {
    const out = this.pending.slice(0, end);
    this.pending = this.found ? '' : this.pending.slice(end);
    this.emitted += out;
    return out;
  }
}
