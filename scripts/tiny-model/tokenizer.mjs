/**
 * @file A byte-level BPE tokenizer with no merges, in the Hugging Face `tokenizer.json` format.
 *
 * Token id `b` (0–255) is the byte `b`, spelled with GPT-2's bytes-to-unicode alphabet, so every
 * UTF-8 string encodes to one token per byte and decodes back exactly. Special tokens follow at
 * 256+. Without merges the BPE model never joins symbols, which is what we want: the vocabulary
 * stays 259 entries and the embedding/LM-head matrices stay tiny.
 */

import { dialect } from './dialects.mjs';

/** Special tokens of the default (ChatML) dialect, in id order after the 256 byte tokens. Other dialects: `dialects.mjs`. */
export const SPECIAL_TOKENS = Object.freeze(['<|endoftext|>', '<|im_start|>', '<|im_end|>']);

/** Ids of the special tokens. */
export const TOKEN_IDS = Object.freeze({
  endoftext: 256,
  im_start: 257,
  im_end: 258,
});

/** Vocabulary size: 256 bytes + the special tokens. */
export const VOCAB_SIZE = 256 + SPECIAL_TOKENS.length;

/** ChatML, the default dialect's template (see `dialects.mjs`). */
export const CHAT_TEMPLATE = dialect('chatml').template;

/**
 * GPT-2's reversible byte → printable-character table. Bytes that are already printable Latin-1
 * characters map to themselves; the others (controls, space, some Latin-1) are shifted to
 * U+0100 and up, so no token string contains whitespace or control characters.
 * @returns {string[]} Character for each byte value 0–255.
 */
export function bytesToUnicode() {
  /** @type {number[]} */
  const printable = [];
  const ranges = [
    [0x21, 0x7e], // '!'..'~'
    [0xa1, 0xac], // '¡'..'¬'
    [0xae, 0xff], // '®'..'ÿ'
  ];
  for (const [lo, hi] of ranges) for (let b = lo; b <= hi; b++) printable.push(b);
  const table = new Array(256);
  for (const b of printable) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  }
  return table;
}

/** ByteLevel component options shared by the pre-tokenizer, post-processor and decoder. */
const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };

/**
 * Builds the `tokenizer.json` object.
 * @param {string} [dialectName] See `dialects.mjs`.
 * @returns {object}
 */
export function buildTokenizerJson(dialectName = 'chatml') {
  const d = dialect(dialectName);
  const table = bytesToUnicode();
  /** @type {Record<string, number>} */
  const vocab = {};
  for (let b = 0; b < 256; b++) vocab[table[b]] = b;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: d.tokens.map((content, i) => ({
      id: 256 + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      // Not normalized: matched verbatim in the input. Special ones are skipped by
      // `decode(..., { skip_special_tokens: true })`; added ones (Qwen's `<tool_call>`) are text.
      normalized: false,
      special: i < d.special.length,
    })),
    // No normalizer: NFC or similar would break exact round-trips of arbitrary text.
    normalizer: null,
    pre_tokenizer: BYTE_LEVEL,
    post_processor: BYTE_LEVEL,
    decoder: BYTE_LEVEL,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}

/**
 * Builds `tokenizer_config.json`.
 * @param {number} modelMaxLength Maximum context length to advertise.
 * @param {string} [dialectName] See `dialects.mjs`.
 * @returns {object}
 */
export function buildTokenizerConfig(modelMaxLength, dialectName = 'chatml') {
  const d = dialect(dialectName);
  /** @type {Record<string, object>} */
  const addedTokensDecoder = {};
  d.tokens.forEach((content, i) => {
    addedTokensDecoder[String(256 + i)] = {
      content,
      lstrip: false,
      normalized: false,
      rstrip: false,
      single_word: false,
      special: i < d.special.length,
    };
  });
  return {
    add_bos_token: false,
    add_eos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    additional_special_tokens: d.additional ?? [],
    bos_token: d.bos,
    chat_template: d.template,
    // Must be false: the default (true) would turn " ." into "." when decoding.
    clean_up_tokenization_spaces: false,
    eos_token: d.eos,
    errors: 'replace',
    model_max_length: modelMaxLength,
    pad_token: d.pad,
    split_special_tokens: false,
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: null,
  };
}

/**
 * Relative frequency (percent) of letters in English text; used to make random output look a
 * little like words instead of uniform letter soup.
 */
// prettier-ignore
const LETTER_FREQ = {
  e: 12.7, t: 9.1, a: 8.2, o: 7.5, i: 7.0, n: 6.7, s: 6.3, h: 6.1, r: 6.0, d: 4.3, l: 4.0, c: 2.8,
  u: 2.8, m: 2.4, w: 2.4, f: 2.2, g: 2.0, y: 2.0, p: 1.9, b: 1.5, v: 1.0, k: 0.8, j: 0.2, x: 0.2,
  q: 0.1, z: 0.1,
};

/**
 * Output-projection bias that steers a random model towards readable text: lowercase letters by
 * English frequency, then space, a few capitals and punctuation; other bytes (controls, bytes
 * ≥ 0x80 that would form invalid UTF-8 and decode as U+FFFD) and special tokens are pushed far
 * down. The values were tuned together with the weight scale in `llama-graph.mjs`.
 * @param {object} [options]
 * @param {number} [options.eosBias] Bias for `<|im_end|>`; raise it to make early stops likely.
 * @param {number} [options.space] Bias for the space character (word length).
 * @param {number} [options.letters] Offset added to every lowercase letter.
 * @param {number} [options.other] Bias for printable ASCII not listed explicitly (digits, symbols).
 * @param {string} [options.dialect] See `dialects.mjs`: its vocabulary size and end-of-reply token.
 * @returns {Float32Array} One bias per token id.
 */
export function readableTokenBias({ eosBias = -12, space = 4, letters = 3, other = -6, dialect: dialectName = 'chatml' } = {}) {
  const d = dialect(dialectName);
  const bias = new Float32Array(d.vocabSize).fill(-12);
  for (let b = 0x20; b <= 0x7e; b++) bias[b] = other; // digits, symbols: possible, rare
  for (const [ch, freq] of Object.entries(LETTER_FREQ)) {
    // log-frequency keeps the ratio between letters meaningful but bounded (e ≈ +1.2, z ≈ -3.7
    // before the offset).
    bias[ch.charCodeAt(0)] = Math.log(freq / 4) + letters;
    bias[ch.toUpperCase().charCodeAt(0)] = Math.log(freq / 4) * 0.5 + letters - 4;
  }
  bias[0x20] = space; // space: word breaks
  for (const ch of ',.') bias[ch.charCodeAt(0)] = letters - 1;
  for (const ch of "!?'-") bias[ch.charCodeAt(0)] = letters - 2;
  bias[0x0a] = other; // newline: rare
  bias[d.id(d.eos)] = eosBias;
  return bias;
}
