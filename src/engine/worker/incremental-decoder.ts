/**
 * Turns a stream of token ids into text deltas, one per token, at constant cost per token.
 *
 * Decoding each token on its own is wrong: byte-level tokenizers split one character over several
 * tokens, and SentencePiece decoders drop the leading space of a sequence's first piece. Decoding
 * the whole sequence every step is right but grows with the reply. This keeps a short window of
 * already-emitted tokens as context and emits the difference — the scheme vLLM's incremental
 * detokenizer uses (`prefix_offset` / `read_offset`).
 */

/** Decodes token ids to text (special tokens skipped). */
export type DecodeFn = (ids: readonly number[]) => string;

/** Stateful per-generation decoder. */
export class IncrementalDecoder {
  private readonly ids: number[] = [];
  /** Start of the context window: tokens before it never influence new text again. */
  private prefixOffset = 0;
  /** Tokens before this index have been emitted as text. */
  private readOffset = 0;
  private emitted = '';

  constructor(private readonly decode: DecodeFn) {}

  /** The full text emitted so far. */
  get text(): string {
    return this.emitted;
  }

  /**
   * Adds one token and returns the text it completes. Returns `''` while a multi-byte character
   * is incomplete (the decoder then yields U+FFFD); the text arrives with a later token.
   */
  push(id: number): string {
    this.ids.push(id);
    const prefixText = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const fullText = this.decode(this.ids.slice(this.prefixOffset));
    if (fullText.length <= prefixText.length || fullText.endsWith('\uFFFD')) return '';
    const delta = fullText.slice(prefixText.length);
    this.prefixOffset = this.readOffset;
    this.readOffset = this.ids.length;
    this.emitted += delta;
    return delta;
  }
}
