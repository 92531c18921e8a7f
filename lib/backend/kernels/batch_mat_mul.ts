/**
 * `BatchMatMul` for tfjs-backend-wasm with transposed operands on XNNPACK's fast path. The backend runs only
 * an untransposed, unbatched product through XNNPACK; with `transposeA` or `transposeB` (every matmul
 * gradient, NT-Xent's `z·zᵀ`) it falls back to a naive loop 10–30× slower (≈ 30–70 ms for 512×128×512).
 * Here an unbatched product with transposed operands transposes them explicitly (a cheap copy) and runs the
 * fast path; batched products go to the backend's kernel as before.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { composedKernel, type KernelGraph, wasmKernelConfig } from "./compose.ts";

/** The backend's own kernel, set by `registerWasmTrainingKernels` before replacing it. */
export const originalBatchMatMul: { config: tf.KernelConfig | null } = { config: null };

function runOriginal(g: KernelGraph, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo {
  const config = originalBatchMatMul.config;
  if (!config) throw new Error("wasm BatchMatMul: the backend's own kernel was not recorded");
  return g.track(config.kernelFunc({ inputs, attrs, backend: g.backend }) as tf.TensorInfo);
}

/** The kernel config registered on the wasm backend. */
export const batchMatMulConfig: tf.KernelConfig = wasmKernelConfig(
  tf.BatchMatMul,
  composedKernel((g, inputs, attrs) => {
    const { a, b } = inputs;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    if ((!transposeA && !transposeB) || batchA !== 1 || batchB !== 1 || a.dtype !== "float32") {
      return runOriginal(g, { a, b }, attrs);
    }
    const [ar, ac] = a.shape.slice(-2), [br, bc] = b.shape.slice(-2);
    const a2 = transposeA ? g.transpose(g.reshape(a, [ar, ac]), [1, 0]) : g.reshape(a, [ar, ac]);
    const b2 = transposeB ? g.transpose(g.reshape(b, [br, bc]), [1, 0]) : g.reshape(b, [br, bc]);
    const out = runOriginal(g, { a: a2, b: b2 }, { transposeA: false, transposeB: false });
    const lead = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    return g.reshape(out, [...lead, a2.shape[0], b2.shape[1]]);
  }),
);
