/**
 * How the engine recovers from failed runs: the real `LocalEngine` over a scripted worker
 * connection, since a GPU cannot be made to fail on demand here. (A load that fails for real on
 * WebGPU is tested in faults.test.ts; error classification on real messages in units.test.ts.)
 */
import { expect } from '@open-wc/testing';
import { LocalEngine, SlmError } from '../dist/index.js';
import type { WorkerClient } from '../dist/engine/page/worker-client.js';
import type { WorkerLoadConfig } from '../dist/engine/shared/protocol.js';

/** What the scripted worker does for each generate: stream tokens, or fail with an error. */
type Script = ({ fail: SlmError } | { tokens: string[]; failAfter?: SlmError })[];

/** A scripted stand-in for the worker connection; every instance is one "worker". */
class ScriptedClient {
  static created: ScriptedClient[] = [];
  readonly loads: WorkerLoadConfig[] = [];
  terminated = false;
  constructor(
    private readonly script: Script,
    private readonly device: 'webgpu' | 'wasm',
  ) {
    ScriptedClient.created.push(this);
  }
  async load(config: WorkerLoadConfig) {
    this.loads.push(config);
    const device = config.forceWasm ? 'wasm' : this.device;
    return {
      model: config.model,
      device,
      dtype: 'q4' as const,
      capabilities: { webgpu: true, fallbackAdapter: false, shaderF16: false },
      ...(config.forceWasm ? { fallbackReason: config.forceWasm } : {}),
    };
  }
  generate(_input: unknown, _settings: unknown, _options: unknown, listener: { onToken(token: string, id: number): void }) {
    const step = this.script.shift() ?? { tokens: ['ok'] };
    const result = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if ('fail' in step) throw step.fail;
      step.tokens.forEach((token, index) => listener.onToken(token, index));
      if (step.failAfter) throw step.failAfter;
      const text = step.tokens.join('');
      return { text, reason: 'eos' as const, tokens: step.tokens.length, promptTokens: 1, cachedTokens: 0, droppedMessages: 0 };
    })();
    return { id: 1, result };
  }
  stop() {
    // Scripted: nothing runs that could be stopped.
  }
  release() {
    // Scripted: no caches to free.
  }
  terminate() {
    this.terminated = true;
  }
}

function engineWith(script: Script, device: 'webgpu' | 'wasm' = 'webgpu', configured: 'auto' | 'webgpu' | 'wasm' = 'auto') {
  ScriptedClient.created = [];
  const engine = new LocalEngine(() => new ScriptedClient(script, device) as unknown as WorkerClient);
  engine.configure({ model: 'scripted', device: configured, dtype: 'auto', share: 'page' });
  const warnings: string[] = [];
  engine.addEventListener('warning', (event) => warnings.push((event as CustomEvent).detail.code));
  return { engine, warnings };
}

const chat = { kind: 'chat' as const, messages: [{ role: 'user' as const, content: 'Hi' }] };
const settings = { maxNewTokens: 4, temperature: 0 };

describe('recovery from failed runs', () => {
  it('a first run that fails on WebGPU moves the model to WebAssembly once and runs the request again', async () => {
    const { engine, warnings } = engineWith([{ fail: new SlmError('generation-failed', 'shader compilation failed') }, { tokens: ['He', 'llo'] }]);
    const result = await engine.generate(chat, settings);
    expect(result.text).to.equal('Hello');
    expect(warnings).to.deep.equal(['device-fallback']);
    expect(ScriptedClient.created).to.have.length(2);
    expect(ScriptedClient.created[0]!.terminated).to.equal(true);
    expect(ScriptedClient.created[1]!.loads[0]!.forceWasm).to.contain('shader compilation failed');
    expect(engine.info!.device).to.equal('wasm');
    expect(engine.info!.fallbackReason).to.contain('WebGPU could not run the model');
  });

  it('never loops: a failure after the fallback is reported, not retried again', async () => {
    const failure = new SlmError('generation-failed', 'broken');
    const { engine, warnings } = engineWith([{ fail: failure }, { fail: failure }, { fail: failure }]);
    const error = await engine.generate(chat, settings).catch((thrown) => thrown);
    expect(error.code).to.equal('generation-failed');
    expect(warnings).to.deep.equal(['device-fallback']);
    expect(ScriptedClient.created).to.have.length(2);
  });

  it('a lost GPU device later on rebuilds the engine once on the same device and runs the request again', async () => {
    const { engine, warnings } = engineWith([
      { tokens: ['first'] },
      { fail: new SlmError('device-lost', 'The GPU was lost during the generation: Device was lost') },
      { tokens: ['again'] },
    ]);
    expect((await engine.generate(chat, settings)).text).to.equal('first');
    expect((await engine.generate(chat, settings)).text).to.equal('again');
    expect(warnings).to.deep.equal(['device-lost']);
    expect(ScriptedClient.created).to.have.length(2);
    expect(ScriptedClient.created[1]!.loads[0]!.forceWasm).to.equal(undefined);
    expect(engine.info!.device).to.equal('webgpu');
  });

  it('does not run a request again once tokens were shown (the text would repeat)', async () => {
    const { engine, warnings } = engineWith([
      { tokens: ['par', 'tial'], failAfter: new SlmError('device-lost', 'Device was lost') },
    ]);
    const error = await engine.generate(chat, settings).catch((thrown) => thrown);
    expect(error.code).to.equal('device-lost');
    expect(warnings).to.deep.equal([]);
    expect(ScriptedClient.created).to.have.length(1);
  });

  it('out of memory on WebAssembly is reported as out-of-memory, without a rebuild', async () => {
    const { engine, warnings } = engineWith([{ fail: new SlmError('out-of-memory', 'Aborted(OOM)') }], 'wasm', 'wasm');
    const error = await engine.generate(chat, settings).catch((thrown) => thrown);
    expect(error.code).to.equal('out-of-memory');
    expect(warnings).to.deep.equal([]);
    expect(ScriptedClient.created).to.have.length(1);
  });

  it('load="manual" refuses requests before load() with not-loaded, then serves them', async () => {
    const { engine } = engineWith([{ tokens: ['yes'] }], 'wasm', 'wasm');
    engine.loadMode = 'manual';
    const error = await engine.generate(chat, settings).catch((thrown) => thrown);
    expect(error.code).to.equal('not-loaded');
    expect(ScriptedClient.created).to.have.length(0);
    await engine.load();
    expect((await engine.generate(chat, settings)).text).to.equal('yes');
  });
});
