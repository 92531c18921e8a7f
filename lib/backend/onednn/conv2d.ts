/**
 * 2-D convolution and its two gradients as oneDNN primitives on the wasm backend's heap: `Conv2D`,
 * `FusedConv2D` (bias and ReLU fused as oneDNN post-ops), `Conv2DBackpropInput` and `Conv2DBackpropFilter`.
 *
 * Activations stay in tfjs' NHWC layout, which oneDNN 2.6's AVX-512 kernels (`brgconv`, `jit`) read and write
 * directly, so no activation is ever copied or reordered. Weights are HWIO in tfjs; each primitive is created
 * with weights in the layout oneDNN prefers (`format_tag_any`, a blocked layout) and gets a reorder of the
 * (small) filter into a scratch buffer. Measured on one AVX-512 core, batch 256 (`scratch` prototype, then
 * `deno task bench --kernel-profile`): 120-175 GFLOP/s for 3×3 convolutions of 16-128 channels, against
 * 35-100 GFLOP/s with HWIO weights (oneDNN then falls back to im2col + GEMM) and ~20 for XNNPACK under wasm.
 * The exception is the input gradient of a layer with very few input channels (the RGB stem), where the
 * blocked kernel is pathologically slow (0.5 s at 3 channels): there HWIO weights (GEMM) are used.
 *
 * A call the primitives do not cover (NCHW, dilated gradients, other fused activations, PReLU weights, non
 * float32) goes to the kernel that was registered before (`fallback`).
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { KernelArgs, WasmBackend } from "../kernels/compose.ts";
import { ALG, ARG, check, dims, type Onednn, OP_DESC_BYTES, PROP, QUERY, TAG } from "./ffi.ts";
import {
  type Destroyable,
  type Fallbacks,
  heapPointer,
  memoryDesc,
  Primitive,
  PrimitiveCache,
  reorder,
  runFallback,
  sameLayout,
  Scratch,
  wasmKernel,
  withReluPostOp,
} from "./primitive.ts";

/** Below this many input channels the input gradient uses HWIO weights (GEMM) instead of a blocked layout. */
export const BLOCKED_INPUT_GRAD_MIN_CHANNELS = 8;

/** The geometry of one convolution, in oneDNN's terms. */
interface Geometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strides: [number, number];
  /** oneDNN dilations: tfjs' minus one. */
  dilations: [number, number];
  padL: [number, number];
  padR: [number, number];
}

function geometry(info: tf.backend_util.Conv2DInfo): Geometry {
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight - 1, info.dilationWidth - 1],
    padL: [info.padInfo.top, info.padInfo.left],
    padR: [info.padInfo.bottom, info.padInfo.right],
  };
}

function geometryKey(g: Geometry): string {
  return [
    g.batch,
    g.inH,
    g.inW,
    g.inC,
    g.outH,
    g.outW,
    g.outC,
    g.kH,
    g.kW,
    ...g.strides,
    ...g.dilations,
    ...g.padL,
    ...g.padR,
  ]
    .join(",");
}

/** Memory descriptors of a geometry: NHWC activations, HWIO and "any" weights, the bias. */
function descs(onednn: Onednn, g: Geometry) {
  return {
    src: memoryDesc(onednn, [g.batch, g.inC, g.inH, g.inW], TAG.nhwc),
    dst: memoryDesc(onednn, [g.batch, g.outC, g.outH, g.outW], TAG.nhwc),
    weightsUser: memoryDesc(onednn, [g.outC, g.inC, g.kH, g.kW], TAG.hwio),
    weightsAny: memoryDesc(onednn, [g.outC, g.inC, g.kH, g.kW], TAG.any),
    bias: memoryDesc(onednn, [g.outC], TAG.a),
  };
}

/** A primitive plus the weights reorder and scratch it needs (when its weights layout is not HWIO). */
class ConvPlan implements Destroyable {
  constructor(
    readonly primitive: Primitive,
    readonly weightsReorder: Primitive | null,
    readonly weightsScratch: Scratch | null,
    /** The forward descriptor's buffers, kept alive while the primitive is. */
    readonly keep: unknown[],
  ) {}
  destroy(): void {
    this.primitive.destroy();
    this.weightsReorder?.destroy();
  }
}

/** Weights in HWIO (user) vs the primitive's layout: a reorder and scratch when they differ. */
function weightsStage(onednn: Onednn, p: Primitive, query: number, user: Uint8Array, toPrimitive: boolean) {
  const md = p.md(query);
  const userPtr = Deno.UnsafePointer.of(user as Uint8Array<ArrayBuffer>);
  if (sameLayout(onednn, md, userPtr)) return { reorder: null, scratch: null, md };
  const scratch = new Scratch(p.size(query));
  const r = toPrimitive ? reorder(onednn, userPtr, md) : reorder(onednn, md, userPtr);
  return { reorder: r, scratch, md };
}

