/**
 * What XGrammar needs to know about a model's tokenizer, read from the transformers.js tokenizer:
 * the vocabulary as token strings by id, how those strings encode bytes (`vocabType`), whether
 * the tokenizer prepends a space, and which tokens end a generation.
 *
 * The detection follows XGrammar's own `TokenizerInfo.from_huggingface` (its C++
 * `HFTokenizerAnalyzer`): a `ByteLevel` decoder means GPT-2's byte-to-unicode alphabet
 * (`byte_level`: Llama 3, Qwen, SmolLM and our tiny byte-level models); a `ByteFallback` step means
 * `<0x0A>`-style byte tokens (`byte_fallback`: Llama 2, Phi-3); anything else is `raw`. A
 * `Metaspace` pre-tokenizer with `prepend_scheme` `always`/`first`, or a `Prepend "▁"`
 * normaliser, means a space is prepended.
 */
import type { Tokenizer } from '../model-loader.js';

/** How the strings of a vocabulary encode bytes (XGrammar's `VocabType`). */
export type VocabType = 'raw' | 'byte_fallback' | 'byte_level';

/** Everything `TokenizerInfo.createTokenizerInfo` takes. */
export interface TokenizerDescription {
  /** Token strings by id; `''` for special tokens that may never be generated inside a grammar. */
  vocab: string[];
  vocabType: VocabType;
  prependSpace: boolean;
  /** The size of the model's logits (may exceed the tokenizer's vocabulary: padding). */
  vocabSize: number;
  /** Tokens that end a generation (the model's end-of-sequence ids). */
  stopTokenIds: number[];
}

type Json = Record<string, unknown>;

/** The types of a component and of its nested `Sequence` steps (`decoders`, `normalizers`, ...). */
function componentTypes(component: unknown, listKey: string): Json[] {
  if (!component || typeof component !== 'object') return [];
  const node = component as Json;
  if (node.type === 'Sequence' && Array.isArray(node[listKey])) return (node[listKey] as unknown[]).flatMap((c) => componentTypes(c, listKey));
  return [node];
}

/** Detects the vocabulary type and prefix space from `tokenizer.json` (see the module comment). */
export function detectVocabType(tokenizerJson: Json): { vocabType: VocabType; prependSpace: boolean } {
  const decoders = componentTypes(tokenizerJson.decoder, 'decoders').map((d) => d.type);
  const vocabType: VocabType = decoders.includes('ByteLevel') ? 'byte_level' : decoders.includes('ByteFallback') ? 'byte_fallback' : 'raw';
  const preTokenizers = componentTypes(tokenizerJson.pre_tokenizer, 'pretokenizers');
  const normalizers = componentTypes(tokenizerJson.normalizer, 'normalizers');
  const prependSpace =
    preTokenizers.some((p) => p.type === 'Metaspace' && (p.prepend_scheme === 'always' || p.prepend_scheme === 'first')) ||
    normalizers.some((n) => n.type === 'Prepend' && n.prepend === '▁');
  return { vocabType, prependSpace };
}

/**
 * Describes a loaded tokenizer for XGrammar. Special tokens (control tokens such as
 * `<|im_start|>`) are given as `''`, which XGrammar treats as never allowed: otherwise their
 * text would match inside a JSON string, and the decoded reply (special tokens skipped) would
 * not be the text the grammar accepted. Stop tokens are allowed where the grammar may end.
 */
export function describeTokenizer(tokenizer: Tokenizer, vocabSize: number, stopTokenIds: number[]): TokenizerDescription {
  const internals = tokenizer as unknown as { _tokenizerJSON?: Json; get_vocab(): Map<string, number> | Record<string, number> };
  const entries = internals.get_vocab();
  const pairs: [string, number][] = entries instanceof Map ? [...entries] : Object.entries(entries);
  const size = Math.max(vocabSize, ...pairs.map(([, id]) => id + 1));
  const vocab: string[] = new Array<string>(size).fill('');
  const special = new Set(tokenizer.all_special_ids.map(Number));
  for (const [token, id] of pairs) if (!special.has(id)) vocab[id] = token;
  // Stop tokens keep their text: XGrammar recognises them by id (`stopTokenIds`).
  for (const id of stopTokenIds) {
    const token = pairs.find(([, i]) => i === id)?.[0];
    if (token !== undefined) vocab[id] = token;
  }
  return { vocab, ...detectVocabType(internals._tokenizerJSON ?? {}), vocabSize: size, stopTokenIds };
}
