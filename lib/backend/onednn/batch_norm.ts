/**
 * The suite's fused training batch norm (`SslBatchNormTrain`, `SslBatchNormTrainGrad`, see
 * `../kernels/batch_norm.ts` for the contract) as oneDNN batch-normalisation primitives, multi-threaded.
 *
 * The data is viewed as channels-last: NHWC for rank 4, `[rows, C]` otherwise. The forward pass is one
 * `forward_training` primitive (statistics, scale and shift, and the ReLU when fused). oneDNN's backward pass
 * with a fused ReLU needs the forward pass's workspace (which outputs were positive), which the kernel contract
 * does not carry between the two kernels; the backward kernel therefore recomputes it with a second forward
 * primitive that uses the saved statistics (`use_global_stats`), a memory-bound pass, before the backward
 * primitive itself.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { KernelArgs, WasmBackend } from "../kernels/compose.ts";
import type { BatchNormTrainAttrs } from "../kernels/batch_norm.ts";
import { ARG, BN_FLAG, check, type Onednn, OP_DESC_BYTES, PROP, QUERY, TAG } from "./ffi.ts";
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

/** oneDNN's logical shape and tag for channels-last `shape`. */
function dataLayout(shape: readonly number[]): { dims: number[]; tag: number } {
  const c = shape[shape.length - 1];
  if (shape.length === 4) return { dims: [shape[0], c, shape[1], shape[2]], tag: TAG.nhwc };
  return { dims: [tf.util.sizeFromShape([...shape]) / c, c], tag: TAG.ab };
}

class Plan implements Destroyable {
  constructor(
    readonly forward: Primitive,
    /** Forward with the saved statistics, to recompute the ReLU workspace (ReLU only). */
    readonly replay: Primitive | null,
    readonly backward: Primitive,
    readonly workspace: Scratch | null,
    readonly keep: unknown[],
  ) {}
  destroy(): void {
    this.forward.destroy();
    this.replay?.destroy();
    this.backward.destroy();
  }
}

/** Per-thread oneDNN state of the batch-norm kernels. */
export class BatchNormKernels {
  #plans = new PrimitiveCache<Plan>(64);
  constructor(readonly onednn: Onednn) {}

