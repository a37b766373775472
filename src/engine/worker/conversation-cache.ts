/**
 * Per-conversation KV caches kept in the worker between turns, and the rules for reusing them.
 *
 * A chat's next turn repeats the whole history in its prompt. When the model still holds the
 * keys and values (the "KV cache", transformers.js `DynamicCache`) of the previous turn, only the
 * new tail of the prompt needs processing, which is what makes follow-up turns fast (community
 * measurements: about 75% lower time to first token).
 *
 * transformers.js does not check that a cache belongs to the prompt it is given: it simply skips
 * as many prompt tokens as the cache holds (`decoder_prepare_inputs_for_generation`). So the
 * engine records the exact token ids each cache covers and compares them with the new prompt
 * itself (`planCacheReuse`).
 *
 * This module is pure (no transformers.js import) so it can be unit-tested on its own; the
 * worker's `ModelHost` supplies the real caches, and `kv-cache.ts` beside it does the tensor work.
 */

/** Anything that holds memory until disposed (a transformers.js `DynamicCache`). */
export interface DisposableCache {
  /** Frees the cache's memory (GPU buffers; CPU tensors are left to garbage collection). */
  dispose(): Promise<void> | void;
}

/** A conversation's cache and the token ids it covers. */
export interface CachedConversation<C extends DisposableCache> {
  cache: C;
  /** The token ids whose keys and values the cache holds, in order. */
  ids: readonly number[];
  /** Memory the cache holds, in bytes (what the store's budget counts). */
  bytes: number;
}

/** Bounds on what a `ConversationCacheStore` keeps; least recently used caches go first. */
export interface ConversationCacheLimits {
  /** How many conversations keep a cache at most. */
  maxConversations: number;
  /**
   * Total bytes of all kept caches. The most recently used cache is kept even when it alone is
   * larger: its memory was needed for the generation that just ran anyway.
   */
  maxBytes: number;
}

/**
 * Default bounds. A KV cache costs `2 × layers × kv-heads × head-dim × bytes-per-value` per
 * token: about 80 KB per token for SmolLM2-360M in fp32 (32 layers, 5 KV heads of 64), so 512 MiB
 * holds roughly 6,500 tokens of history across all conversations of such a model.
 */
export const DEFAULT_CONVERSATION_CACHE_LIMITS: Readonly<ConversationCacheLimits> = {
  maxConversations: 8,
  maxBytes: 512 * 1024 * 1024,
};

/** Length of the longest common prefix of two token id lists. */
export function longestCommonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** What to do with a conversation's cache before generating from `prompt`. */
export type CacheReusePlan =
  /** No cache: process the whole prompt. */
  | { action: 'none'; cachedTokens: 0 }
  /** The cache covers a proper prefix of the prompt: pass it as it is. */
  | { action: 'reuse'; cachedTokens: number }
  /** Keep only the cache's first `cachedTokens` positions, then pass it. */
  | { action: 'crop'; cachedTokens: number }
  /** Nothing (worth) keeping: dispose the cache and process the whole prompt. */
  | { action: 'rebuild'; cachedTokens: 0 };

/**
 * Decides how a cache covering `cached` can serve a generation from `prompt`.
 *
 * At least one prompt token is always left unprocessed: the model must run on it to produce the
 * logits of the first new token, and transformers.js 4.3.1 treats a cache as long as the prompt
 * as if the prompt held only unprocessed tokens (`decoder_prepare_inputs_for_generation`, case 3),
 * which would feed the whole prompt again on top of the cache. So a prompt equal to the cached ids
 * (a "regenerate") crops one token.
 *
 * @param cached Token ids the cache covers (undefined: no cache).
 * @param prompt Token ids of the new prompt.
 * @param canCrop Whether the cache can be cut to a shorter prefix (CPU tensors only).
 */
export function planCacheReuse(
  cached: readonly number[] | undefined,
  prompt: readonly number[],
  canCrop: boolean,
): CacheReusePlan {
  if (!cached || cached.length === 0) return { action: 'none', cachedTokens: 0 };
  const usable = Math.min(longestCommonPrefix(cached, prompt), prompt.length - 1);
  if (usable === cached.length) return { action: 'reuse', cachedTokens: usable };
  if (canCrop && usable > 0) return { action: 'crop', cachedTokens: usable };
  return { action: 'rebuild', cachedTokens: 0 };
}

/**
 * Exclusive use of one conversation's cache by one generation, from `checkOut` to `checkIn`.
 * While a lease is out, the cache is not in the store, so no other generation can touch it.
 */
export interface CacheLease<C extends DisposableCache> {
  readonly conversationId: string;
  /** The cache as the previous turn left it; the lease holder now owns it. */
  readonly entry: CachedConversation<C> | undefined;
  /** @internal Which checkout this is (a later checkout of the same conversation supersedes it). */
  readonly serial: number;
  /** @internal The conversation's release count when the generation was queued. */
  readonly ticket: number;
}

