import { expect } from '@open-wc/testing';
import { IncrementalDecoder } from '../dist/engine/worker/incremental-decoder.js';
import { chooseDtype, weightsFile } from '../dist/engine/worker/dtype-choice.js';
import { SlmError } from '../dist/engine/shared/errors.js';
import { classifyLoadError, classifyRunError } from '../dist/engine/worker/failure-classification.js';
import { deviceLadder } from '../dist/engine/worker/model-files.js';
import { parseEngineConfig, parseGenerationSettings } from '../dist/engine/shared/settings.js';

describe('IncrementalDecoder', () => {
  // A byte-level toy vocabulary: each id is one UTF-8 byte, so multi-byte characters span ids.
  const bytes = new TextEncoder().encode('héllo wörld 👋');
  const decode = (ids: readonly number[]) => new TextDecoder().decode(new Uint8Array(ids));

  it('emits each character once, holding back incomplete multi-byte sequences', () => {
    const decoder = new IncrementalDecoder(decode);
    const deltas = [...bytes].map((id) => decoder.push(id));
    expect(deltas.join('')).to.equal('héllo wörld 👋');
    expect(decoder.text).to.equal('héllo wörld 👋');
    // 'é' is two bytes: the first yields nothing, the second the character.
    expect(deltas.slice(1, 3)).to.deep.equal(['', 'é']);
    // The emoji is four bytes: three empty deltas, then the emoji.
    expect(deltas.slice(-4)).to.deep.equal(['', '', '', '👋']);
  });

  it('keeps leading spaces that a decoder drops at the start of a sequence', () => {
    // Like SentencePiece: the first piece of any decoded sequence loses its leading space.
    const pieces = ['Hello', ' big', ' world'];
    const spDecode = (ids: readonly number[]) => ids.map((id) => pieces[id]).join('').replace(/^ /, '');
    const decoder = new IncrementalDecoder(spDecode);
    expect([0, 1, 2].map((id) => decoder.push(id))).to.deep.equal(['Hello', ' big', ' world']);
  });

  it('decodes a bounded window per token, not the whole sequence', () => {
    let longest = 0;
    const decoder = new IncrementalDecoder((ids) => {
      longest = Math.max(longest, ids.length);
      return ids.map(() => 'a').join('');
    });
    for (let i = 0; i < 500; i++) decoder.push(i);
    expect(longest).to.be.at.most(2);
  });
});

describe('option parsing', () => {
  const base = 'https://example.test/app/page.html';

  it('accepts the documented values and resolves relative URLs to folders', () => {
    const parsed = parseEngineConfig(
      { model: ' org/model ', device: 'WASM', dtype: 'q4f16', modelBaseUrl: '../models', wasmBaseUrl: '/ort/' },
      base,
    );
    expect(parsed).to.deep.equal({
      ok: true,
      value: {
        model: 'org/model',
        device: 'wasm',
        dtype: 'q4f16',
        modelBaseUrl: 'https://example.test/models/',
        wasmBaseUrl: 'https://example.test/ort/',
        share: 'page',
      },
    });
  });

  it('refuses unknown devices and dtypes with a message naming the allowed values', () => {
    const device = parseEngineConfig({ model: 'm', device: 'gpu' }, base);
    expect(device.ok).to.equal(false);
    if (!device.ok) {
      expect(device.error.code).to.equal('invalid-option');
      expect(device.error.message).to.equal('device="gpu" is not supported: use one of "auto", "webgpu", "wasm".');
    }
    const dtype = parseEngineConfig({ model: 'm', dtype: 'int3' }, base);
    expect(dtype.ok).to.equal(false);
  });

  it('validates generation settings', () => {
    expect(parseGenerationSettings({})).to.deep.equal({ ok: true, value: { maxNewTokens: 256, temperature: 0 } });
    expect(parseGenerationSettings({ maxNewTokens: '12', temperature: '0.7' })).to.deep.equal({
      ok: true,
      value: { maxNewTokens: 12, temperature: 0.7 },
    });
    for (const maxNewTokens of [-3, 0, 1.5, 'lots']) expect(parseGenerationSettings({ maxNewTokens }).ok).to.equal(false);
    for (const temperature of [-1, 'hot', Infinity]) expect(parseGenerationSettings({ temperature }).ok).to.equal(false);
  });
});

describe('chooseDtype', () => {
  const shipping = (...dtypes: string[]) => {
    const probed: string[] = [];
    const hasWeights = async (dtype: string) => {
      probed.push(dtype);
      return dtypes.includes(dtype);
    };
    return { probed, hasWeights };
  };
  const all = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];

  it('prefers q4f16 on WebGPU with shader-f16, and probes one file when it exists', async () => {
    const model = shipping(...all);
    expect(await chooseDtype('webgpu', true, model.hasWeights)).to.equal('q4f16');
    expect(model.probed).to.deep.equal(['q4f16']);
  });

  it('never picks f16 files without shader-f16, nor q8 on WebGPU', async () => {
    expect(await chooseDtype('webgpu', false, shipping(...all).hasWeights)).to.equal('q4');
    expect(await chooseDtype('webgpu', false, shipping('q8', 'fp16', 'fp32').hasWeights)).to.equal('fp32');
  });

  it('prefers q8 on wasm and falls back to fp32', async () => {
    expect(await chooseDtype('wasm', false, shipping(...all).hasWeights)).to.equal('q8');
    const tiny = shipping('fp32');
    expect(await chooseDtype('wasm', false, tiny.hasWeights)).to.equal('fp32');
    expect(tiny.probed).to.deep.equal(['q8', 'q4', 'fp32']);
    expect(await chooseDtype('wasm', false, shipping().hasWeights)).to.equal('fp32');
  });

  it('names the weights file of each dtype', () => {
    expect(weightsFile('fp32')).to.equal('onnx/model.onnx');
    expect(weightsFile('q8')).to.equal('onnx/model_quantized.onnx');
    expect(weightsFile('q4f16')).to.equal('onnx/model_q4f16.onnx');
  });
});

