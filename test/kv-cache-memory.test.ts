import { expect } from '@open-wc/testing';
import * as transformers from '@huggingface/transformers';
import { freeReplacedTensors } from '../dist/engine/worker/kv-cache.js';
import { referenceGeneration, referencePipeline } from './helpers.js';

// Its own test file: `freeReplacedTensors` changes this page's transformers.js for good (as it
// does in the worker), so no other file's reference pipeline runs with it.

const { DynamicCache, Tensor } = transformers;
type CpuTensor = InstanceType<typeof Tensor>;

const tensor = (values: number[], buffer?: ArrayBuffer): CpuTensor =>
  new Tensor('float32', buffer ? new Float32Array(buffer, 0, values.length) : Float32Array.from(values), [1, values.length]);

const byteLength = (t: CpuTensor) => (t.data as Float32Array).byteLength;

describe('KV cache tensors are freed when a step replaces them (real transformers.js)', () => {
  const PROMPTS = ['Hello there, tell me a story', 'Again, longer'];
  let withoutIt: Awaited<ReturnType<typeof referenceGeneration>>[] = [];

  before(async () => {
    // What the unchanged library generates, before this file changes it.
    withoutIt = [];
    for (const prompt of PROMPTS) withoutIt.push(await referenceGeneration([{ role: 'user', content: prompt }], 24));
    freeReplacedTensors(transformers);
  });

  it('frees the tensor an update replaces, keeps the new one, and leaves shared buffers alone', () => {
    const old = tensor([1, 2, 3]);
    const next = tensor([4, 5, 6, 7]);
    const cache = new DynamicCache({ 'past_key_values.0.key': old });
    cache.update({ 'past_key_values.0.key': next });
    const entries = cache as unknown as Record<string, CpuTensor>;
    expect(entries['past_key_values.0.key']).to.equal(next);
    expect(byteLength(old), 'replaced: its memory is given back').to.equal(0);
    expect([...(next.data as Float32Array)]).to.deep.equal([4, 5, 6, 7]);

    // The same tensor set again is not replaced.
    cache.update({ 'past_key_values.0.key': next });
    expect(byteLength(next)).to.equal(16);

    // A view of a larger buffer: someone else may hold the rest of it.
    const shared = new ArrayBuffer(64);
    const view = tensor([1, 2], shared);
    const other = new DynamicCache({ 'past_key_values.0.value': view });
    other.update({ 'past_key_values.0.value': tensor([3, 4, 5]) });
    expect(byteLength(view)).to.equal(8);
    expect(shared.byteLength).to.equal(64);

    // A tensor freed already (held by two caches) is left as it is: no error.
    const twice = tensor([1]);
    const first = new DynamicCache({ k: twice });
    const second = new DynamicCache({ k: twice });
    first.update({ k: tensor([2]) });
    expect(() => second.update({ k: tensor([3]) })).to.not.throw();
    expect(byteLength(twice)).to.equal(0);

    // Asked again, it does not wrap the update a second time.
    const update = (DynamicCache.prototype as unknown as { update: unknown }).update;
    freeReplacedTensors(transformers);
    expect((DynamicCache.prototype as unknown as { update: unknown }).update).to.equal(update);
  });

  it('frees every step’s cache but the last during a real generation, with the same tokens as before', async () => {
    await referencePipeline();
    // Watch what each step replaces.
    const replaced: CpuTensor[] = [];
    const prototype = DynamicCache.prototype as unknown as { update(entries: Record<string, CpuTensor>): void };
    const patched = prototype.update;
    prototype.update = function (this: Record<string, CpuTensor>, entries: Record<string, CpuTensor>) {
      for (const key in entries) if (this[key] && this[key] !== entries[key]) replaced.push(this[key]!);
      patched.call(this, entries);
    };
    try {
      for (const [i, prompt] of PROMPTS.entries()) {
        replaced.length = 0;
        const result = await referenceGeneration([{ role: 'user', content: prompt }], 24);
        expect(result.tokenIds, `prompt ${i + 1}: the same greedy tokens`).to.deep.equal(withoutIt[i]!.tokenIds);
        expect(replaced.length, 'every step after the first replaced the whole cache').to.be.greaterThan(10);
        expect(replaced.every((t) => byteLength(t) === 0), 'and each replaced tensor was freed').to.equal(true);
      }
    } finally {
      prototype.update = patched;
    }
  });
});
