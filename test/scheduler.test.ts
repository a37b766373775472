/**
 * One model, many widgets, on the real model: the engine's queue runs one generation at a time,
 * by priority, drops cancelled and superseded requests, tells waiting requests their place, and
 * frees every conversation cache when the elements go away.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { SlmChatElement, SlmCompleteElement, SlmProviderElement } from '../dist/index.js';
import '../dist/define.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, referenceGeneration } from './helpers.js';

const settings = { maxNewTokens: 6, temperature: 0 };

describe('the scheduler (real model)', () => {
  failOnLitDevWarnings();

  it('ten elements at once: all complete, equal to the bare pipeline, never interleaved, chats first, cancelled ones silent', async () => {
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        ${[0, 1, 2, 3].map(() => html`<slm-chat max-new-tokens="6"></slm-chat>`)}
        ${[0, 1, 2, 3, 4, 5].map(() => html`<slm-complete max-new-tokens="6" temperature="0"></slm-complete>`)}
      </slm-provider>
    `);
    await provider.load();
    const chats = [...provider.querySelectorAll('slm-chat')] as SlmChatElement[];
    const completes = [...provider.querySelectorAll('slm-complete')] as SlmCompleteElement[];
    const elements: HTMLElement[] = [...completes, ...chats];
    // Which element each streamed token belonged to, in arrival order.
    const log: number[] = [];
    elements.forEach((element, index) => element.addEventListener('slm-token', () => log.push(index)));

    const prompts = elements.map((_, index) => `Request number ${index} says`);
    // Completions first, so chats arrive while completions wait: chats must overtake them.
    const completions = completes.map((complete, index) => complete.complete(prompts[index]));
    const cancelled = [4, 5];
    for (const index of cancelled) completes[index]!.stop();
    const replies = chats.map((chat, index) => chat.send(prompts[completes.length + index]));
    const texts = [...(await Promise.all(completions)), ...(await Promise.all(replies))];

    for (const [index, prompt] of prompts.entries()) {
      if (cancelled.includes(index)) {
        expect(texts[index], `cancelled request ${index}`).to.equal('');
        expect(log.includes(index), `cancelled request ${index} streamed nothing`).to.equal(false);
        continue;
      }
      const isChat = index >= completes.length;
      const expected = await referenceGeneration(isChat ? [{ role: 'user', content: prompt }] : prompt, 6);
      expect(texts[index], `request ${index}`).to.equal(expected.text);
    }
    // Never interleaved: each request's tokens form one unbroken run in the log.
    const runs = log.filter((owner, position) => position === 0 || log[position - 1] !== owner);
    expect(new Set(runs).size).to.equal(runs.length);
    // Priorities: the first completion started before any chat arrived; after it, all four chats
    // ran before the remaining completions.
    expect(runs[0]).to.equal(0);
    expect(runs.slice(1, 5).sort()).to.deep.equal([6, 7, 8, 9]);
    expect(runs.slice(5).sort()).to.deep.equal([1, 2, 3]);
  });

  it('reports each waiting request its place in the queue, and shows it in the element', async () => {
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-complete max-new-tokens="30" temperature="0"></slm-complete>
      </slm-provider>
    `);
    const engine = provider.engine;
    await provider.load();
    const places: Record<string, number[]> = { b: [], c: [] };
    // Every sentence the element's status line shows (the tiny model is fast: a place in line may
    // last only a few milliseconds, shorter than a frame).
    const complete = provider.querySelector('slm-complete')!;
    const status = complete.shadowRoot!.querySelector('[part="status"]')!;
    const shownTexts: string[] = [];
    const observer = new MutationObserver(() => shownTexts.push(status.textContent!));
    observer.observe(status, { childList: true, characterData: true, subtree: true });
    const a = engine.generate({ kind: 'text', prompt: 'First' }, { ...settings, maxNewTokens: 200 });
    const b = engine.generate({ kind: 'text', prompt: 'Second' }, settings, { onQueue: (n) => places.b!.push(n) });
    const c = engine.generate({ kind: 'text', prompt: 'Third' }, settings, { onQueue: (n) => places.c!.push(n) });
    // While A runs and B and C wait, an element's request waits third in line and says so.
    const shown = complete.complete('Fourth');
    await Promise.all([a, b, c, shown]);
    observer.disconnect();
    expect(shownTexts.filter((text) => /Waiting in line/.test(text))).to.deep.equal([
      'Waiting in line (3 ahead)…',
      'Waiting in line (2 ahead)…',
      'Waiting in line (1 ahead)…',
    ]);
    expect(places.b).to.deep.equal([1, 0]);
    expect(places.c).to.deep.equal([2, 1, 0]);
  });

  it('a new request of the same owner supersedes the queued one; stop() drops a queued one', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    const engine = provider.engine;
    await provider.load();
    const tokens: Record<string, number> = { old: 0, fresh: 0, dropped: 0 };
    const running = engine.generate({ kind: 'text', prompt: 'Busy' }, { ...settings, maxNewTokens: 20 });
    const old = engine.generate({ kind: 'text', prompt: 'Old' }, settings, {
      owner: 'ghost',
      onToken: () => tokens.old!++,
    });
    const fresh = engine.generate({ kind: 'text', prompt: 'Fresh' }, settings, {
      owner: 'ghost',
      onToken: () => tokens.fresh!++,
    });
    const stop = new AbortController();
    const dropped = engine.generate({ kind: 'text', prompt: 'Dropped' }, settings, {
      signal: stop.signal,
      onToken: () => tokens.dropped!++,
    });
    stop.abort();
    const [, oldResult, freshResult, droppedResult] = await Promise.all([running, old, fresh, dropped]);
    expect(oldResult).to.include({ reason: 'stopped', text: '', tokens: 0 });
    expect(droppedResult).to.include({ reason: 'stopped', text: '', tokens: 0 });
    expect(tokens.old).to.equal(0);
    expect(tokens.dropped).to.equal(0);
    const expected = await referenceGeneration('Fresh', 6);
    expect(freshResult.text).to.equal(expected.text);
    expect(tokens.fresh).to.be.greaterThan(0);
  });

  it('20 create / generate / remove cycles leave no conversation cache behind', async () => {
    const provider = await fixture<SlmProviderElement>(
      html`<slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm"></slm-provider>`,
    );
    await provider.load();
    const baseline = await provider.stats();
    expect(baseline).to.deep.include({ conversations: 0, queued: 0, running: false });
    for (let cycle = 0; cycle < 20; cycle++) {
      const chat = document.createElement('slm-chat');
      chat.maxNewTokens = 40;
      provider.append(chat);
      await chat.updateComplete;
      if (cycle % 2 === 0) {
        // A finished turn keeps a cache until the chat goes away.
        await chat.send(`Cycle ${cycle}`);
        expect((await provider.stats()).conversations).to.be.greaterThan(0);
      } else {
        // Removed mid-generation: stopped at the next token, its cache dropped.
        const token = new Promise((resolve) => chat.addEventListener('slm-token', resolve, { once: true }));
        void chat.send(`Cycle ${cycle}`);
        await token;
      }
      chat.remove();
    }
    let stats = await provider.stats();
    const deadline = performance.now() + 10_000;
    while ((stats.conversations > 0 || stats.running || stats.queued > 0) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stats = await provider.stats();
    }
    expect(stats).to.deep.equal(baseline);
  });

  it('removing the provider mid-generation ends its worker and every request', async () => {
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-chat max-new-tokens="60"></slm-chat>
      </slm-provider>
    `);
    const chat = provider.querySelector('slm-chat')!;
    const token = new Promise((resolve) => chat.addEventListener('slm-token', resolve, { once: true }));
    const reply = chat.send('Going away');
    await token;
    provider.remove();
    await reply;
    expect(provider.status).to.equal('idle');
    expect(await provider.stats()).to.deep.equal({ conversations: 0, cacheBytes: 0, queued: 0, running: false });
  });

  it('switching the model at run time unloads the old one (its worker and caches) and serves the new one', async () => {
    const provider = await fixture<SlmProviderElement>(html`
      <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="wasm">
        <slm-chat max-new-tokens="6"></slm-chat>
      </slm-provider>
    `);
    const chat = provider.querySelector('slm-chat')!;
    const expected = await referenceGeneration([{ role: 'user', content: 'Switch' }], 6);
    expect(await chat.send('Switch')).to.equal(expected.text);
    expect((await provider.stats()).conversations).to.equal(1);
    const oldInfo = provider.engine.info;

    // Same weights under another name (the fallback fixture's q8 file is slm-tiny's model).
    provider.model = 'slm-gpu-broken';
    await provider.updateComplete;
    expect(provider.status).to.equal('idle');
    // The old worker is gone with its caches: nothing is held until the new model is needed.
    expect(await provider.stats()).to.deep.equal({ conversations: 0, cacheBytes: 0, queued: 0, running: false });
    const ready = new Promise<CustomEvent>((resolve) => provider.addEventListener('slm-ready', resolve as never, { once: true }));
    expect(await chat.regenerate()).to.equal(expected.text);
    const { detail } = await ready;
    expect(detail.model).to.equal('slm-gpu-broken');
    expect(detail.dtype).to.equal('q8');
    expect(oldInfo!.model).to.equal(MODEL);
  });
});
