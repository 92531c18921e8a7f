/**
 * `MaxPool` and `MaxPoolGrad` as oneDNN pooling primitives on the wasm heap (NHWC, multi-threaded).
 *
 * oneDNN's backward max pooling routes each gradient through the workspace (the arg-max of each window) of
 * a `forward_training` pass, which tfjs' `MaxPoolGrad` contract (`{dy, input, output}`) does not carry, so the
 * gradient kernel re-runs the forward pass into a temporary first: two memory-bound passes, still several
 * times faster than the single-threaded JS kernel (`../kernels/max_pool_grad.ts`) it replaces. Windows are
 * clipped at the padding as in tfjs; each gradient goes to one maximum of its window (ties, which need equal
 * floats, may pick another one than the cpu backend's first).
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { KernelArgs, WasmBackend } from "../kernels/compose.ts";
import { ARG, check, dims, type Onednn, OP_DESC_BYTES, PROP, QUERY, TAG } from "./ffi.ts";
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

/** `dnnl_pooling_max`. */
const POOLING_MAX = 511;

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

class Plan implements Destroyable {
  constructor(
    readonly inference: Primitive,
    readonly training: Primitive,
    readonly backward: Primitive,
    readonly workspace: Scratch,
    readonly keep: unknown[],
  ) {}
  destroy(): void {
    this.inference.destroy();
    this.training.destroy();
    this.backward.destroy();
  }
}

/** Per-thread oneDNN state of the pooling kernels. */
export class MaxPoolKernels {
  #plans = new PrimitiveCache<Plan>(64);
  constructor(readonly onednn: Onednn) {}

  #plan(info: tf.backend_util.Conv2DInfo): Plan {
    const key = [
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
      info.filterHeight,
      info.filterWidth,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.bottom,
      info.padInfo.left,
      info.padInfo.right,
    ].join(",");
    return this.#plans.get(key, () => {
      const fn = this.onednn.fn;
      const src = memoryDesc(
        this.onednn,
        [info.batchSize, info.inChannels, info.inHeight, info.inWidth],
        TAG.nhwc,
      );
      const dst = memoryDesc(
        this.onednn,
        [info.batchSize, info.outChannels, info.outHeight, info.outWidth],
        TAG.nhwc,
      );
      const geometry = [
        dims([info.strideHeight, info.strideWidth]),
        dims([info.filterHeight, info.filterWidth]),
        dims([0, 0]),
        dims([info.padInfo.top, info.padInfo.left]),
        dims([info.padInfo.bottom, info.padInfo.right]),
      ] as const;
      const forward = (prop: number) => {
        const desc = new Uint8Array(OP_DESC_BYTES);
        check(
          fn.dnnl_pooling_v2_forward_desc_init(desc, prop, POOLING_MAX, src, dst, ...geometry),
          "dnnl_pooling_v2_forward_desc_init",
        );
        return { desc, primitive: new Primitive(this.onednn, desc) };
      };
      const inference = forward(PROP.forwardInference);
      inference.primitive.bind(ARG.src, src).bind(ARG.dst, dst);
      const training = forward(PROP.forwardTraining);
      const workspace = new Scratch(training.primitive.size(QUERY.workspaceMd));
      training.primitive.bind(ARG.src, src).bind(ARG.dst, dst)
        .bind(ARG.workspace, training.primitive.md(QUERY.workspaceMd));
      const bwdDesc = new Uint8Array(OP_DESC_BYTES);
      check(
        fn.dnnl_pooling_v2_backward_desc_init(bwdDesc, POOLING_MAX, src, dst, ...geometry),
        "dnnl_pooling_v2_backward_desc_init",
      );
      const backward = new Primitive(this.onednn, bwdDesc, null, training.primitive.pd);
      backward.bind(ARG.diffDst, dst).bind(ARG.workspace, backward.md(QUERY.workspaceMd)).bind(
        ARG.diffSrc,
        src,
      );
      return new Plan(inference.primitive, training.primitive, backward, workspace, [
        src,
        dst,
        geometry,
        inference.desc,
        training.desc,
        bwdDesc,
      ]);
    });
  }

  /** The max pool of `x`. */
  forward(backend: WasmBackend, info: tf.backend_util.Conv2DInfo, x: tf.TensorInfo): tf.TensorInfo {
    const plan = this.#plan(info);
    const out = backend.makeOutput(
      [info.batchSize, info.outHeight, info.outWidth, info.outChannels],
      "float32",
    );
    plan.inference.run(heapPointer(backend, x), heapPointer(backend, out));
    return out;
  }

  /** dL/dx of the max pool of `x` given `dy`. */
  backward(
    backend: WasmBackend,
    info: tf.backend_util.Conv2DInfo,
    dy: tf.TensorInfo,
    x: tf.TensorInfo,
  ): tf.TensorInfo {
    const plan = this.#plan(info);
    const replayed = backend.makeOutput(dy.shape, "float32");
    const dx = backend.makeOutput(x.shape, "float32");
    try {
      plan.training.run(heapPointer(backend, x), heapPointer(backend, replayed), plan.workspace.pointer);
      plan.backward.run(heapPointer(backend, dy), plan.workspace.pointer, heapPointer(backend, dx));
    } finally {
      backend.disposeData(replayed.dataId);
    }
    return dx;
  }

  /** Free every cached primitive. */
  clear(): void {
    this.#plans.clear();
  }
}

/** The `MaxPool` and `MaxPoolGrad` configs (non-float32 inputs and NCHW go to `fallbacks`). */
export function maxPoolKernelConfigs(
  kernels: () => MaxPoolKernels,
  fallbacks: Fallbacks,
): tf.KernelConfig[] {
  const fallback = (name: string, args: KernelArgs) => runFallback(fallbacks, name, args);
  const poolInfo = (x: tf.TensorInfo, a: PoolAttrs) =>
    tf.backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
  const forward = (args: KernelArgs) => {
    const { x } = args.inputs;
    const a = args.attrs as unknown as PoolAttrs & { dataFormat?: string };
    if (x.dtype !== "float32" || x.shape.length !== 4 || a.dataFormat === "NCHW") {
      return fallback(tf.MaxPool, args);
    }
    return kernels().forward(args.backend as WasmBackend, poolInfo(x, a), x);
  };
  const backward = (args: KernelArgs) => {
    const { dy, input } = args.inputs;
    const a = args.attrs as unknown as PoolAttrs;
    if (dy.dtype !== "float32" || input.dtype !== "float32") return fallback(tf.MaxPoolGrad, args);
    return kernels().backward(args.backend as WasmBackend, poolInfo(input, a), dy, input);
  };
  return [
    wasmKernel(tf.MaxPool, forward),
    wasmKernel(tf.MaxPoolGrad, backward),
  ];
}
