/**
 * `Identity` and `Cast` for tfjs-backend-wasm that share the input's memory instead of copying it.
 *
 * tfjs' engine clones (`Identity`) every tensor it saves for the backward pass, and `tf.cast` to the tensor's
 * own dtype runs `Cast`; tfjs-backend-wasm copies the data in both (≈ 2.7% of a ResNet step, and one extra
 * copy of every saved activation alive until the backward pass). Tensors are immutable, so the output can be
 * a new view of the same data with its reference count increased, exactly as `Reshape` on this backend and
 * `Identity` on the cpu backend do. A `Cast` to another dtype converts (to `bool`: `x ≠ 0`, as the cpu
 * backend; to `int32`: truncation).
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { type KernelArgs, type WasmBackend, wasmKernelConfig } from "./compose.ts";

/** The wasm backend's reference counting (present on `BackendWasm`, not in its public type). */
interface RefCounted {
  incRef(dataId: tf.DataId): void;
}

function share(backend: WasmBackend, x: tf.TensorInfo, dtype: tf.DataType = x.dtype): tf.TensorInfo {
  (backend as unknown as RefCounted).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype };
}

/** The `Identity` kernel function: a view of `x` (string tensors too: their bytes are immutable as well). */
export function identity(args: KernelArgs): tf.TensorInfo {
  return share(args.backend as WasmBackend, args.inputs.x);
}

/** The `Cast` kernel function: a view when the dtype does not change, else a converted copy. */
export function cast(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x } = args.inputs;
  const dtype = (args.attrs as { dtype: tf.DataType }).dtype;
  if (dtype === x.dtype) return share(backend, x);
  if (dtype !== "float32" && dtype !== "int32" && dtype !== "bool") {
    throw new Error(`wasm Cast: unsupported cast from ${x.dtype} to ${dtype}`);
  }
  const out = backend.makeOutput(x.shape, dtype);
  const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
  if (dtype === "bool") {
    for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  } else dst.set(src);
  return out;
}

/** The `Identity` config registered on the wasm backend. */
export const identityConfig: tf.KernelConfig = wasmKernelConfig(tf.Identity, identity);

/** The `Cast` config registered on the wasm backend. */
export const castConfig: tf.KernelConfig = wasmKernelConfig(tf.Cast, cast);
