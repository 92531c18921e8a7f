/**
 * `Conv2DBackpropFilter` for tfjs-backend-wasm (which has none, tfjs#8082): the gradient of a 2-D convolution
 * with respect to its filter, computed by XNNPACK, in one of two ways chosen by shape
 * ({@link conv2dFilterGradOptions}):
 *
 * With `x` [B, H, W, Ci] and `dy` [B, OH, OW, Co], the filter gradient is
 * `dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[b, oh, ow, co]`.
 *
 * - **grid** (default where the zero gaps it adds cost ≤ 30% and KH·KW·Ci ≤ 512: ResNet-18-w16's stem,
 *   32×32 and 16×16 layers and every 1×1 shortcut): a chunked matrix product over output pixels laid out on
 *   a zero-gapped grid, per stride phase, where each filter tap is a fixed offset (see `gridFilterGrad`);
 *   on those shapes 15–40% faster than the convolution, and 3–6× faster for strided 1×1 filters.
 * - **conv**: a convolution in which the channels play the role of the batch and the batch the role of the
 *   channels: the "image" is `x` transposed to [Ci, H, W, B], the "filter" is `dy` transposed to
 *   [OH, OW, B, Co] dilated by the forward stride, and the output [Ci, KH, KW, Co] is transposed to
 *   [KH, KW, Ci, Co]. Two transposes and one forward convolution per group of images.
 *
 * `bench/conv_filter_grad.ts` times both on ResNet-18-w16's shapes.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { composedKernel, type KernelGraph, wasmKernelConfig } from "./compose.ts";
import { type Conv2DGradAttrs, conv2dGradInfo } from "./conv2d_grad_info.ts";

/** Attributes tfjs passes to `Conv2DBackpropFilter`. */
interface FilterGradAttrs extends Conv2DGradAttrs {
  filterShape: [number, number, number, number];
}

/**
 * The filter gradient [KH, KW, Ci, Co] of an NHWC convolution, composed of wasm kernels.
 * @param g where intermediate results live
 * @param x the forward input [B, H, W, Ci]
 * @param dy the gradient of the forward output [B, OH, OW, Co]
 * @param attrs the forward convolution's strides, padding and the filter shape
 */
