/**
 * The recovery rules (`src/engine/page/recovery.ts`) as a table: each row is a situation and the
 * step the engine must take. `test/recovery.test.ts` checks that the engine carries the steps out.
 */
import { expect } from '@open-wc/testing';
import { LoadFailure, SlmError } from '../dist/engine/shared/errors.js';
import { afterLoadFailure, afterRunFailure, type RunFailureSituation } from '../dist/engine/page/recovery.js';

const failure = (code: SlmError['code'], recover?: 'repair' | 'fallback') =>
  new LoadFailure({ code, message: code }, recover);

describe('afterLoadFailure', () => {
  const rows: [string, Parameters<typeof afterLoadFailure>[0], ReturnType<typeof afterLoadFailure>][] = [
    ['a damaged cached file is repaired', { error: failure('model-invalid', 'repair'), cancelled: false, repaired: false, wasmOnly: false, shared: false }, 'repair'],
    ['…once', { error: failure('model-invalid', 'repair'), cancelled: false, repaired: true, wasmOnly: false, shared: false }, 'give-up'],
    ['WebGPU failing moves to WebAssembly', { error: failure('load-failed', 'fallback'), cancelled: false, repaired: false, wasmOnly: false, shared: false }, 'fallback-to-wasm'],
    ['…once', { error: failure('load-failed', 'fallback'), cancelled: false, repaired: false, wasmOnly: true, shared: false }, 'give-up'],
    ['nothing to try', { error: failure('model-not-found'), cancelled: false, repaired: false, wasmOnly: false, shared: false }, 'give-up'],
    ['an abandoned load is not retried', { error: failure('model-invalid', 'repair'), cancelled: true, repaired: false, wasmOnly: false, shared: false }, 'give-up'],
    ['a plain error carries no hint', { error: new SlmError('worker-failed', 'x'), cancelled: false, repaired: false, wasmOnly: false, shared: false }, 'give-up'],
    ['a shared worker that cannot start: the page’s own', { error: new SlmError('worker-failed', 'x'), cancelled: false, repaired: false, wasmOnly: false, shared: true }, 'unshare'],
    ['…but a page’s own that cannot start is final', { error: new SlmError('worker-failed', 'x'), cancelled: false, repaired: false, wasmOnly: false, shared: false }, 'give-up'],
    ['nor does anything thrown', { error: new TypeError('x'), cancelled: false, repaired: false, wasmOnly: false, shared: false }, 'give-up'],
  ];
  for (const [name, situation, step] of rows) {
    it(`${name}: ${step}`, () => expect(afterLoadFailure(situation)).to.equal(step));
  }
});

describe('afterRunFailure', () => {
  const base: RunFailureSituation = {
    error: new SlmError('generation-failed', 'x'),
    streamed: false,
    attempt: 0,
    cancelled: false,
    rebuildInProgress: false,
    posted: true,
    engineRebuilt: false,
    ranOnWebGpu: false,
    firstRun: false,
    wasmOnly: false,
  };
  const rows: [string, Partial<RunFailureSituation>, ReturnType<typeof afterRunFailure>][] = [
    ['a first run failing on WebGPU moves to WebAssembly', { ranOnWebGpu: true, firstRun: true }, 'fallback-to-wasm'],
    ['…unless the page asked for wasm', { ranOnWebGpu: true, firstRun: true, wasmOnly: true }, 'give-up'],
    ['a later failure on WebGPU is reported', { ranOnWebGpu: true }, 'give-up'],
    ['a lost device is rebuilt', { error: new SlmError('device-lost', 'x'), ranOnWebGpu: true }, 'rebuild'],
    ['out of memory on the first WebGPU run moves to WebAssembly', { error: new SlmError('out-of-memory', 'x'), ranOnWebGpu: true, firstRun: true }, 'fallback-to-wasm'],
    ['out of memory on WebAssembly is final', { error: new SlmError('out-of-memory', 'x'), firstRun: true }, 'give-up'],
    ['another request already rebuilt: wait for it', { error: new SlmError('device-lost', 'x'), engineRebuilt: true }, 'reload'],
    ['cut off by a rebuild: run again', { error: new SlmError('device-lost', 'x'), rebuildInProgress: true }, 'retry'],
    ['…even before it reached a worker', { error: new SlmError('device-lost', 'x'), rebuildInProgress: true, posted: false }, 'retry'],
    ['a failure before it reached a worker (a failed load) is final', { error: new SlmError('device-lost', 'x'), posted: false }, 'give-up'],
    ['tokens were shown: never twice', { error: new SlmError('device-lost', 'x'), streamed: true }, 'give-up'],
    ['at most one more attempt', { error: new SlmError('device-lost', 'x'), attempt: 1 }, 'give-up'],
    ['stopped or superseded: not run again', { error: new SlmError('device-lost', 'x'), cancelled: true }, 'give-up'],
    ['a context overflow cannot be helped', { error: new SlmError('context-overflow', 'x'), ranOnWebGpu: true, firstRun: true }, 'give-up'],
    ['anything that is not an SlmError is final', { error: new TypeError('x'), ranOnWebGpu: true, firstRun: true }, 'give-up'],
  ];
  for (const [name, change, step] of rows) {
    it(`${name}: ${step}`, () => expect(afterRunFailure({ ...base, ...change })).to.equal(step));
  }
});
