/**
 * The training kernels tfjs-backend-wasm 4.22 lacks or runs slowly, registered on the "wasm" backend.
 *
 * | kernel                                  | implementation                                               |
 * | --------------------------------------- | ------------------------------------------------------------ |
 * | `Conv2DBackpropFilter` (missing)        | chunked XNNPACK products over a zero-gapped pixel grid, or transposes + one XNNPACK forward conv per image group, by shape (`kernels/conv2d_backprop_filter.ts`) |
 * | `Conv2DBackpropInput` (slow, replaced)  | sub-pixel phases of XNNPACK forward convs; strided 1×1: one product + scatter (`kernels/conv2d_backprop_input.ts`) |
 * | `UnsortedSegmentSum` (missing)          | one pass in JS on the wasm heap (`kernels/unsorted_segment_sum.ts`) |
 * | `Tile` (slow, replaced)                 | origin block + doubling `copyWithin` (`kernels/tile.ts`)     |
 * | `MaxPoolGrad` (slow, replaced)          | one pass in JS, first max of each window; 2×2/2 in registers (`kernels/max_pool_grad.ts`) |
 * | `Sum`, `Mean` over leading axes         | one pass in JS, float64 accumulators (`kernels/leading_reduce.ts`); others: tfjs' |
 * | `Identity`, `Cast` to the same dtype (copies, replaced) | a view of the input's data (`kernels/identity.ts`) |
 * | `Slice`, `GatherV2` (copy all of `x` / go element by element, replaced) | runs copied from heap views (`kernels/slice_gather.ts`) |
 * | `BatchMatMul` (naive loop when transposed, replaced) | explicit transposes + XNNPACK for unbatched products (`kernels/batch_mat_mul.ts`) |
 * | `OneHot` (wrong for float32, replaced)  | one pass in JS in the output's dtype (`kernels/one_hot.ts`)  |
 * | `SslBatchNormTrain`, `SslBatchNormTrainGrad` (new) | fused training batch norm (+ ReLU), two passes each (`kernels/batch_norm.ts`, used by `../backend/batch_norm.ts`) |
 * | depthwise conv gradients, `Einsum`      | the cpu backend's kernels on copies (`kernels/cpu_fallback.ts`) |
 *
 * Everything else a training step of the suite's CNNs, ViTs and contrastive losses needs (average-pool
 * gradients, layer-norm gradients via basic ops, softmax) is already a wasm kernel.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { batchMatMulConfig, originalBatchMatMul } from "./kernels/batch_mat_mul.ts";
import { batchNormTrainConfig, batchNormTrainGradConfig } from "./kernels/batch_norm.ts";
import { conv2dBackpropFilterConfig } from "./kernels/conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./kernels/conv2d_backprop_input.ts";
import { cpuFallbackConfig } from "./kernels/cpu_fallback.ts";
import { castConfig, identityConfig } from "./kernels/identity.ts";
import { meanConfig, originalReductions, sumConfig } from "./kernels/leading_reduce.ts";
import { maxPoolGradConfig } from "./kernels/max_pool_grad.ts";
import { gatherV2Config, originalSliceGather, sliceConfig } from "./kernels/slice_gather.ts";
import { oneHotConfig } from "./kernels/one_hot.ts";
import { tileConfig } from "./kernels/tile.ts";
import { unsortedSegmentSumConfig } from "./kernels/unsorted_segment_sum.ts";

/** The kernel configs this module registers, in registration order. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
  tileConfig,
  maxPoolGradConfig,
  sumConfig,
  meanConfig,
  identityConfig,
  castConfig,
  oneHotConfig,
  sliceConfig,
  gatherV2Config,
  batchMatMulConfig,
  batchNormTrainConfig,
  batchNormTrainGradConfig,
  cpuFallbackConfig(tf.DepthwiseConv2dNativeBackpropFilter),
  cpuFallbackConfig(tf.DepthwiseConv2dNativeBackpropInput),
  cpuFallbackConfig(tf.Einsum),
];

/** Kernels of tfjs-backend-wasm that were replaced, by name, so that benchmarks can compare against them. */
const replaced = new Map<string, tf.KernelConfig>();

/**
 * Register the wasm training kernels. Idempotent: a kernel already registered by this module is left alone.
 * Call it after `@tensorflow/tfjs-backend-wasm` has been imported (`initBackend("wasm")` does), since that
 * import registers the backend's own kernels, some of which this replaces. A replaced kernel's `setupFunc`
 * (which binds its wasm function) is kept, so that fallbacks to it and {@link restoreOriginalWasmKernel} work
 * whether or not the backend was initialised before this call.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const existing = tf.getKernel(config.kernelName, "wasm");
    if (existing?.kernelFunc === config.kernelFunc) continue;
    let registered = config;
    if (existing) {
      if (!replaced.has(config.kernelName)) replaced.set(config.kernelName, existing);
      if (config === sumConfig || config === meanConfig) originalReductions.set(config.kernelName, existing);
      if (config === batchMatMulConfig) originalBatchMatMul.config = existing;
      if (config === sliceConfig || config === gatherV2Config) {
        originalSliceGather.set(config.kernelName, existing);
      }
      const setup = existing.setupFunc;
      if (setup) registered = { ...config, setupFunc: setup };
      tf.unregisterKernel(config.kernelName, "wasm");
    }
    tf.registerKernel(registered);
  }
}

/**
 * Put tfjs-backend-wasm's own kernel `kernelName` back in place of this module's (for before/after
 * benchmarks). Returns false when this module did not replace that kernel.
 */
export function restoreOriginalWasmKernel(kernelName: string): boolean {
  const original = replaced.get(kernelName);
  if (!original) return false;
  tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel(original);
  return true;
}
