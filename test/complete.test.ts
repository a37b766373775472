import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../dist/define.js';
import type { SlmCompleteElement, SlmProviderElement, SlmResponseEvent, SlmTokenEvent } from '../dist/index.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, referenceGeneration, referencePipeline, sharedProvider, until } from './helpers.js';

const MAX = 24;
const PROMPT = 'Once upon a time';

describe('<slm-complete> on the real tiny model (wasm)', () => {
  failOnLitDevWarnings();

  // Each test gets new completions in one provider for them all (helpers.ts): these tests check
  // requests, replies and rendering, never how the model loaded. The mode="chat" and autorun
  // tests below keep a provider of their own.
  const provider = sharedProvider();
  const made: SlmCompleteElement[] = [];
  afterEach(() => made.splice(0).forEach((element) => element.remove()));

  /** A new `<slm-complete>` of PROMPT in the shared provider. */
  async function completeFixture() {
    const complete = document.createElement('slm-complete') as SlmCompleteElement;
    complete.setAttribute('prompt', PROMPT);
    complete.setAttribute('max-new-tokens', String(MAX));
    complete.setAttribute('temperature', '0');
    provider().append(complete);
    made.push(complete);
    await complete.updateComplete;
    return complete;
  }

  /** How many of `tokenIds` a generation needs before its text contains `stop`. */
  async function tokensUntil(tokenIds: number[], stop: string): Promise<number> {
    const { tokenizer } = await referencePipeline();
    for (let n = 1; n <= tokenIds.length; n++) {
      if (tokenizer.decode(tokenIds.slice(0, n), { skip_special_tokens: true }).includes(stop)) return n;
    }
    throw new Error(`"${stop}" never occurs`);
  }

  /** Completes with `stop-sequences` set to `attribute`; returns the response and the streamed tokens. */
  async function completeWithStops(attribute: string) {
    const complete = await completeFixture();
    complete.setAttribute('stop-sequences', attribute);
    const tokens: SlmTokenEvent['detail'][] = [];
    complete.addEventListener('slm-token', (event) => tokens.push(event.detail));
    const response = oneEvent(complete, 'slm-response');
    const text = await complete.complete();
    const { detail } = await response;
    return { complete, text, detail, streamed: tokens.map((t) => t.token).join('') };
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

  it('cuts at a stop sequence exactly where the reference first contains it, generating nothing after', async () => {
    const reference = await referenceGeneration(PROMPT, MAX);
    // Two characters from the middle of the reference: a stop sequence spanning two tokens.
    const stop = reference.text.slice(8, 10);
    const expected = reference.text.slice(0, reference.text.indexOf(stop));
    expect(expected.length).to.be.lessThan(reference.text.length - 2);

    const { complete, text, detail, streamed } = await completeWithStops(JSON.stringify([stop]));
    expect(text).to.equal(expected);
    expect(detail.text).to.equal(expected);
    expect(detail.reason).to.equal('stop');
    expect(complete.value).to.equal(expected);
    expect(streamed, 'the stop sequence was never streamed, not even its start').to.equal(expected);
    expect(detail.tokens, 'no token generated after the match').to.equal(await tokensUntil(reference.tokenIds, stop));
    await complete.updateComplete;
    expect(complete.shadowRoot!.querySelector('[part="completion"]')!.textContent).to.equal(expected);
    expect(complete.shadowRoot!.querySelector('[part="status"]')!.textContent).to.equal('Done.');
  });

  it('cuts at the earliest of several stop sequences, and takes a single string with escapes', async () => {
    const reference = await referenceGeneration(PROMPT, MAX);
    const early = reference.text.slice(6, 9);
    const late = reference.text.slice(14, 16);
    const cutAt = Math.min(reference.text.indexOf(early), reference.text.indexOf(late));
    const several = await completeWithStops(JSON.stringify(['never there', late, early]));
    expect(several.text).to.equal(reference.text.slice(0, cutAt));
    expect(several.detail.reason).to.equal('stop');

    // A single string (the attribute text `\n\n` means two line breaks) that never occurs changes nothing.
    const single = await completeWithStops('\\n\\n');
    expect(single.text).to.equal(reference.text);
    expect(single.detail.reason).to.be.oneOf(['length', 'eos']);
    // Text that may start a stop sequence is held back, then released: here the last character,
    // which is only known not to start "<last>~~" when the token budget runs out.
    const almost = await completeWithStops(`${reference.text.at(-1)}~~`);
    expect(almost.text).to.equal(reference.text);
    expect(almost.streamed, 'held-back text is released at the end').to.equal(reference.text);
    const oneChar = reference.text.charAt(5);
    const byChar = await completeWithStops(oneChar);
    expect(byChar.text).to.equal(reference.text.slice(0, reference.text.indexOf(oneChar)));
  });

  it('reports an invalid stop-sequences value', async () => {
    const complete = await completeFixture();
    complete.setAttribute('stop-sequences', '[1, 2');
    const error = oneEvent(complete, 'slm-error');
    expect(await complete.complete()).to.equal('');
    expect((await error).detail).to.include({ code: 'invalid-option' });
  });

  it('answers an instruction with mode="chat" as a bare chat pipeline does', async () => {
    const root = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-complete mode="chat" system-prompt="Answer briefly." prompt="Name a colour." max-new-tokens=${MAX}></slm-complete>
      </slm-provider>
    `);
    const complete = root.querySelector('slm-complete')!;
    const expected = await referenceGeneration(
      [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Name a colour.' },
      ],
      MAX,
    );
    const response = oneEvent(complete, 'slm-response');
    expect(await complete.complete()).to.equal(expected.text);
    const { detail } = await response;
    expect(detail.cachedTokens, 'a completion never uses a conversation cache').to.equal(0);
    await complete.updateComplete;
    expect(complete.shadowRoot!.querySelector('[part="prompt"]'), 'an instruction is not shown as the start of the text').to.equal(null);
    expect(complete.shadowRoot!.querySelector('[part="completion"]')!.textContent).to.equal(expected.text);
    await expect(complete).to.be.accessible();
  });

  it('with autorun, completes the prompt once it stops changing', async () => {
    const root = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-complete autorun debounce="100" max-new-tokens=${MAX}></slm-complete>
      </slm-provider>
    `);
    const complete = root.querySelector('slm-complete')!;
    const responses: SlmResponseEvent['detail'][] = [];
    complete.addEventListener('slm-response', (event) => responses.push(event.detail));
    const last = 'The quick brown fox';
    const expected = (await referenceGeneration(last, MAX)).text;
    for (const prompt of ['The', 'The quick', last]) {
      complete.prompt = prompt;
      await complete.updateComplete;
    }
    await until(() => responses.length > 0, 30_000, 'a completion');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(responses.map((r) => r.text)).to.deep.equal([expected]);
    expect(complete.value).to.equal(expected);

    // A new prompt clears the completion of the old one at once, then completes anew.
    complete.prompt = PROMPT;
    await complete.updateComplete;
    expect(complete.value).to.equal('');
    await until(() => responses.length === 2, 30_000, 'the second completion');
    expect(responses[1]!.text).to.equal((await referenceGeneration(PROMPT, MAX)).text);
  });
});
