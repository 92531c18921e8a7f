/**
 * `UnsortedSegmentSum` for tfjs-backend-wasm (which has none, tfjs#8474); it is what the gradient of
 * `tf.gather` (embeddings, memory banks, token selection) calls.
 *
 * `out[s, ...] = Σ_{i : ids[i] = s} x[i, ...]` for `x` of shape [...ids.shape, ...inner] and
 * `out` of shape [numSegments, ...inner]. Ids outside [0, numSegments) are dropped, as on the cpu backend.
 * One pass over `x` in JS on the wasm heap (no copies); `x` may be float32 or int32.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { type KernelArgs, type WasmBackend, wasmKernelConfig } from "./compose.ts";

/** The kernel function: inputs `{x, segmentIds}`, attrs `{numSegments}`. */
export function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, segmentIds } = args.inputs;
  const numSegments = (args.attrs as { numSegments: number }).numSegments;
  const numIds = tf.util.sizeFromShape(segmentIds.shape);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = tf.util.sizeFromShape(innerShape);
  if (tf.util.sizeFromShape(x.shape) !== numIds * inner) {
    throw new Error(
      `UnsortedSegmentSum: x shape ${x.shape} does not start with ids shape ${segmentIds.shape}`,
    );
  }
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  // Views are taken after the allocation above, which may grow (and detach) the heap.
  const acc = backend.typedArrayFromHeap(out);
  acc.fill(0);
  const xs = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < numIds; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const o = s * inner, j = i * inner;
    for (let k = 0; k < inner; k++) acc[o + k] += xs[j + k];
  }
  return out;
}

/** The kernel config registered on the wasm backend. */
export const unsortedSegmentSumConfig: tf.KernelConfig = wasmKernelConfig(
  tf.UnsortedSegmentSum,
  unsortedSegmentSum,
);
