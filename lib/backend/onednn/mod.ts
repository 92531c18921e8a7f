/**
 * The `onednn` backend: tfjs-backend-wasm with its heavy training kernels replaced by oneDNN primitives
 * (through Deno's FFI, on the wasm heap, no copies):
 *
 * | kernel                                        | oneDNN primitive                                   |
 * | --------------------------------------------- | -------------------------------------------------- |
 * | `Conv2D`, `FusedConv2D` (bias, ReLU)          | convolution forward (+ bias, ReLU post-op) (`conv2d.ts`) |
 * | `Conv2DBackpropInput`, `Conv2DBackpropFilter` | convolution backward data / weights (`conv2d.ts`)  |
 * | `SslBatchNormTrain`, `SslBatchNormTrainGrad`  | batch normalisation forward / backward (`batch_norm.ts`) |
 * | `BatchMatMul`, `_FusedMatMul` (bias, ReLU)    | matmul (`matmul.ts`)                               |
 * | `MaxPool`, `MaxPoolGrad`                      | max pooling forward / backward (`max_pool.ts`)     |
 * | large `Multiply`, `Add`, `Sub`, `Step`, `Relu` | binary / eltwise (`elementwise.ts`)              |
 *
 * Everything else stays a wasm kernel (`../wasm_kernels.ts`); a call a primitive does not cover goes to the
 * kernel registered before. Threads: the primitives use `threads` OpenMP threads on the calling thread (each
 * Worker sets its own), see {@link defaultOnednnThreads}.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { BN_TRAIN, BN_TRAIN_GRAD } from "../kernels/batch_norm.ts";
import { batchNormKernelConfigs, BatchNormKernels } from "./batch_norm.ts";
import { elementwiseKernelConfigs, ElementwiseKernels } from "./elementwise.ts";
import { convKernelConfigs, ConvKernels } from "./conv2d.ts";
import { loadOnednn, type Onednn } from "./ffi.ts";
import type { Fallbacks, KernelImpl } from "./primitive.ts";
import { matMulKernelConfigs, MatMulKernels } from "./matmul.ts";
import { maxPoolKernelConfigs, MaxPoolKernels } from "./max_pool.ts";

/** What {@link registerOnednnKernels} reports. */
export interface OnednnBackendInfo {
  /** oneDNN version, e.g. "2.6.3". */
  version: string;
  /** The library file opened. */
  file: string;
  /** The JIT's instruction set, e.g. "avx512_core". */
  isa: string;
  /** Threading runtime. */
  runtime: string;
  /** Threads the primitives use on this thread. */
  threads: number;
}

const fallbacks: Fallbacks = new Map();
const previous = new Map<string, tf.KernelConfig | undefined>();
let state:
  | {
    onednn: Onednn;
    conv: ConvKernels;
    bn: BatchNormKernels;
    matmul: MatMulKernels;
    pool: MaxPoolKernels;
    elementwise: ElementwiseKernels;
  }
  | null = null;

function kernels() {
  if (!state) throw new Error("oneDNN kernels used before registerOnednnKernels");
  return state;
}

function configs(): tf.KernelConfig[] {
  return [
    ...convKernelConfigs(() => kernels().conv, fallbacks),
    ...batchNormKernelConfigs(() => kernels().bn, { forward: BN_TRAIN, backward: BN_TRAIN_GRAD }, fallbacks),
    ...matMulKernelConfigs(() => kernels().matmul, fallbacks),
    ...maxPoolKernelConfigs(() => kernels().pool, fallbacks),
    ...elementwiseKernelConfigs(() => kernels().elementwise, fallbacks),
  ];
}

/** Names of the kernels the oneDNN backend replaces on wasm. */
export const ONEDNN_KERNEL_NAMES: readonly string[] = [
  tf.Conv2D,
  tf.FusedConv2D,
  tf.Conv2DBackpropInput,
  tf.Conv2DBackpropFilter,
  BN_TRAIN,
  BN_TRAIN_GRAD,
  tf.BatchMatMul,
  tf._FusedMatMul,
  tf.MaxPool,
  tf.MaxPoolGrad,
  tf.Multiply,
  tf.Add,
  tf.Sub,
  tf.Step,
  tf.Relu,
];

/**
 * Threads for this thread's primitives: `SSL_THREADS` when set, else 1 inside a Worker (run pools put one
 * run per core, and each run must not take the others' cores) and every core on the main thread.
 */
export function defaultOnednnThreads(): number {
  const env = Number(Deno.env.get("SSL_THREADS"));
  if (Number.isInteger(env) && env > 0) return env;
  const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined" &&
    globalThis instanceof
      (globalThis as unknown as { WorkerGlobalScope: new () => unknown }).WorkerGlobalScope;
  return inWorker ? 1 : navigator.hardwareConcurrency || 1;
}

/** Threads this thread's oneDNN primitives use (0 before oneDNN is loaded). */
export function onednnThreads(): number {
  return state ? state.onednn.threads() : 0;
}

/** Whether this thread's wasm backend currently runs the oneDNN kernels. */
export function onednnKernelsActive(): boolean {
  return state !== null && previous.size > 0;
}

/**
 * Load oneDNN and register its kernels on the wasm backend, over whatever is registered (call it after
 * `registerWasmTrainingKernels`). Returns what was loaded, or `{reason}` (one line) when oneDNN is missing or
 * unsupported, in which case nothing changes. Idempotent.
 */
export function registerOnednnKernels(
  threads = defaultOnednnThreads(),
): OnednnBackendInfo | { reason: string } {
  const load = loadOnednn();
  if (!load.ok) return { reason: load.reason };
  const onednn = load.onednn;
  onednn.setThreads(threads);
  if (!state) {
    state = {
      onednn,
      conv: new ConvKernels(onednn),
      bn: new BatchNormKernels(onednn),
      matmul: new MatMulKernels(onednn),
      pool: new MaxPoolKernels(onednn),
      elementwise: new ElementwiseKernels(onednn),
    };
  }
  if (previous.size === 0) {
    for (const config of configs()) {
      const existing = tf.getKernel(config.kernelName, "wasm");
      previous.set(config.kernelName, existing);
      if (existing) {
        fallbacks.set(config.kernelName, existing.kernelFunc as unknown as KernelImpl);
        tf.unregisterKernel(config.kernelName, "wasm");
      }
      tf.registerKernel(existing?.setupFunc ? { ...config, setupFunc: existing.setupFunc } : config);
    }
  }
  return {
    version: onednn.version,
    file: onednn.file,
    isa: onednn.isa,
    runtime: onednn.runtime,
    threads: onednn.threads(),
  };
}

/** Put back the kernels {@link registerOnednnKernels} replaced (the wasm-only path), freeing the primitives. */
export function unregisterOnednnKernels(): void {
  for (const [name, config] of previous) {
    tf.unregisterKernel(name, "wasm");
    if (config) tf.registerKernel(config);
  }
  previous.clear();
  fallbacks.clear();
  if (state) {
    state.conv.clear();
    state.bn.clear();
    state.matmul.clear();
    state.pool.clear();
    state.elementwise.clear();
  }
}
