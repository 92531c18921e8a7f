/**
 * `BatchMatMul` and `_FusedMatMul` (bias, ReLU) as oneDNN matmul primitives on the wasm heap.
 *
 * Operands are viewed as `[batch, rows, cols]` with the leading axes flattened; a transposed operand is the
 * same bytes described with its last two axes swapped (tag `acb`), so transposes cost nothing. One operand may
 * have batch 1 (broadcast), as oneDNN's matmul allows; other broadcasts, other fused activations, PReLU
 * weights, a bias that is not `[N]` and non-float32 operands go to the kernel registered before.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { KernelArgs, WasmBackend } from "../kernels/compose.ts";
import { ARG, check, type Onednn, OP_DESC_BYTES, TAG } from "./ffi.ts";
import {
  type Destroyable,
  type Fallbacks,
  heapPointer,
  memoryDesc,
  Primitive,
  PrimitiveCache,
  runFallback,
  wasmKernel,
  withReluPostOp,
} from "./primitive.ts";

/** `acb`: a 3-D tensor whose last two axes are stored swapped. */
const TAG_ACB = 17;

class Plan implements Destroyable {
  constructor(readonly primitive: Primitive, readonly keep: unknown[]) {}
  destroy(): void {
    this.primitive.destroy();
  }
}

/** The product's geometry: batches of A and B (one may be 1), M, K, N and the transposes. */
interface MatMulShape {
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
}

/** Per-thread oneDNN state of the matmul kernels. */
export class MatMulKernels {
  #plans = new PrimitiveCache<Plan>(256);
  constructor(readonly onednn: Onednn) {}

  #plan(s: MatMulShape, bias: boolean, relu: boolean): Plan {
    const key =
      `${s.batchA},${s.batchB},${s.m},${s.k},${s.n},${s.transposeA},${s.transposeB}|${bias}|${relu}`;
    return this.#plans.get(key, () => {
      const fn = this.onednn.fn;
      const batch = Math.max(s.batchA, s.batchB);
      const src = memoryDesc(this.onednn, [s.batchA, s.m, s.k], s.transposeA ? TAG_ACB : TAG.abc);
      const weights = memoryDesc(this.onednn, [s.batchB, s.k, s.n], s.transposeB ? TAG_ACB : TAG.abc);
      const dst = memoryDesc(this.onednn, [batch, s.m, s.n], TAG.abc);
      const biasMd = memoryDesc(this.onednn, [1, 1, s.n], TAG.abc);
      const desc = new Uint8Array(OP_DESC_BYTES);
      check(fn.dnnl_matmul_desc_init(desc, src, weights, bias ? biasMd : null, dst), "dnnl_matmul_desc_init");
      const p = withReluPostOp(this.onednn, relu, (attr) => new Primitive(this.onednn, desc, attr));
      p.bind(ARG.src, src).bind(ARG.weights, weights);
      if (bias) p.bind(ARG.bias, biasMd);
      p.bind(ARG.dst, dst);
      return new Plan(p, [src, weights, dst, biasMd, desc]);
    });
  }

  /** `act(op(a)·op(b) + bias)` with the output shaped `outShape`. */
  run(
    backend: WasmBackend,
    a: tf.TensorInfo,
    b: tf.TensorInfo,
    bias: tf.TensorInfo | null,
    s: MatMulShape,
    relu: boolean,
    outShape: number[],
  ): tf.TensorInfo {
    const plan = this.#plan(s, bias !== null, relu);
    const out = backend.makeOutput(outShape, "float32");
    const args = [heapPointer(backend, a), heapPointer(backend, b)];
    if (bias) args.push(heapPointer(backend, bias));
    args.push(heapPointer(backend, out));
    plan.primitive.run(...args);
    return out;
  }

  /** Free every cached primitive. */
  clear(): void {
    this.#plans.clear();
  }
}

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
}

/** The geometry of `a`·`b`, or null when it is a broadcast this kernel leaves to the fallback. */
function shapeOf(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  attrs: MatMulAttrs,
): { s: MatMulShape; out: number[] } | null {
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const [ar, ac] = a.shape.slice(-2), [br, bc] = b.shape.slice(-2);
  const m = attrs.transposeA ? ac : ar, k = attrs.transposeA ? ar : ac;
  const kb = attrs.transposeB ? bc : br, n = attrs.transposeB ? br : bc;
  if (k !== kb) return null;
  const leadA = a.shape.slice(0, -2), leadB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(leadA), batchB = tf.util.sizeFromShape(leadB);
  const sameLead = leadA.length === leadB.length && leadA.every((d, i) => d === leadB[i]);
  let lead: number[];
  if (sameLead) lead = leadA;
  else if (batchA === 1) lead = leadB;
  else if (batchB === 1) lead = leadA;
  else return null;
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  return {
    s: { batchA, batchB, m, k, n, transposeA: attrs.transposeA, transposeB: attrs.transposeB },
    out: [...lead, m, n],
  };
}

/** The `BatchMatMul` and `_FusedMatMul` configs. */
export function matMulKernelConfigs(
  kernels: () => MatMulKernels,
  fallbacks: Fallbacks,
): tf.KernelConfig[] {
  const fallback = (name: string, args: KernelArgs) => runFallback(fallbacks, name, args);
  const kernel = (name: string) => (args: KernelArgs) => {
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const attrs = args.attrs as unknown as MatMulAttrs;
    const activation = attrs.activation ?? "linear";
    const geometry = shapeOf(a, b, attrs);
    const ok = geometry && !preluActivationWeights && (activation === "linear" || activation === "relu") &&
      a.dtype === "float32" && b.dtype === "float32" &&
      (!bias || (bias.dtype === "float32" && bias.shape.length === 1 && bias.shape[0] === geometry.s.n));
    if (!ok) return fallback(name, args);
    return kernels().run(
      args.backend as WasmBackend,
      a,
      b,
      bias ?? null,
      geometry.s,
      activation === "relu",
      geometry.out,
    );
  };
  return [tf.BatchMatMul, tf._FusedMatMul].map((name) => wasmKernel(name, kernel(name)));
}