interface ConversationState {
  /** How often the conversation was released (bumped by `release`). */
  releases: number;
  /** Serial number of the latest checkout. */
  serial: number;
}

/**
 * The caches of all conversations, bounded by `ConversationCacheLimits` (LRU eviction), with
 * exclusive checkout so that two generations never use one cache at once.
 *
 * Every cache that leaves the store for good (evicted, released, superseded, replaced) is
 * disposed: WebGPU buffers are not garbage-collected (leaks reported in transformers.js #1734,
 * #1739).
 */
export class ConversationCacheStore<C extends DisposableCache> {
  /** Kept caches; `Map` iteration order is insertion order, so the first entry is the least recently used. */
  private readonly entries = new Map<string, CachedConversation<C>>();
  private readonly states = new Map<string, ConversationState>();
  private readonly limits: ConversationCacheLimits;

  constructor(limits: Partial<ConversationCacheLimits> = {}) {
    this.limits = { ...DEFAULT_CONVERSATION_CACHE_LIMITS, ...limits };
  }

  /** Number of conversations with a kept cache (leased ones not included). */
  get size(): number {
    return this.entries.size;
  }

  /** Total bytes of the kept caches. */
  get bytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.bytes;
    return total;
  }

  /** Whether a cache is kept for `conversationId` (not counting one that is leased out). */
  has(conversationId: string): boolean {
    return this.entries.has(conversationId);
  }

  /**
   * A ticket to take when a generation is queued: a `release` after it makes that generation's
   * lease void, so a reply still queued or running when its conversation was cleared does not
   * bring a cache back.
   */
  ticket(conversationId: string): number {
    return this.state(conversationId).releases;
  }

  /** Takes the conversation's cache out of the store for one generation. */
  checkOut(conversationId: string, ticket: number): CacheLease<C> {
    const state = this.state(conversationId);
    state.serial++;
    const valid = ticket === state.releases;
    const entry = valid ? this.entries.get(conversationId) : undefined;
    if (entry) this.entries.delete(conversationId);
    return { conversationId, entry, serial: state.serial, ticket };
  }

  /**
   * Ends a lease. `entry` (the cache the generation left, or `null` when it was dropped) is kept
   * as the conversation's most recently used cache, unless the conversation was released or
   * checked out again meanwhile; then it is disposed. Evicts least recently used caches beyond
   * the limits. The lease holder disposes anything else it took and did not hand back.
   */
  async checkIn(lease: CacheLease<C>, entry: CachedConversation<C> | null): Promise<void> {
    if (!entry) return;
    const state = this.state(lease.conversationId);
    if (lease.serial !== state.serial || lease.ticket !== state.releases) {
      await disposeQuietly(entry.cache);
      return;
    }
    const previous = this.entries.get(lease.conversationId);
    this.entries.delete(lease.conversationId);
    if (previous && previous.cache !== entry.cache) await disposeQuietly(previous.cache);
    this.entries.set(lease.conversationId, entry);
    await this.evict(lease.conversationId);
  }

  /** Disposes the conversation's cache; a generation of it that is queued or running keeps none. */
  async release(conversationId: string): Promise<void> {
    const state = this.states.get(conversationId);
    if (!state) return;
    state.releases++;
    const entry = this.entries.get(conversationId);
    this.entries.delete(conversationId);
    if (entry) await disposeQuietly(entry.cache);
  }

  /** Disposes every kept cache. */
  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const state of this.states.values()) state.releases++;
    await Promise.all(all.map((entry) => disposeQuietly(entry.cache)));
  }

  private state(conversationId: string): ConversationState {
    let state = this.states.get(conversationId);
    if (!state) {
      state = { releases: 0, serial: 0 };
      this.states.set(conversationId, state);
    }
    return state;
  }

  /** Drops least recently used caches until the limits hold, never the one just used. */
  private async evict(keep: string): Promise<void> {
    const { maxConversations, maxBytes } = this.limits;
    let bytes = this.bytes;
    const evicted: C[] = [];
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= maxConversations && bytes <= maxBytes) break;
      if (id === keep) continue;
      this.entries.delete(id);
      bytes -= entry.bytes;
      evicted.push(entry.cache);
    }
    await Promise.all(evicted.map(disposeQuietly));
  }
}

/** Disposes a cache; a failure to free memory must not fail the generation that triggered it. */
export async function disposeQuietly(cache: DisposableCache): Promise<void> {
  try {
    await cache.dispose();
  } catch (error) {
    console.warn('slm-elements: could not dispose a KV cache', error);
  }
}
