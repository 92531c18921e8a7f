/**
 * Large element-wise `Multiply`, `Add`, `Sub`, `Step` and `Relu` as oneDNN binary / eltwise primitives,
 * multi-threaded.
 *
 * XNNPACK runs these on one thread; on activations (a ReLU's gradient is `dy · step(x)`, one `Step` and one
 * `Multiply` over the whole activation) they were 15–20% of a SimCLR step once the convolutions ran in
 * oneDNN. Taken here: float32 tensors of at least {@link MIN_ELEMENTS} outputs whose operands have the same
 * shape, or where one operand is a scalar or a vector along the last axis (bias-like); `Step` with `alpha` 0
 * is `x > 0` (oneDNN's `binary_gt` against a zero scalar; a NaN input gives 0 instead of tfjs' NaN, which the
 * training loop's non-finite check sees in the forward pass anyway). Everything else (small tensors, where
 * a call into oneDNN costs more than the op, and other broadcasts) stays with the kernel registered before.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { KernelArgs, WasmBackend } from "../kernels/compose.ts";
import { ALG, ARG, check, type Onednn, OP_DESC_BYTES, PROP, TAG } from "./ffi.ts";
import {
  type Destroyable,
  type Fallbacks,
  heapPointer,
  memoryDesc,
  Primitive,
  PrimitiveCache,
  runFallback,
  Scratch,
  wasmKernel,
} from "./primitive.ts";

/** Outputs below this size stay on the previous (single-threaded XNNPACK) kernel. */
export const MIN_ELEMENTS = 1 << 16;

/** `dnnl_alg_kind_t` of the binary algorithms used. */
const BINARY = { add: 131056, mul: 131057, sub: 131061, gt: 131063 } as const;
/** `DNNL_ARG_SRC_1`. */
const ARG_SRC_1 = 2;

type Alg = keyof typeof BINARY;

/** How the second operand broadcasts: same shape, scalar, or a vector along the last axis. */
type Broadcast = "same" | "scalar" | "lastAxis";

class Plan implements Destroyable {
  constructor(readonly primitive: Primitive, readonly keep: unknown[]) {}
  destroy(): void {
    this.primitive.destroy();
  }
}

/** Per-thread oneDNN state of the element-wise kernels. */
export class ElementwiseKernels {
  #plans = new PrimitiveCache<Plan>(256);
  /** A float32 zero, the second operand of `Step`. */
  readonly #zero = new Scratch(4);
  constructor(readonly onednn: Onednn) {
    new Float32Array(this.#zero.bytes.buffer, 0, 1)[0] = 0;
  }

  #plan(alg: Alg, size: number, last: number, broadcast: Broadcast): Plan {
    return this.#plans.get(`${alg}|${size}|${last}|${broadcast}`, () => {
      const rows = size / last;
      const src0 = broadcast === "lastAxis"
        ? memoryDesc(this.onednn, [rows, last], TAG.ab)
        : memoryDesc(this.onednn, [size], TAG.a);
      const src1 = broadcast === "lastAxis"
        ? memoryDesc(this.onednn, [1, last], TAG.ab)
        : broadcast === "scalar"
        ? memoryDesc(this.onednn, [1], TAG.a)
        : src0;
      const desc = new Uint8Array(OP_DESC_BYTES);
      check(
        this.onednn.fn.dnnl_binary_desc_init(desc, BINARY[alg], src0, src1, src0),
        "dnnl_binary_desc_init",
      );
      const p = new Primitive(this.onednn, desc).bind(ARG.src, src0).bind(ARG_SRC_1, src1).bind(
        ARG.dst,
        src0,
      );
      return new Plan(p, [src0, src1, desc]);
    });
  }

  /** `max(x, 0)`. */
  relu(backend: WasmBackend, x: tf.TensorInfo): tf.TensorInfo {
    const size = tf.util.sizeFromShape(x.shape);
    const plan = this.#plans.get(`relu|${size}`, () => {
      const data = memoryDesc(this.onednn, [size], TAG.a);
      const desc = new Uint8Array(OP_DESC_BYTES);
      check(
        this.onednn.fn.dnnl_eltwise_forward_desc_init(
          desc,
          PROP.forwardInference,
          ALG.eltwiseRelu,
          data,
          0,
          0,
        ),
        "dnnl_eltwise_forward_desc_init",
      );
      return new Plan(new Primitive(this.onednn, desc).bind(ARG.src, data).bind(ARG.dst, data), [data, desc]);
    });
    const out = backend.makeOutput(x.shape, "float32");
    plan.primitive.run(heapPointer(backend, x), heapPointer(backend, out));
    return out;
  }

  /** `a ∘ b` with `b` broadcast as `broadcast` says, output shaped as `a`. */
  run(
    backend: WasmBackend,
    alg: Alg,
    a: tf.TensorInfo,
    b: tf.TensorInfo | null,
    broadcast: Broadcast,
  ): tf.TensorInfo {
    const size = tf.util.sizeFromShape(a.shape);
    const last = a.shape.length ? a.shape[a.shape.length - 1] : 1;
    const plan = this.#plan(alg, size, last, broadcast);
    const out = backend.makeOutput(a.shape, "float32");
    plan.primitive.run(
      heapPointer(backend, a),
      b ? heapPointer(backend, b) : this.#zero.pointer,
      heapPointer(backend, out),
    );
    return out;
  }

  /** Free every cached primitive. */
  clear(): void {
    this.#plans.clear();
  }
}

