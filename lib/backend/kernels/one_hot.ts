/**
 * A correct `OneHot` for tfjs-backend-wasm. The backend's own kernel writes the on/off values as integers
 * whatever the output dtype, so `tf.oneHot(indices, depth, 1, 0, "float32")` holds the bit pattern of the
 * integer 1 (1.4e-45) instead of 1.0. Here the output is filled in JS in its own dtype: `offValue`
 * everywhere, `onValue` at each in-range index (out-of-range indices give an all-`offValue` row), as on the
 * cpu backend.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { type KernelArgs, type WasmBackend, wasmKernelConfig } from "./compose.ts";

/** Attributes tfjs passes to `OneHot`. */
interface OneHotAttrs {
  dtype: tf.DataType;
  depth: number;
  onValue: number;
  offValue: number;
}

/** The kernel function: inputs `{indices}` (int32), attrs `{dtype, depth, onValue, offValue}`. */
export function oneHot(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { indices } = args.inputs;
  const { dtype, depth, onValue, offValue } = args.attrs as unknown as OneHotAttrs;
  const out = backend.makeOutput([...indices.shape, depth], dtype);
  const dst = backend.typedArrayFromHeap(out);
  dst.fill(offValue);
  const ids = backend.typedArrayFromHeap(indices);
  for (let i = 0; i < ids.length; i++) {
    const k = ids[i];
    if (k >= 0 && k < depth) dst[i * depth + k] = onValue;
  }
  return out;
}

/** The kernel config registered on the wasm backend (replacing the backend's `OneHot`). */
export const oneHotConfig: tf.KernelConfig = wasmKernelConfig(tf.OneHot, oneHot);