function opDesc(): Uint8Array {
  return new Uint8Array(OP_DESC_BYTES);
}

/** Per-thread oneDNN state of the convolution kernels. */
export class ConvKernels {
  #forward = new PrimitiveCache<ConvPlan>();
  #inputGrad = new PrimitiveCache<ConvPlan>();
  #filterGrad = new PrimitiveCache<ConvPlan>();

  constructor(readonly onednn: Onednn) {}

  /** The forward primitive for `g` (optionally with a bias and a fused ReLU). */
  forwardPlan(g: Geometry, bias: boolean, relu: boolean): ConvPlan {
    return this.#forward.get(`${geometryKey(g)}|${bias}|${relu}`, () => {
      const fn = this.onednn.fn;
      const d = descs(this.onednn, g);
      const desc = opDesc();
      check(
        fn.dnnl_dilated_convolution_forward_desc_init(
          desc,
          PROP.forwardTraining,
          ALG.convolutionDirect,
          d.src,
          d.weightsAny,
          bias ? d.bias : null,
          d.dst,
          dims(g.strides),
          dims(g.dilations),
          dims(g.padL),
          dims(g.padR),
        ),
        "dnnl_dilated_convolution_forward_desc_init",
      );
      const p = withReluPostOp(this.onednn, relu, (attr) => new Primitive(this.onednn, desc, attr));
      const w = weightsStage(this.onednn, p, QUERY.weightsMd, d.weightsUser, true);
      p.bind(ARG.src, d.src).bind(ARG.weights, w.md);
      if (bias) p.bind(ARG.bias, d.bias);
      p.bind(ARG.dst, d.dst);
      return new ConvPlan(p, w.reorder, w.scratch, [d, desc]);
    });
  }

  /** The input-gradient primitive for `g`. */
  inputGradPlan(g: Geometry): ConvPlan {
    return this.#inputGrad.get(geometryKey(g), () => {
      const fn = this.onednn.fn;
      const hint = this.forwardPlan(g, false, false);
      const d = descs(this.onednn, g);
      const desc = opDesc();
      const weights = g.inC < BLOCKED_INPUT_GRAD_MIN_CHANNELS ? d.weightsUser : d.weightsAny;
      check(
        fn.dnnl_dilated_convolution_backward_data_desc_init(
          desc,
          ALG.convolutionDirect,
          d.src,
          weights,
          d.dst,
          dims(g.strides),
          dims(g.dilations),
          dims(g.padL),
          dims(g.padR),
        ),
        "dnnl_dilated_convolution_backward_data_desc_init",
      );
      const p = new Primitive(this.onednn, desc, null, hint.primitive.pd);
      const w = weightsStage(this.onednn, p, QUERY.weightsMd, d.weightsUser, true);
      p.bind(ARG.diffDst, d.dst).bind(ARG.weights, w.md).bind(ARG.diffSrc, d.src);
      return new ConvPlan(p, w.reorder, w.scratch, [d, desc]);
    });
  }

  /** The filter-gradient primitive for `g`. */
  filterGradPlan(g: Geometry): ConvPlan {
    return this.#filterGrad.get(geometryKey(g), () => {
      const fn = this.onednn.fn;
      const hint = this.forwardPlan(g, false, false);
      const d = descs(this.onednn, g);
      const desc = opDesc();
      check(
        fn.dnnl_dilated_convolution_backward_weights_desc_init(
          desc,
          ALG.convolutionDirect,
          d.src,
          d.weightsAny,
          null,
          d.dst,
          dims(g.strides),
          dims(g.dilations),
          dims(g.padL),
          dims(g.padR),
        ),
        "dnnl_dilated_convolution_backward_weights_desc_init",
      );
      const p = new Primitive(this.onednn, desc, null, hint.primitive.pd);
      const w = weightsStage(this.onednn, p, QUERY.diffWeightsMd, d.weightsUser, false);
      p.bind(ARG.src, d.src).bind(ARG.diffDst, d.dst).bind(ARG.diffWeights, w.md);
      return new ConvPlan(p, w.reorder, w.scratch, [d, desc]);
    });
  }

  /** `y = act(conv(x, filter) + bias)`; `x`, `filter`, `bias` on the wasm heap. */
  forward(
    backend: WasmBackend,
    info: tf.backend_util.Conv2DInfo,
    x: tf.TensorInfo,
    filter: tf.TensorInfo,
    bias: tf.TensorInfo | null,
    relu: boolean,
  ): tf.TensorInfo {
    const plan = this.forwardPlan(geometry(info), bias !== null, relu);
    const out = backend.makeOutput(
      [info.batchSize, info.outHeight, info.outWidth, info.outChannels],
      "float32",
    );
    const w = this.#stageWeightsIn(backend, plan, filter);
    const args = [heapPointer(backend, x), w];
    if (bias) args.push(heapPointer(backend, bias));
    args.push(heapPointer(backend, out));
    plan.primitive.run(...args);
    return out;
  }

  /** dL/dx of the convolution `info` given `dy`. */
  inputGrad(
    backend: WasmBackend,
    info: tf.backend_util.Conv2DInfo,
    dy: tf.TensorInfo,
    filter: tf.TensorInfo,
  ): tf.TensorInfo {
    const plan = this.inputGradPlan(geometry(info));
    const out = backend.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], "float32");
    const w = this.#stageWeightsIn(backend, plan, filter);
    plan.primitive.run(heapPointer(backend, dy), w, heapPointer(backend, out));
    return out;
  }

  /** dL/dfilter [KH, KW, Ci, Co] of the convolution `info` given its input `x` and `dy`. */
  filterGrad(
    backend: WasmBackend,
    info: tf.backend_util.Conv2DInfo,
    x: tf.TensorInfo,
    dy: tf.TensorInfo,
  ): tf.TensorInfo {
    const plan = this.filterGradPlan(geometry(info));
    const out = backend.makeOutput(
      [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels],
      "float32",
    );
    const target = plan.weightsScratch ? plan.weightsScratch.pointer : heapPointer(backend, out);
    plan.primitive.run(heapPointer(backend, x), heapPointer(backend, dy), target);
    if (plan.weightsReorder) plan.weightsReorder.run(plan.weightsScratch!.pointer, heapPointer(backend, out));
    return out;
  }

  #stageWeightsIn(backend: WasmBackend, plan: ConvPlan, filter: tf.TensorInfo): Deno.PointerValue {
    const user = heapPointer(backend, filter);
    if (!plan.weightsReorder) return user;
    plan.weightsReorder.run(user, plan.weightsScratch!.pointer);
    return plan.weightsScratch!.pointer;
  }

  /** Free every cached primitive. */
  clear(): void {
    this.#forward.clear();
    this.#inputGrad.clear();
    this.#filterGrad.clear();
  }
}

