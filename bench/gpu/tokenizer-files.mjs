#!/usr/bin/env node
/**
 * Writes the tokenizer files and the readable-token logit bias that `make_models.py` puts into
 * every GPU benchmark model, from the same source as the tiny test model
 * (`scripts/tiny-model/tokenizer.mjs`), so there is one tokenizer in the repository.
 *
 *   node bench/gpu/tokenizer-files.mjs <out-dir>
 *
 * Writes `<out-dir>/{tokenizer.json, tokenizer_config.json, tokens.json}`; `tokens.json` holds the
 * special token ids and one logit bias per tokenizer token (the generator pads it to the model's
 * vocabulary with a large negative value, so generated ids always decode).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  TOKEN_IDS,
  VOCAB_SIZE,
  buildTokenizerConfig,
  buildTokenizerJson,
  readableTokenBias,
} from '../../scripts/tiny-model/tokenizer.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node bench/gpu/tokenizer-files.mjs <out-dir>');
await mkdir(out, { recursive: true });
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
await writeFile(join(out, 'tokenizer.json'), json(buildTokenizerJson()));
// The context the benchmark models advertise; make_models.py uses the same number for its rotary tables.
await writeFile(join(out, 'tokenizer_config.json'), json(buildTokenizerConfig(8192)));
await writeFile(
  join(out, 'tokens.json'),
  json({ ids: TOKEN_IDS, vocabSize: VOCAB_SIZE, bias: Array.from(readableTokenBias({ eosBias: -12 })) }),
);
console.log(`tokenizer files in ${out}`);
