/**
 * Which failures get a Retry button (`src/components/shared/retry.ts`) as a table: a Retry that
 * cannot help invites a click that fails the same way. `chat-ui.test.ts` checks that the chat
 * follows the table.
 */
import { expect } from '@open-wc/testing';
import type { SlmErrorCode } from '../dist/engine/shared/errors.js';
import { RETRY_CAN_HELP, configurationKey, retryCanHelp } from '../dist/components/shared/retry.js';

describe('retryCanHelp', () => {
  const rows: [SlmErrorCode, boolean, string][] = [
    ['network-error', true, 'the network may come back'],
    ['quota-exceeded', true, 'the visitor may free storage'],
    ['out-of-memory', true, 'memory may be freed (other tabs closed)'],
    ['device-lost', true, 'a new GPU device usually works'],
    ['generation-failed', true, 'a run may fail once'],
    ['worker-failed', true, 'a new worker may start'],
    ['aborted', true, 'the model was unloaded: a retry loads it again'],
    ['not-loaded', true, 'load="manual": succeeds once the page has called load()'],
    ['invalid-option', false, 'a refused attribute fails the same way'],
    ['no-model', false, 'nothing to load until the page sets a model'],
    ['no-provider', false, 'nothing to load until a provider is added'],
    ['model-not-found', false, 'the model does not exist'],
    ['model-file-missing', false, 'the host lacks a file'],
    ['webgpu-unavailable', false, 'no adapter appears by retrying'],
    ['model-invalid', false, 'a damaged cached copy was already repaired once'],
    ['load-failed', false, 'an unsupported architecture stays unsupported'],
    ['context-overflow', false, 'the same messages overflow the same window'],
    ['integrity', true, 'a later download may arrive intact'],
    ['model-too-large', false, 'the device stays too small for the model'],
    ['invalid-schema', false, 'the same schema fails to compile the same way'],
    ['length', false, 'the same prompt decodes the same way'],
    ['tool-timeout', true, 'the page\'s handler may answer next time'],
  ];
  for (const [code, helps, why] of rows) {
    it(`${code}: ${helps ? 'Retry' : 'no Retry'} (${why})`, () => expect(retryCanHelp(code)).to.equal(helps));
  }

  it('decides every code, and the table above covers them all', () => {
    expect(Object.keys(RETRY_CAN_HELP).sort()).to.deep.equal(rows.map(([code]) => code).sort());
  });
});

describe('configurationKey', () => {
  const engine = { model: 'a', status: 'error', error: { code: 'model-not-found', message: 'no a' } };

  it('changes with the model, the engine’s error and the element’s settings', () => {
    const key = configurationKey({ engine, settings: [256, undefined] });
    expect(configurationKey({ engine: { ...engine, model: 'b' }, settings: [256, undefined] })).to.not.equal(key);
    expect(configurationKey({ engine: { ...engine, status: 'idle', error: null }, settings: [256, undefined] })).to.not.equal(key);
    expect(configurationKey({ engine, settings: [128, undefined] })).to.not.equal(key);
    expect(configurationKey({ engine: undefined, settings: [256, undefined] })).to.not.equal(key);
  });

  it('stays the same while the engine only loads and runs', () => {
    const idle = { model: 'a', status: 'idle', error: null };
    const key = configurationKey({ engine: idle, settings: [] });
    expect(configurationKey({ engine: { ...idle, status: 'loading' }, settings: [] })).to.equal(key);
    expect(configurationKey({ engine: { ...idle, status: 'ready' }, settings: [] })).to.equal(key);
  });
});