describe('classifyLoadError', () => {
  it('tells a missing model from a missing file and from other failures', () => {
    expect(classifyLoadError(new Error('Could not locate file: "http://x/m/config.json".'), 'm').code).to.equal(
      'model-not-found',
    );
    expect(
      classifyLoadError(new Error('Could not locate file: "http://x/m/onnx/model_q4.onnx".'), 'm').code,
    ).to.equal('model-file-missing');
    expect(classifyLoadError(new Error('protobuf parsing failed'), 'm').code).to.equal('model-invalid');
    expect(classifyLoadError(new Error('Unsupported model type: x'), 'm').code).to.equal('load-failed');
    const original = new SlmError('webgpu-unavailable', 'no adapter');
    expect(classifyLoadError(original, 'm')).to.equal(original);
  });
});

describe('slm-* events', () => {
  it('bubble out of shadow roots with their detail', async () => {
    const { SlmTokenEvent, SlmErrorEvent } = await import('../dist/events/index.js');
    const host = document.createElement('div');
    const inner = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('span'));
    document.body.append(host);
    const seen: Event[] = [];
    document.addEventListener('slm-token', (event) => seen.push(event));
    document.addEventListener('slm-error', (event) => seen.push(event));
    inner.dispatchEvent(new SlmTokenEvent({ token: 'a', tokenId: 97, text: 'a' }));
    inner.dispatchEvent(new SlmErrorEvent({ code: 'no-model', message: 'm' }));
    host.remove();
    expect(seen.map((event) => event.type)).to.deep.equal(['slm-token', 'slm-error']);
    expect((seen[0] as InstanceType<typeof SlmTokenEvent>).detail).to.deep.equal({ token: 'a', tokenId: 97, text: 'a' });
    expect(seen.every((event) => event.bubbles && event.composed)).to.equal(true);
  });
});

describe('error classification', () => {
  // Messages as transformers.js, ONNX Runtime, WebGPU and fetch really word them.
  const load: [unknown, string][] = [
    [new TypeError('Failed to fetch'), 'network-error'],
    [new TypeError('NetworkError when attempting to fetch resource.'), 'network-error'],
    [new Error('Could not locate file: "http://x/m/config.json".'), 'model-not-found'],
    [new Error('Could not locate file: "http://x/m/onnx/model_q4.onnx".'), 'model-file-missing'],
    [new SyntaxError('Unexpected end of JSON input'), 'model-invalid'],
    [new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed."), 'model-invalid'],
    [new RangeError('Array buffer allocation failed'), 'out-of-memory'],
    [new Error('WebAssembly.Memory.grow(): Maximum memory size exceeded'), 'out-of-memory'],
    [new Error('Aborted(OOM)'), 'out-of-memory'],
    [new Error('Unsupported model type: mamba9'), 'load-failed'],
  ];
  for (const [error, code] of load) {
    it(`load: "${(error as Error).message}" → ${code}`, () => {
      const classified = classifyLoadError(error, 'm');
      expect(classified.code).to.equal(code);
      expect(classified.message).to.contain('"m"');
    });
  }

  const run: [unknown, string][] = [
    [new Error('Device was lost: The GPU device was destroyed'), 'device-lost'],
    [new Error("Failed to execute 'mapAsync' on 'GPUBuffer': GPUDevice lost"), 'device-lost'],
    [new Error('failed to allocate a buffer of size 4294967296'), 'out-of-memory'],
    [new Error('std::bad_alloc'), 'out-of-memory'],
    [new Error('Non-zero status code returned while running MatMul node'), 'generation-failed'],
  ];
  for (const [error, code] of run) {
    it(`run: "${(error as Error).message}" → ${code}`, () => {
      expect(classifyRunError(error).code).to.equal(code);
    });
  }
});

describe('the device ladder', () => {
  const base = { model: 'm', dtype: 'auto' as const, share: 'page' as const, wasmPaths: { mjs: '', wasm: '' } };
  const gpu = { webgpu: true, fallbackAdapter: false, shaderF16: true };
  const software = { webgpu: true, fallbackAdapter: true, shaderF16: false };
  const none = { webgpu: false, fallbackAdapter: false, shaderF16: false };

  it('auto: a hardware adapter first, then WebAssembly; never a software adapter', () => {
    expect(deviceLadder({ ...base, device: 'auto' }, gpu)).to.deep.equal(['webgpu', 'wasm']);
    expect(deviceLadder({ ...base, device: 'auto' }, software)).to.deep.equal(['wasm']);
    expect(deviceLadder({ ...base, device: 'auto' }, none)).to.deep.equal(['wasm']);
  });

  it('webgpu: any adapter, WebAssembly as the fallback; no adapter is an error', () => {
    expect(deviceLadder({ ...base, device: 'webgpu' }, software)).to.deep.equal(['webgpu', 'wasm']);
    expect(() => deviceLadder({ ...base, device: 'webgpu' }, none)).to.throw(/no WebGPU adapter/);
  });

  it('wasm, or a forced fallback, is WebAssembly only', () => {
    expect(deviceLadder({ ...base, device: 'wasm' }, gpu)).to.deep.equal(['wasm']);
    expect(deviceLadder({ ...base, device: 'auto', forceWasm: 'failed' }, gpu)).to.deep.equal(['wasm']);
  });
});
