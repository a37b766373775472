/**
 * Which weight precision `dtype="auto"` picks, given the device and the files a model ships.
 *
 * Preferences, best first:
 * - WebGPU with `shader-f16`: q4f16 (smallest, fast), fp16, q4, fp32.
 * - WebGPU without it: q4, fp32 (f16 files need the feature).
 *   q8 is never chosen on WebGPU: q8 decoders are reported to produce gibberish there
 *   (transformers.js #1286, #1317).
 * - WebAssembly: q8 (fast integer kernels), q4, fp32, fp16.
 */
import type { ResolvedDevice, ResolvedDtype } from '../shared/types.js';

const PREFERENCES: Record<'webgpu-f16' | 'webgpu' | 'wasm', readonly ResolvedDtype[]> = {
  'webgpu-f16': ['q4f16', 'fp16', 'q4', 'fp32'],
  webgpu: ['q4', 'fp32'],
  wasm: ['q8', 'q4', 'fp32', 'fp16'],
};

/** File name suffix of each dtype's weights (transformers.js `DEFAULT_DTYPE_SUFFIX_MAPPING`). */
export const DTYPE_FILE_SUFFIX: Record<ResolvedDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
};

/** The weights file of a decoder-only model for a dtype, relative to the model folder. */
export function weightsFile(dtype: ResolvedDtype): string {
  return `onnx/model${DTYPE_FILE_SUFFIX[dtype]}.onnx`;
}

/** The dtypes worth trying on a device, best first. */
export function dtypePreferences(device: ResolvedDevice, shaderF16: boolean): readonly ResolvedDtype[] {
  return PREFERENCES[device === 'wasm' ? 'wasm' : shaderF16 ? 'webgpu-f16' : 'webgpu'];
}

/**
 * Picks the first preferred dtype whose weights exist. Probes one file at a time, best first, so
 * a model that ships the best file costs one request. Falls back to `fp32`: if that file is
 * missing too, loading reports exactly which file it needed.
 */
export async function chooseDtype(
  device: ResolvedDevice,
  shaderF16: boolean,
  hasWeights: (dtype: ResolvedDtype) => Promise<boolean>,
): Promise<ResolvedDtype> {
  for (const dtype of dtypePreferences(device, shaderF16)) {
    if (await hasWeights(dtype)) return dtype;
  }
  return 'fp32';
}
