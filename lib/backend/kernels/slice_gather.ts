/**
 * `Slice` and `GatherV2` for tfjs-backend-wasm without the full copy of the input that the backend's own
 * kernels make first (`Slice` calls `readSync`, i.e. copies ALL of `x` off the heap to take a few rows;
 * `GatherV2` gathers element by element). Here both copy contiguous runs straight from a view of the heap:
 * a slice copies its innermost run per index of the other axes (one run when the slice is contiguous), a
 * gather copies one `x` slice of the trailing axes per index. String tensors go to the backend's kernels.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { type KernelArgs, type WasmBackend, wasmKernelConfig } from "./compose.ts";

/** The backend kernels replaced here, set by `registerWasmTrainingKernels` before replacing them. */
export const originalSliceGather = new Map<string, tf.KernelConfig>();

function original(name: string, args: KernelArgs): tf.TensorInfo {
  const config = originalSliceGather.get(name);
  if (!config) throw new Error(`wasm ${name}: the backend's own kernel was not recorded`);
  return config.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

/** Copy `n` values from `src[from…]` to `dst[to…]` (a loop for short runs, `set` for long ones). */
function copyRun(dst: tf.TypedArray, to: number, src: tf.TypedArray, from: number, n: number): void {
  if (n >= 32) dst.set(src.subarray(from, from + n), to);
  else for (let j = 0; j < n; j++) dst[to + j] = src[from + j];
}

/** The `Slice` kernel function: inputs `{x}`, attrs `{begin, size}`. */
export function slice(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x } = args.inputs;
  if (x.dtype === "string") return original(tf.Slice, args);
  const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
  const [b, s] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, size);
  const out = backend.makeOutput(s, x.dtype);
  const total = tf.util.sizeFromShape(s);
  if (total === 0) return out;
  const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0) {
    dst.set(src);
    return out;
  }
  const strides = tf.util.computeStrides(x.shape);
  const offset0 = b.reduce((acc, bi, i) => acc + bi * (i < rank - 1 ? strides[i] : 1), 0);
  // merge trailing axes the slice covers entirely into the innermost run
  let inner = rank - 1, run = s[rank - 1];
  while (inner > 0 && s[inner] === x.shape[inner]) {
    inner--;
    run *= s[inner];
  }
  // axes [0, inner) are iterated; axis `inner` and beyond form runs of `run` values
  if (inner === 0) {
    copyRun(dst, 0, src, offset0, run);
    return out;
  }
  const outer = s.slice(0, inner), idx = new Array(inner).fill(0);
  let from = offset0;
  for (let to = 0; to < total; to += run) {
    copyRun(dst, to, src, from, run);
    let d = inner - 1;
    while (d >= 0) {
      idx[d]++;
      from += strides[d];
      if (idx[d] < outer[d]) break;
      from -= idx[d] * strides[d];
      idx[d] = 0;
      d--;
    }
  }
  return out;
}

/** The `GatherV2` kernel function: inputs `{x, indices}`, attrs `{axis, batchDims}`. */
export function gatherV2(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, indices } = args.inputs;
  if (x.dtype === "string") return original(tf.GatherV2, args);
  const { axis, batchDims } = args.attrs as { axis: number; batchDims?: number };
  const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0];
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
    x as unknown as tf.Tensor,
    indices as unknown as tf.Tensor,
    parsedAxis,
    batchDims ?? 0,
  );
  const dimSize = x.shape[parsedAxis];
  const ids = backend.typedArrayFromHeap(indices);
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] <= dimSize - 1)) {
      throw new Error(`GatherV2: the index value ${ids[i]} is not in [0, ${dimSize - 1}]`);
    }
  }
  const out = backend.makeOutput(info.outputShape, x.dtype);
  if (tf.util.sizeFromShape(info.outputShape) === 0) return out;
  const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
  const idx = backend.typedArrayFromHeap(indices); // the view above may be detached by the allocation
  const { batchSize, outerSize, sliceSize } = info;
  const perBatch = ids.length / batchSize;
  let to = 0;
  for (let bi = 0; bi < batchSize; bi++) {
    for (let o = 0; o < outerSize; o++) {
      const base = (bi * outerSize + o) * dimSize;
      for (let i = 0; i < perBatch; i++, to += sliceSize) {
        copyRun(dst, to, src, (base + idx[bi * perBatch + i]) * sliceSize, sliceSize);
      }
    }
  }
  return out;
}

/** The `Slice` config registered on the wasm backend. */
export const sliceConfig: tf.KernelConfig = wasmKernelConfig(tf.Slice, slice);

/** The `GatherV2` config registered on the wasm backend. */
export const gatherV2Config: tf.KernelConfig = wasmKernelConfig(tf.GatherV2, gatherV2);
