import { expect, html, oneEvent } from '@open-wc/testing';
import { render } from 'lit';
import '../dist/define.js';
import type { SlmProviderElement, SlmReadyEvent } from '../dist/index.js';
import { SYSTEM, reusable, turn } from './conversation-turns.js';
import { MODEL, MODEL_BASE, failOnLitDevWarnings, referenceGeneration } from './helpers.js';

// WebGPU here is SwiftShader on the CPU: slow, so this file holds the few WebGPU checks.
const MAX = 12;

describe('WebGPU (SwiftShader)', () => {
  failOnLitDevWarnings();

  // SwiftShader compiles the model's shaders on the CPU for every new WebGPU device, that is for
  // every model worker: about 20 s here, more than a test's own work. So the tests of this file
  // share one provider (and its worker), made here rather than by `fixture()`, which removes
  // what it made after each test. Its first load is still observed in full: `slm-ready` is
  // awaited from before any request.
  let root: SlmProviderElement;
  let ready: Promise<SlmReadyEvent>;
  before(async () => {
    const container = document.createElement('div');
    document.body.append(container);
    render(
      html`
        <slm-provider model=${MODEL} model-base-url=${MODEL_BASE} device="webgpu">
          <slm-chat max-new-tokens=${MAX} temperature="0"></slm-chat>
          <slm-complete prompt="The sky is" max-new-tokens=${MAX} temperature="0"></slm-complete>
        </slm-provider>
      `,
      container,
    );
    root = container.querySelector('slm-provider')!;
    ready = oneEvent(root, 'slm-ready');
    await root.updateComplete;
  });
  after(() => root.parentElement!.remove());

  // SwiftShader is a fallback (software) adapter, which device="auto" skips (faults.test.ts checks
  // that): device="webgpu" takes any adapter.
  it('device="webgpu" runs on the adapter and streams the same greedy text as wasm', async () => {
    const adapter = await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter();
    expect(adapter, 'the test browser exposes a WebGPU adapter').to.not.equal(null);
    expect(adapter).to.not.equal(undefined);

    const expectedChat = await referenceGeneration([{ role: 'user', content: 'Hello GPU' }], MAX);
    const expectedText = await referenceGeneration('The sky is', MAX);
    const reply = await root.querySelector('slm-chat')!.send('Hello GPU');
    const { detail } = await ready;
    expect(detail.device).to.equal('webgpu');
    expect(detail.capabilities).to.include({ webgpu: true });
    expect(detail.fallbackReason).to.equal(undefined);
    expect(reply).to.equal(expectedChat.text);
    expect(await root.querySelector('slm-complete')!.complete()).to.equal(expectedText.text);
  });

  // The conversation cache's own tests on WebAssembly are in conversation-cache.test.ts.
  describe('conversation KV cache on WebGPU (SwiftShader, slow: one test)', () => {
    it('reuses GPU caches across turns and rebuilds one after an edit', async () => {
      const { engine } = root;
      const first = await turn(engine, [SYSTEM], 'Hello GPU', 'gpu');
      expect((await ready).detail.device, 'the shared provider runs on WebGPU').to.equal('webgpu');
      const second = await turn(engine, first.messages, 'Tell me more', 'gpu');
      expect(second.result.cachedTokens).to.equal(reusable(first.result));
      // GPU tensors are not cropped: a changed history rebuilds the cache...
      const edited = await turn(engine, [SYSTEM], 'Hello CPU', 'gpu');
      expect(edited.result.cachedTokens).to.equal(0);
      // ...which then serves the next turn.
      const next = await turn(engine, edited.messages, 'Tell me more', 'gpu');
      expect(next.result.cachedTokens).to.equal(reusable(edited.result));
    });
  });
});