/** How `b` broadcasts onto `a` (whose shape is the output's), or null when this kernel does not take it. */
export function broadcastOf(a: readonly number[], b: readonly number[]): Broadcast | null {
  if (a.length === b.length && a.every((d, i) => d === b[i])) return "same";
  const sizeB = b.reduce((x, y) => x * y, 1);
  if (sizeB === 1 && b.length <= a.length) return "scalar";
  const last = a[a.length - 1];
  if (
    a.length >= 2 && b.length >= 1 && b.length <= a.length && b[b.length - 1] === last && sizeB === last
  ) {
    return "lastAxis";
  }
  return null;
}

/** The `Multiply`, `Add`, `Sub`, `Step` and `Relu` configs. */
export function elementwiseKernelConfigs(
  kernels: () => ElementwiseKernels,
  fallbacks: Fallbacks,
): tf.KernelConfig[] {
  const fallback = (name: string, args: KernelArgs) => runFallback(fallbacks, name, args);
  const binary = (name: string, alg: Alg, commutative: boolean) => (args: KernelArgs) => {
    let { a, b } = args.inputs;
    if (a.dtype !== "float32" || b.dtype !== "float32") return fallback(name, args);
    if (tf.util.sizeFromShape(a.shape) < tf.util.sizeFromShape(b.shape) && commutative) [a, b] = [b, a];
    const broadcast = broadcastOf(a.shape, b.shape);
    if (!broadcast || tf.util.sizeFromShape(a.shape) < MIN_ELEMENTS) return fallback(name, args);
    return kernels().run(args.backend as WasmBackend, alg, a, b, broadcast);
  };
  const step = (args: KernelArgs) => {
    const { x } = args.inputs;
    const alpha = (args.attrs as { alpha?: number } | undefined)?.alpha ?? 0;
    if (x.dtype !== "float32" || alpha !== 0 || tf.util.sizeFromShape(x.shape) < MIN_ELEMENTS) {
      return fallback(tf.Step, args);
    }
    return kernels().run(args.backend as WasmBackend, "gt", x, null, "scalar");
  };
  const relu = (args: KernelArgs) => {
    const { x } = args.inputs;
    if (x.dtype !== "float32" || tf.util.sizeFromShape(x.shape) < MIN_ELEMENTS) {
      return fallback(tf.Relu, args);
    }
    return kernels().relu(args.backend as WasmBackend, x);
  };
  return [
    wasmKernel(tf.Multiply, binary(tf.Multiply, "mul", true)),
    wasmKernel(tf.Add, binary(tf.Add, "add", true)),
    wasmKernel(tf.Sub, binary(tf.Sub, "sub", false)),
    wasmKernel(tf.Step, step),
    wasmKernel(tf.Relu, relu),
  ];
}