/** Attributes tfjs passes to `Conv2D` / `FusedConv2D`. */
interface ConvAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dilations: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
  activation?: string;
}

/** Attributes tfjs passes to the gradient kernels. */
interface ConvGradAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

function float32(...ts: (tf.TensorInfo | undefined)[]): boolean {
  return ts.every((t) => t === undefined || t.dtype === "float32");
}

/** The four kernel configs, each falling back to `fallbacks[name]` for what it does not cover. */
export function convKernelConfigs(
  kernels: () => ConvKernels,
  fallbacks: Fallbacks,
): tf.KernelConfig[] {
  const fallback = (name: string, args: KernelArgs) => runFallback(fallbacks, name, args);
  const forward = (name: string) => (args: KernelArgs) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs;
    const a = args.attrs as unknown as ConvAttrs;
    const activation = a.activation ?? "linear";
    if (
      a.dataFormat === "NCHW" || preluActivationWeights ||
      (activation !== "linear" && activation !== "relu") ||
      !float32(x, filter, bias) || (bias && bias.shape.length !== 1)
    ) {
      return fallback(name, args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      a.strides,
      a.dilations,
      a.pad,
      a.dimRoundingMode,
    );
    return kernels().forward(
      args.backend as WasmBackend,
      info,
      x,
      filter,
      bias ?? null,
      activation === "relu",
    );
  };
  const inputGrad = (args: KernelArgs) => {
    const { dy, filter } = args.inputs;
    const a = args.attrs as unknown as ConvGradAttrs;
    if (a.dataFormat === "NCHW" || !float32(dy, filter)) return fallback(tf.Conv2DBackpropInput, args);
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape!,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    return kernels().inputGrad(args.backend as WasmBackend, info, dy, filter);
  };
  const filterGrad = (args: KernelArgs) => {
    const { x, dy } = args.inputs;
    const a = args.attrs as unknown as ConvGradAttrs;
    if (a.dataFormat === "NCHW" || !float32(x, dy)) return fallback(tf.Conv2DBackpropFilter, args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape!,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    return kernels().filterGrad(args.backend as WasmBackend, info, x, dy);
  };
  return [
    wasmKernel(tf.Conv2D, forward(tf.Conv2D)),
    wasmKernel(tf.FusedConv2D, forward(tf.FusedConv2D)),
    wasmKernel(tf.Conv2DBackpropInput, inputGrad),
    wasmKernel(tf.Conv2DBackpropFilter, filterGrad),
  ];
}
