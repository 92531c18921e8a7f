/**
 * Composing new wasm kernels out of the kernels tfjs-backend-wasm already registers.
 *
 * A kernel function receives `TensorInfo`s (data ids, shapes, dtypes) and the backend; it may call other
 * kernels' functions directly, without going through the engine (no tape, no scopes, no per-op bookkeeping).
 * {@link KernelGraph} does exactly that and remembers every intermediate result, so that
 * {@link composedKernel} can free them all once the kernel's output is known. {@link wasmKernelConfig} turns
 * a kernel function (composed or not) into the config that registers it on the wasm backend.
 *
 * @module
 */
import { tf } from "../../tf.ts";

/** The parts of tfjs-backend-wasm's `BackendWasm` that composed kernels use (it is not exported as a type). */
export interface WasmBackend extends tf.KernelBackend {
  /** Allocate an output tensor on the wasm heap (optionally filled with `values`). */
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.TypedArray,
  ): tf.TensorInfo;
  /** A view (no copy) of a tensor's data on the wasm heap; invalidated when the heap grows. */
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  /** Decrease the reference count of `dataId`, freeing the memory when it reaches zero. */
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** A kernel's named inputs (tfjs types them as possibly undefined; a kernel receives all of them). */
export type KernelInputs = Record<string, tf.TensorInfo>;

/** A kernel function's arguments, as tfjs passes them. */
export interface KernelArgs {
  inputs: KernelInputs;
  attrs?: tf.NamedAttrMap;
  backend: tf.KernelBackend;
}

/**
 * A scratch space for one kernel invocation: runs other wasm kernels and tracks their outputs as
 * temporaries. Call {@link KernelGraph.keep} on the result to return and {@link KernelGraph.dispose} at the end.
 */
export class KernelGraph {
  #temps: tf.TensorInfo[] = [];

  constructor(readonly backend: WasmBackend, readonly backendName = "wasm") {}

  /** Run the registered kernel `name` of this backend on `inputs`; the output is a temporary. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const config = tf.getKernel(name, this.backendName);
    if (!config) throw new Error(`kernel ${name} is not registered for backend ${this.backendName}`);
    const out = config.kernelFunc({ inputs, attrs, backend: this.backend });
    if (Array.isArray(out)) {
      this.#temps.push(...out);
      if (out.length !== 1) throw new Error(`kernel ${name} returned ${out.length} outputs; use runMulti`);
      return out[0];
    }
    this.#temps.push(out);
    return out;
  }

  /** Track a tensor made elsewhere (e.g. by `backend.makeOutput`) as a temporary. */
  track(info: tf.TensorInfo): tf.TensorInfo {
    this.#temps.push(info);
    return info;
  }

  /** Reshape (shares the data). */
  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  /** Transpose by `perm`. */
  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }

  /** Contiguous slice. */
  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.run("Slice", { x }, { begin, size });
  }

  /**
   * Rows `[start, start + size)` of `x` along its first axis: a contiguous range, copied with one memcpy
   * (tfjs-backend-wasm's `Slice` first downloads the whole input).
   */
  chunk(x: tf.TensorInfo, start: number, size: number): tf.TensorInfo {
    const rest = x.shape.slice(1);
    const inner = rest.reduce((a, b) => a * b, 1);
    const out = this.track(this.backend.makeOutput([size, ...rest], x.dtype));
    const src = this.backend.typedArrayFromHeap(x);
    this.backend.typedArrayFromHeap(out).set(src.subarray(start * inner, (start + size) * inner));
    return out;
  }

  /** A tensor of zeros. */
  zeros(shape: number[], dtype: tf.DataType = "float32"): tf.TensorInfo {
    return this.run("Fill", {}, { shape, value: 0, dtype });
  }

  /** Free the temporary `info` now (e.g. a per-chunk operand, so that a matmul's cached packing goes too). */
  free(info: tf.TensorInfo): void {
    const i = this.#temps.lastIndexOf(info);
    if (i >= 0) {
      this.#temps.splice(i, 1);
      this.backend.disposeData(info.dataId);
    }
  }

  /** Remove `info` from the temporaries (it becomes the caller's) and return it. */
  keep(info: tf.TensorInfo): tf.TensorInfo {
    const i = this.#temps.lastIndexOf(info);
    if (i >= 0) this.#temps.splice(i, 1);
    return info;
  }

  /** Free every temporary that was not kept. */
  dispose(): void {
    for (const t of this.#temps) this.backend.disposeData(t.dataId);
    this.#temps = [];
  }
}

/**
 * Wrap a composed implementation into a tfjs `KernelFunc`: the graph's temporaries are freed after `impl`
 * returns (or throws), except the returned output.
 */
export function composedKernel(
  impl: (g: KernelGraph, inputs: KernelInputs, attrs: tf.NamedAttrMap) => tf.TensorInfo,
): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args as unknown as KernelArgs;
    const g = new KernelGraph(backend as WasmBackend);
    try {
      return g.keep(impl(g, inputs, attrs ?? {}));
    } finally {
      g.dispose();
    }
  };
}

/** The config that registers `kernelFunc` as the kernel `kernelName` of the wasm backend. */
export function wasmKernelConfig(
  kernelName: string,
  kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[],
): tf.KernelConfig {
  return { kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
