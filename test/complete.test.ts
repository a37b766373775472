import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmProviderElement, SlmTokenEvent } from '../dist/index.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, referenceGeneration } from './helpers.js';

const MAX = 24;
const PROMPT = 'Once upon a time';

describe('<slm-complete> on the real tiny model (wasm)', () => {
  failOnLitDevWarnings();

  async function completeFixture() {
    const root = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-complete prompt=${PROMPT} max-new-tokens=${MAX} temperature="0"></slm-complete>
      </slm-provider>
    `);
    return root.querySelector('slm-complete')!;
  }

  it('streams the same raw continuation as a bare pipeline', async () => {
    const complete = await completeFixture();
    const expected = await referenceGeneration(PROMPT, MAX);
    expect(expected.tokenIds.length).to.be.greaterThan(3);

    const tokens: SlmTokenEvent['detail'][] = [];
    complete.addEventListener('slm-token', (event) => tokens.push(event.detail));
    const response = oneEvent(complete, 'slm-response');
    const text = await complete.complete();
    const { detail } = await response;

    expect(tokens.map((t) => t.tokenId)).to.deep.equal(expected.tokenIds);
    expect(tokens.map((t) => t.token).join('')).to.equal(expected.text);
    expect(text).to.equal(expected.text);
    expect(complete.value).to.equal(expected.text);
    expect(detail).to.include({ text: expected.text, tokens: expected.tokens });
    expect(detail.reason).to.be.oneOf(['length', 'eos']);
    await complete.updateComplete;
    const root = complete.shadowRoot!;
    expect(root.querySelector('[part="prompt"]')!.textContent).to.equal(PROMPT);
    expect(root.querySelector('[part="completion"]')!.textContent).to.equal(expected.text);
    await expect(complete).to.be.accessible();
  });

  it('continues a prompt passed to complete() and runs from its button', async () => {
    const complete = await completeFixture();
    const other = 'The quick brown fox';
    const expected = await referenceGeneration(other, MAX);
    expect(await complete.complete(other)).to.equal(expected.text);

    const response = oneEvent(complete, 'slm-response');
    complete.shadowRoot!.querySelector<HTMLButtonElement>('[part="run-button"]')!.click();
    const { detail } = await response;
    expect(detail.text).to.equal((await referenceGeneration(PROMPT, MAX)).text);
  });

  it('stops on request', async () => {
    const complete = await completeFixture();
    complete.maxNewTokens = 400;
    complete.addEventListener('slm-token', () => complete.stop(), { once: true });
    const response = oneEvent(complete, 'slm-response');
    await complete.complete();
    const { detail } = await response;
    expect(detail.reason).to.equal('stopped');
    expect(detail.tokens).to.be.lessThan(400);
  });

  it('reports an invalid temperature', async () => {
    const complete = await completeFixture();
    complete.setAttribute('temperature', 'hot');
    const error = oneEvent(complete, 'slm-error');
    expect(await complete.complete()).to.equal('');
    const { detail } = await error;
    expect(detail.code).to.equal('invalid-option');
    expect(detail.message).to.contain('temperature="hot"');
    await complete.updateComplete;
    expect(complete.shadowRoot!.querySelector('[part="status"]')!.textContent).to.contain('temperature');
  });
});