export function conv2dFilterGrad(
  g: KernelGraph,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  attrs: FilterGradAttrs,
): tf.TensorInfo {
  const info = conv2dGradInfo(
    tf.Conv2DBackpropFilter,
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  // Padding after the input such that the dilated dy "filter" yields exactly KH x KW outputs; negative
  // when the last rows/columns of x are never read by the forward pass (then they are cut off).
  let bottom = filterHeight + (outHeight - 1) * sh - inHeight - top;
  let right = filterWidth + (outWidth - 1) * sw - inWidth - left;
  let xs = x;
  if (bottom < 0 || right < 0) {
    xs = g.slice(x, [0, 0, 0, 0], [
      batchSize,
      inHeight + Math.min(bottom, 0),
      inWidth + Math.min(right, 0),
      inChannels,
    ]);
    bottom = Math.max(bottom, 0);
    right = Math.max(right, 0);
  }
  const plan = gridPlan(info);
  if (useGrid(plan, outHeight * outWidth, inChannels)) return gridFilterGrad(g, x, dy, info, plan);
  // Images are processed in groups whose dy (the per-group "filter") fits in cache while XNNPACK sweeps it;
  // the 5-D transposes below are also far faster than the equivalent 4-D ones.
  const perImage = outHeight * outWidth * info.outChannels * 4;
  const group = groupSize(batchSize, Math.max(1, conv2dFilterGradOptions.groupBytes / perImage));
  const groups = batchSize / group;
  const xT = g.transpose(g.reshape(xs, [groups, group, xs.shape[1], xs.shape[2], inChannels]), [
    0,
    4,
    2,
    3,
    1,
  ]);
  const dyF = g.transpose(g.reshape(dy, [groups, group, outHeight, outWidth, info.outChannels]), [
    0,
    2,
    3,
    1,
    4,
  ]);
  const partials: tf.TensorInfo[] = [];
  for (let i = 0; i < groups; i++) {
    const xi = groups === 1 ? xT : g.chunk(xT, i, 1);
    const di = groups === 1 ? dyF : g.chunk(dyF, i, 1);
    partials.push(g.run("Conv2D", {
      x: g.reshape(xi, xT.shape.slice(1)), // [Ci, H, W, group]
      filter: g.reshape(di, dyF.shape.slice(1)), // [OH, OW, group, Co]
    }, {
      strides: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dilations: [sh, sw],
      dataFormat: "NHWC",
    })); // [Ci, KH, KW, Co]
  }
  const sum = partials.length === 1
    ? partials[0]
    : g.run("AddN", partials as unknown as tf.NamedTensorInfoMap);
  return g.transpose(sum, [1, 2, 0, 3]);
}

/** Tuning of the filter gradient (exported for benchmarks and tests). */
export const conv2dFilterGradOptions: {
  /** Target size in bytes of one image group's dy (the per-group convolution's filter). */
  groupBytes: number;
  /** Target size in bytes of one chunk of the grid path's transposed im2col matrix. */
  gridChunkBytes: number;
  /**
   * Stride-1 filters: `"grid"` (chunked GEMM over a zero-gapped pixel grid), `"conv"` (the grouped forward
   * convolution) or `"auto"` (grid unless the gaps would add more than {@link maxGridWaste} of the pixels).
   */
  method: "auto" | "grid" | "conv";
  /** Largest fraction of extra (gap) pixels for which `"auto"` takes the grid path. */
  maxGridWaste: number;
  /**
   * Largest KH·KW·Ci (rows of the grid path's products) for which `"auto"` takes the grid path: with many
   * input channels the grouped convolution was as fast or faster (ResNet-18-w16 shapes, batch 256).
   */
  maxGridRows: number;
} = { groupBytes: 1 << 20, gridChunkBytes: 1 << 20, method: "auto", maxGridWaste: 0.3, maxGridRows: 512 };

/** How one spatial axis maps onto the grid: tap k reads phase `q[k]` at offset `d[k]` from the output pixel. */
interface AxisGrid {
  /** Phase (input index mod stride) of each tap. */
  q: number[];
  /** Offset, in phase pixels, of each tap. */
  d: number[];
  /** Pixels of each phase image along the axis. */
  sizes: number[];
  /** Grid pitch: output size plus the zero gap. */
  pitch: number;
}

/**
 * Along one axis: input index `u = s·o + k − pad = s·(o + d) + q` for output `o` and tap `k`. Phase `q` holds the
 * inputs `s·i + q`; the pitch leaves enough zero pixels after each row (image) that every read of a valid
 * output either hits its phase's data or a zero, never the next row's (image's) data.
 */
function axisGrid(inSize: number, outSize: number, k: number, stride: number, pad: number): AxisGrid {
  const q: number[] = [], d: number[] = [];
  for (let t = 0; t < k; t++) {
    const u = t - pad;
    const dd = Math.floor(u / stride);
    d.push(dd);
    q.push(u - dd * stride);
  }
  const sizes = Array.from({ length: stride }, (_, p) => Math.max(0, Math.ceil((inSize - p) / stride)));
  let pitch = outSize;
  for (let t = 0; t < k; t++) {
    pitch = Math.max(pitch, outSize + d[t], sizes[q[t]] - Math.min(d[t], 0), sizes[q[t]]);
  }
  return { q, d, sizes, pitch };
}

/** The grid layout of a filter gradient. */
interface GridPlan {
  rows: AxisGrid;
  cols: AxisGrid;
}

function gridPlan(info: tf.backend_util.Conv2DInfo): GridPlan {
  return {
    rows: axisGrid(info.inHeight, info.outHeight, info.filterHeight, info.strideHeight, info.padInfo.top),
    cols: axisGrid(info.inWidth, info.outWidth, info.filterWidth, info.strideWidth, info.padInfo.left),
  };
}

function useGrid(plan: GridPlan, outPixels: number, inChannels: number): boolean {
  const o = conv2dFilterGradOptions;
  if (o.method !== "auto") return o.method === "grid";
  return plan.rows.pitch * plan.cols.pitch <= (1 + o.maxGridWaste) * outPixels &&
    plan.rows.q.length * plan.cols.q.length * inChannels <= o.maxGridRows;
}

/**
 * The filter gradient as ONE reduction over output pixels, chunked: dW[(kh, kw, ci), co] =
 * Σ_p X_q[ci, p + s(kh, kw)] · DY[p, co] over the positions p of a pixel grid on which every output row is
 * followed by zero columns and every image by zero rows. The input is split into stride phases (pixels
 * (s·i + qh, s·j + qw); one phase for stride 1), each laid out on the same grid, so that the input pixel a
 * filter tap reads is a fixed offset `s(kh, kw) = dh·pitch + dw` in a fixed phase, and reads that fall into
 * the padding land on zeros. The transposed im2col matrix of a chunk of positions is then KH·KW·Ci contiguous
 * copies out of the transposed phases X_q [Ci, grid], and each chunk is one XNNPACK matrix product
 * [KH·KW·Ci, chunk] × [chunk, Co] (its fast path: untransposed, unbatched), summed in float64. The products
 * cost the forward convolution's FLOPs plus the gaps' (≤ `maxGridWaste` of them under `"auto"`).
 */
function gridFilterGrad(
  g: KernelGraph,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  plan: GridPlan,
): tf.TensorInfo {
  const { batchSize: batch, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { rows, cols } = plan;
  const hp = rows.pitch, wp = cols.pitch;
  const len = batch * hp * wp;
  const backend = g.backend;
  // X_q [Ci, grid] for every phase some tap reads: the input's phase transposed onto the grid (gaps zero)
  const phases = new Map<number, tf.TensorInfo>();
  for (let a = 0; a < rows.q.length; a++) {
    for (let b = 0; b < cols.q.length; b++) {
      const key = rows.q[a] * sw + cols.q[b];
      if (phases.has(key)) continue;
      const qh = rows.q[a], qw = cols.q[b];
      const nh = rows.sizes[qh], nw = cols.sizes[qw];
      const xt = g.track(backend.makeOutput([ci, len], "float32"));
      const src = backend.typedArrayFromHeap(x) as Float32Array;
      const dst = backend.typedArrayFromHeap(xt) as Float32Array;
      dst.fill(0);
      const step = sw * ci;
      for (let bi = 0; bi < batch; bi++) {
        for (let i = 0; i < nh; i++) {
          // one input row (in cache) → Ci contiguous runs of the grid
          const row = (bi * hp + i) * wp, from = ((bi * h + sh * i + qh) * w + qw) * ci;
          for (let k = 0; k < ci; k++) {
            const to = k * len + row;
            for (let j = 0, f = from + k; j < nw; j++, f += step) dst[to + j] = src[f];
          }
        }
      }
      phases.set(key, xt);
    }
  }
  const taps: { phase: tf.TensorInfo; shift: number }[] = [];
  for (let a = 0; a < rows.q.length; a++) {
    for (let b = 0; b < cols.q.length; b++) {
      taps.push({ phase: phases.get(rows.q[a] * sw + cols.q[b])!, shift: rows.d[a] * wp + cols.d[b] });
    }
  }
  const m = taps.length * ci;
  const chunk = Math.max(64, Math.min(len, Math.floor(conv2dFilterGradOptions.gridChunkBytes / (4 * m))));
  const acc = new Float64Array(m * co);
  let lhs = g.track(backend.makeOutput([1, m, chunk], "float32"));
  for (let start = 0; start < len; start += chunk) {
    const n = Math.min(chunk, len - start);
    if (n !== chunk) lhs = g.track(backend.makeOutput([1, m, n], "float32"));
    // DY [chunk, Co]: dy on the grid (zero at the gaps). `b` must be a new tensor per product: tfjs caches a
    // packed copy of a matmul's `b` until it is disposed.
    const rhs = g.track(backend.makeOutput([1, n, co], "float32"));
    gridRowsOf(
      backend.typedArrayFromHeap(dy) as Float32Array,
      backend.typedArrayFromHeap(rhs) as Float32Array,
      {
        start,
        n,
        pitch: [hp, wp],
        size: [oh, ow],
        channels: co,
      },
    );
    const lv = backend.typedArrayFromHeap(lhs) as Float32Array;
    taps.forEach(({ phase, shift }, t) => {
      const xv = backend.typedArrayFromHeap(phase) as Float32Array;
      const lo = start + shift;
      const from = Math.max(lo, 0), to = Math.min(lo + n, len); // outside [0, len): padding, zeros
      for (let k = 0; k < ci; k++) {
        const row = (t * ci + k) * n;
        if (from > lo) lv.fill(0, row, row + Math.min(from - lo, n));
        if (to > from) lv.set(xv.subarray(k * len + from, k * len + to), row + (from - lo));
        if (to < lo + n) lv.fill(0, row + Math.max(to - lo, 0), row + n);
      }
    });
    const prod = g.run("BatchMatMul", { a: lhs, b: rhs }, { transposeA: false, transposeB: false });
    const pv = backend.typedArrayFromHeap(prod) as Float32Array;
    for (let i = 0; i < acc.length; i++) acc[i] += pv[i];
    g.free(prod);
    g.free(rhs);
  }
  return g.track(backend.makeOutput(info.filterShape.slice(), "float32", undefined, Float32Array.from(acc)));
}

/**
 * Grid positions [start, start + n) of an image tensor `src` [B, H, W, C] laid out on a grid of `pitch`
 * [rows per image, columns per row] ≥ its size, into `dst` (n·C values; gaps are zero): one copy per grid row.
 */
function gridRowsOf(
  src: Float32Array,
  dst: Float32Array,
  o: { start: number; n: number; pitch: [number, number]; size: [number, number]; channels: number },
): void {
  const [hp, wp] = o.pitch, [h, w] = o.size, c = o.channels, end = o.start + o.n;
  dst.fill(0);
  for (let p = o.start; p < end;) {
    const gridRow = Math.floor(p / wp), col = p - gridRow * wp;
    const r = gridRow % hp, b = (gridRow - r) / hp;
    const rowEnd = Math.min((gridRow + 1) * wp, end);
    const colEnd = Math.min(w, rowEnd - gridRow * wp);
    if (r < h && col < colEnd) {
      const from = ((b * h + r) * w + col) * c;
      dst.set(src.subarray(from, from + (colEnd - col) * c), (p - o.start) * c);
    }
    p = rowEnd;
  }
}

/** The divisor of `batch` closest (in ratio) to `target`. */
export function groupSize(batch: number, target: number): number {
  let best = 1;
  for (let d = 1; d <= batch; d++) {
    if (batch % d === 0 && Math.abs(Math.log(d / target)) < Math.abs(Math.log(best / target))) best = d;
  }
  return best;
}

/** The kernel config registered on the wasm backend. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = wasmKernelConfig(
  tf.Conv2DBackpropFilter,
  composedKernel((g, inputs, attrs) =>
    conv2dFilterGrad(g, inputs.x, inputs.dy, attrs as unknown as FilterGradAttrs)
  ),
);
