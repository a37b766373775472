/**
 * The streamer a generation hands transformers.js: turns each generated token id into the text it
 * adds (`IncrementalDecoder`), holds back text that may start a stop sequence
 * (`StopSequenceMatcher`), and passes every piece on at once. At the end it says why the
 * generation ended and what its text is.
 */
import { IncrementalDecoder } from './incremental-decoder.js';
import type { Tokenizer } from './model-loader.js';
import { StopSequenceMatcher, cutAtStop } from './stop-sequences.js';
import type { WorkerGenerationDone } from '../shared/protocol.js';

/** Token ids → text, special tokens skipped. */
function decoderFor(tokenizer: Tokenizer): (ids: readonly number[]) => string {
  // transformers.js 4.3.1 throws on an empty id list ("token_ids must be a non-empty array").
  return (ids) => (ids.length === 0 ? '' : tokenizer.decode(ids as number[], { skip_special_tokens: true }));
}

/** One generation's token stream (a transformers.js streamer: `put` / `end`). */
export class TokenStream {
  /** Every generated token id, in order (the end-of-sequence token included). */
  readonly generated: number[] = [];
  private readonly decode: (ids: readonly number[]) => string;
  private readonly decoder: IncrementalDecoder;
  private readonly specialIds: Set<number>;
  /** Only with stop sequences: holds back text that may start one. */
  private readonly matcher: StopSequenceMatcher | undefined;
  private sawPrompt = false;

  /**
   * @param budget The reply's token budget: after its last token nothing can complete a stop
   *   sequence any more, so held-back text is released with it.
   * @param onToken Called once per generated token with the text it adds (possibly `''`).
   */
  constructor(
    tokenizer: Tokenizer,
    private readonly stops: readonly string[],
    private readonly budget: number,
    private readonly onToken: (piece: string, tokenId: number) => void,
  ) {
    this.decode = decoderFor(tokenizer);
    this.decoder = new IncrementalDecoder(this.decode);
    this.specialIds = new Set(tokenizer.all_special_ids.map(Number));
    this.matcher = stops.length > 0 ? new StopSequenceMatcher([...stops]) : undefined;
  }

  /** Whether the text so far contains a stop sequence (a stopping criterion ends the generation on it). */
  get matched(): boolean {
    return this.matcher?.matched ?? false;
  }

  /** A new `generate()` call continues this stream (after a pre-emption): it hands over its prompt first again. */
  beginSlice(): void {
    this.sawPrompt = false;
  }

  /**
   * generate() hands the streamer the prompt once, then every new token before the stopping
   * criteria run. (TextStreamer would buffer whole words; this forwards each token at once.)
   */
  put(value: bigint[][]): void {
    if (!this.sawPrompt) {
      this.sawPrompt = true;
      return;
    }
    const id = Number(value[0][0]);
    this.generated.push(id);
    const matcher = this.matcher;
    if (this.specialIds.has(id)) {
      // End of sequence: text held back for a possible stop sequence was not one.
      const tail = matcher?.flush();
      if (tail) this.onToken(tail, id);
      return;
    }
    let piece = this.decoder.push(id);
    if (matcher) {
      piece = matcher.push(piece);
      if (this.generated.length >= this.budget) piece += matcher.flush();
    }
    this.onToken(piece, id);
  }

  end(): void {
    // Nothing to flush: every token was passed on in `put()`.
  }

  /**
   * Why the generation ended and its text. After a stop sequence: the text before it. After a
   * stop request: what the page was shown (text held back as a possible stop sequence is
   * dropped, never revealed after the fact).
   */
  finish(stopped: boolean, eosIds: ReadonlySet<number>): Pick<WorkerGenerationDone, 'text' | 'reason' | 'tokens'> {
    const last = this.generated.at(-1);
    const reason: WorkerGenerationDone['reason'] = this.matched
      ? 'stop'
      : stopped
        ? 'stopped'
        : last !== undefined && eosIds.has(last)
          ? 'eos'
          : 'length';
    const full = this.decode(this.generated);
    const text =
      reason === 'stop' ? cutAtStop(full, this.stops) : this.matcher && reason === 'stopped' ? this.matcher.text : full;
    return { text, reason, tokens: this.generated.length };
  }
}
