/**
 * One constrained generation: an XGrammar matcher that follows the reply token by token, and the
 * three hooks through which it steers transformers.js' `generate()`:
 *
 * 1. `prepare()`, awaited before each forward pass (`ModelHost` runs it beside the pass): computes
 *    the bitmask of the tokens the grammar allows next. XGrammar's `getNextTokenBitmask` is
 *    asynchronous, and transformers.js calls logits processors synchronously, so the mask is
 *    ready before the logits are.
 * 2. the logits processor: sets every token the mask forbids to −∞ (so greedy decoding and
 *    sampling alike pick an allowed one).
 * 3. the stopping criterion: runs right after each token is sampled, advances the matcher by that
 *    token, and ends the generation once the grammar is complete (its stop token accepted).
 *
 * Everything lives in this object, made per request and dropped after it: a constrained and a
 * free request on one model never see each other's masks (the worker runs one generation at a
 * time, and a free one has no processor at all).
 */
import type { LoadedModel } from '../model-loader.js';
import { applyBitmask } from './bitmask.js';
import type { GrammarLookup } from './grammar-compiler.js';
import type { GrammarMatcher } from './xgrammar-module.js';

type Lib = LoadedModel['lib'];
type Tensor = InstanceType<Lib['Tensor']>;

/** The grammar's state for one generation. */
export class GrammarConstraint {
  /** Time spent on masks and matching, in ms. */
  maskMs = 0;
  /** The allowed-token bitmask for the next step; `undefined` once it is stale. */
  private mask: Int32Array | undefined;
  /** A sampled token the grammar refused (cannot happen while its mask is applied). */
  private refused = false;

  private constructor(
    private readonly matcher: GrammarMatcher,
    private readonly stopTokenIds: readonly number[],
  ) {}

  /** A fresh matcher for a compiled grammar. */
  static async create(lookup: GrammarLookup, stopTokenIds: readonly number[]): Promise<GrammarConstraint> {
    const matcher = await lookup.runtime.guard(() => lookup.runtime.xgr.GrammarMatcher.createGrammarMatcher(lookup.grammar, [...stopTokenIds]));
    return new GrammarConstraint(matcher, stopTokenIds);
  }

  /** Whether the grammar is complete (its stop token was accepted). */
  get terminated(): boolean {
    return this.matcher.isTerminated();
  }

  /** Computes the mask for the next token, if not done yet. Call before each forward pass. */
  async prepare(): Promise<void> {
    if (this.mask || this.terminated) return;
    const started = performance.now();
    this.mask = await this.matcher.getNextTokenBitmask();
    this.maskMs += performance.now() - started;
  }

  /**
   * Whether the reply so far is a complete sentence of the grammar (a stop token is allowed
   * next): a reply cut by the token budget there is still valid.
   */
  async complete(): Promise<boolean> {
    if (this.terminated) return true;
    if (this.refused) return false;
    await this.prepare();
    const mask = this.mask!;
    return this.stopTokenIds.some((id) => (mask[id >> 5] & (1 << (id & 31))) !== 0);
  }

  /** Sets the logits of forbidden tokens to −∞ (every row of a `[batch, vocab]` tensor). */
  apply(logits: Tensor): void {
    const mask = this.mask;
    if (!mask) throw new Error('The grammar mask was not ready for this step.');
    const started = performance.now();
    const data = logits.data as Float32Array;
    const vocab = logits.dims.at(-1)!;
    for (let row = 0; row < data.length; row += vocab) applyBitmask(data, row, vocab, mask);
    this.maskMs += performance.now() - started;
  }

  /** Advances the grammar by the token just sampled; returns whether the generation should end. */
  accept(tokenId: number): boolean {
    const started = performance.now();
    this.mask = undefined;
    if (!this.matcher.acceptToken(tokenId)) this.refused = true;
    this.maskMs += performance.now() - started;
    return this.refused || this.terminated;
  }

  /** The logits processor and stopping criterion that connect this constraint to `generate()`. */
  hooks(lib: Lib): { processor: InstanceType<Lib['LogitsProcessor']>; criterion: InstanceType<Lib['StoppingCriteria']> } {
    const apply = (logits: Tensor) => this.apply(logits);
    const accept = (tokenId: number) => this.accept(tokenId);
    class GrammarLogitsProcessor extends lib.LogitsProcessor {
      override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
        apply(logits);
        return logits;
      }
    }
    class GrammarStoppingCriteria extends lib.StoppingCriteria {
      // Typed `number[][]` upstream; the ids are `bigint`s at run time.
      override _call(inputIds: number[][]): boolean[] {
        return inputIds.map((ids) => accept(Number(ids.at(-1))));
      }
    }
    return { processor: new GrammarLogitsProcessor(), criterion: new GrammarStoppingCriteria() };
  }

  private disposed = false;

  /** Frees the matcher (once; later calls do nothing). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.matcher.dispose();
  }
}
