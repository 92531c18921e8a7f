/**
 * Fast `Sum` and `Mean` over the LEADING axes of a float32 tensor on tfjs-backend-wasm, e.g. the per-channel
 * sums over [B, H, W] of batch normalisation and its gradient. The backend transposes the reduced axes to the
 * end first (a full strided copy, ≈ 10 ms for [256, 32, 32, 16]). Viewed as an [N, C] matrix, the same sums
 * are one sequential pass over X in JS with float64 accumulators (faster, more accurate, no extra memory; an
 * XNNPACK `1ᵀ·X` product would be faster still but makes tfjs cache a packed copy of X for X's lifetime).
 * Other reductions go to the backend's own kernel.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { composedKernel, type KernelGraph, wasmKernelConfig } from "./compose.ts";

/** Below this many reduced elements the backend's own kernel is as fast. */
const MIN_ROWS = 4096;

/** The backend kernels replaced here, set by `registerWasmTrainingKernels` before replacing them. */
export const originalReductions = new Map<string, tf.KernelConfig>();

function leadingAxes(shape: number[], axis: number | number[]): number {
  const axes = [...tf.util.parseAxisParam(axis, shape)].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= shape.length) return -1;
  return axes.every((a, i) => a === i) ? axes.length : -1;
}

function reduceLeading(name: "Sum" | "Mean") {
  return composedKernel((g: KernelGraph, inputs, attrs) => {
    const { x } = inputs;
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const k = leadingAxes(x.shape, axis);
    const rows = k > 0 ? tf.util.sizeFromShape(x.shape.slice(0, k)) : 0;
    if (x.dtype !== "float32" || k <= 0 || rows < MIN_ROWS) {
      const original = originalReductions.get(name);
      if (!original) throw new Error(`wasm ${name}: the backend's own kernel was not recorded`);
      return g.track(original.kernelFunc({ inputs, attrs, backend: g.backend }) as tf.TensorInfo);
    }
    const rest = x.shape.slice(k), cols = tf.util.sizeFromShape(rest);
    const out = g.track(
      g.backend.makeOutput(keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest, "float32"),
    );
    const src = g.backend.typedArrayFromHeap(x) as Float32Array;
    const acc = new Float64Array(cols);
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let c = 0; c < cols; c++) acc[c] += src[o + c];
    }
    const scale = name === "Mean" ? 1 / rows : 1;
    const dst = g.backend.typedArrayFromHeap(out) as Float32Array;
    for (let c = 0; c < cols; c++) dst[c] = acc[c] * scale;
    return out;
  });
}

/** `Sum` config for the wasm backend. */
export const sumConfig: tf.KernelConfig = wasmKernelConfig(tf.Sum, reduceLeading("Sum"));
/** `Mean` config for the wasm backend. */
export const meanConfig: tf.KernelConfig = wasmKernelConfig(tf.Mean, reduceLeading("Mean"));