  #plan(shape: readonly number[], attrs: BatchNormTrainAttrs): Plan {
    return this.#plans.get(`${shape.join(",")}|${attrs.epsilon}|${attrs.relu}`, () => {
      const fn = this.onednn.fn;
      const { dims, tag } = dataLayout(shape);
      const data = memoryDesc(this.onednn, dims, tag);
      const stat = memoryDesc(this.onednn, [dims[1]], TAG.a);
      const flags = BN_FLAG.scale | BN_FLAG.shift | (attrs.relu ? BN_FLAG.fuseRelu : 0);
      const fwdDesc = new Uint8Array(OP_DESC_BYTES);
      check(
        fn.dnnl_batch_normalization_forward_desc_init(
          fwdDesc,
          PROP.forwardTraining,
          data,
          attrs.epsilon,
          flags,
        ),
        "dnnl_batch_normalization_forward_desc_init",
      );
      const forward = new Primitive(this.onednn, fwdDesc);
      forward.bind(ARG.src, data).bind(ARG.scale, stat).bind(ARG.shift, stat).bind(ARG.dst, data)
        .bind(ARG.mean, stat).bind(ARG.variance, stat);
      let workspace: Scratch | null = null;
      let replay: Primitive | null = null;
      const replayDesc = new Uint8Array(OP_DESC_BYTES);
      if (attrs.relu) {
        workspace = new Scratch(forward.size(QUERY.workspaceMd));
        forward.bind(ARG.workspace, forward.md(QUERY.workspaceMd));
        check(
          fn.dnnl_batch_normalization_forward_desc_init(
            replayDesc,
            PROP.forwardTraining,
            data,
            attrs.epsilon,
            flags | BN_FLAG.globalStats,
          ),
          "dnnl_batch_normalization_forward_desc_init",
        );
        replay = new Primitive(this.onednn, replayDesc);
        replay.bind(ARG.src, data).bind(ARG.mean, stat).bind(ARG.variance, stat).bind(ARG.scale, stat)
          .bind(ARG.shift, stat).bind(ARG.dst, data).bind(ARG.workspace, replay.md(QUERY.workspaceMd));
      }
      const bwdDesc = new Uint8Array(OP_DESC_BYTES);
      check(
        fn.dnnl_batch_normalization_backward_desc_init(
          bwdDesc,
          PROP.backward,
          data,
          data,
          attrs.epsilon,
          flags,
        ),
        "dnnl_batch_normalization_backward_desc_init",
      );
      const backward = new Primitive(this.onednn, bwdDesc, null, forward.pd);
      backward.bind(ARG.src, data).bind(ARG.mean, stat).bind(ARG.variance, stat).bind(ARG.diffDst, data)
        .bind(ARG.scale, stat).bind(ARG.shift, stat);
      if (attrs.relu) backward.bind(ARG.workspace, backward.md(QUERY.workspaceMd));
      backward.bind(ARG.diffSrc, data).bind(ARG.diffScale, stat).bind(ARG.diffShift, stat);
      return new Plan(forward, replay, backward, workspace, [data, stat, fwdDesc, replayDesc, bwdDesc]);
    });
  }

  /** `[y, mean, variance]` of the training batch norm of `x`. */
  forward(
    backend: WasmBackend,
    x: tf.TensorInfo,
    gamma: tf.TensorInfo,
    beta: tf.TensorInfo,
    attrs: BatchNormTrainAttrs,
  ): tf.TensorInfo[] {
    const plan = this.#plan(x.shape, attrs);
    const c = x.shape[x.shape.length - 1];
    const y = backend.makeOutput(x.shape, "float32");
    const mean = backend.makeOutput([c], "float32");
    const variance = backend.makeOutput([c], "float32");
    const p = (t: tf.TensorInfo) => heapPointer(backend, t);
    const args = [p(x), p(gamma), p(beta), p(y), p(mean), p(variance)];
    if (plan.workspace) args.push(plan.workspace.pointer);
    plan.forward.run(...args);
    return [y, mean, variance];
  }

  /** `[dx, dgamma, dbeta]` given `dy` and what the forward pass saved. */
  backward(
    backend: WasmBackend,
    inputs: Record<"dy" | "x" | "gamma" | "beta" | "mean" | "variance", tf.TensorInfo>,
    attrs: BatchNormTrainAttrs,
  ): tf.TensorInfo[] {
    const { dy, x, gamma, beta, mean, variance } = inputs;
    const plan = this.#plan(x.shape, attrs);
    const c = x.shape[x.shape.length - 1];
    const dx = backend.makeOutput(x.shape, "float32");
    const dgamma = backend.makeOutput([c], "float32");
    const dbeta = backend.makeOutput([c], "float32");
    const p = (t: tf.TensorInfo) => heapPointer(backend, t);
    if (plan.replay) {
      // dx is overwritten by the backward pass; meanwhile it holds the replayed (unused) output.
      plan.replay.run(p(x), p(mean), p(variance), p(gamma), p(beta), p(dx), plan.workspace!.pointer);
      plan.backward.run(
        p(x),
        p(mean),
        p(variance),
        p(dy),
        p(gamma),
        p(beta),
        plan.workspace!.pointer,
        p(dx),
        p(dgamma),
        p(dbeta),
      );
    } else {
      plan.backward.run(p(x), p(mean), p(variance), p(dy), p(gamma), p(beta), p(dx), p(dgamma), p(dbeta));
    }
    return [dx, dgamma, dbeta];
  }

  /** Free every cached primitive. */
  clear(): void {
    this.#plans.clear();
  }
}

/** The forward and backward kernel configs (what they do not take goes to `fallbacks`: wrong shapes, dtypes). */
export function batchNormKernelConfigs(
  kernels: () => BatchNormKernels,
  names: { forward: string; backward: string },
  fallbacks: Fallbacks,
): tf.KernelConfig[] {
  const fallback = (name: string, args: KernelArgs) => runFallback(fallbacks, name, args);
  /** Whether the call is one the primitives take; anything else goes to the fallback, which explains. */
  const supported = (inputs: Record<string, tf.TensorInfo>) => {
    const { x, gamma, beta, dy } = inputs;
    const c = x.shape[x.shape.length - 1];
    return Object.values(inputs).every((t) => t.dtype === "float32") && x.shape.length >= 2 &&
      gamma.shape.length === 1 && gamma.shape[0] === c && beta.shape.length === 1 && beta.shape[0] === c &&
      tf.util.sizeFromShape(x.shape) >= 2 * c && (!dy || dy.shape.join() === x.shape.join());
  };
  const forward = (args: KernelArgs) => {
    if (!supported(args.inputs)) return fallback(names.forward, args);
    const { x, gamma, beta } = args.inputs;
    return kernels().forward(
      args.backend as WasmBackend,
      x,
      gamma,
      beta,
      args.attrs as unknown as BatchNormTrainAttrs,
    );
  };
  const backward = (args: KernelArgs) => {
    if (!supported(args.inputs)) return fallback(names.backward, args);
    return kernels().backward(
      args.backend as WasmBackend,
      args.inputs as Record<"dy" | "x" | "gamma" | "beta" | "mean" | "variance", tf.TensorInfo>,
      args.attrs as unknown as BatchNormTrainAttrs,
    );
  };
  return [
    wasmKernel(names.forward, forward),
    wasmKernel(names.backward, backward),
  ];
}
