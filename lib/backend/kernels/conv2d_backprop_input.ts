/**
 * A fast `Conv2DBackpropInput` for tfjs-backend-wasm: the gradient of a 2-D convolution with respect to its
 * input, computed by XNNPACK's forward convolution instead of the backend's slow transposed convolution.
 *
 * For stride 1 the input gradient is a convolution of `dy` with the filter flipped in space and with its
 * in/out channels swapped. For stride s it splits into s² "sub-pixel" phases: input rows `n` with
 * `(n + top) mod s = q` only receive the filter taps `q, q + s, q + 2s, …`, so each phase is a stride-1
 * convolution of `dy` with that (flipped, swapped) subset of taps. All phases run as ONE convolution whose
 * output channels are (phase row, phase column, channel): its output [B, T, T', s·s'·Ci] is turned into the
 * interleaved [B, s·T, s'·T', Ci] by a reshape, one cheap transpose (runs of s'·Ci floats) and a reshape.
 * Phases with fewer taps get zero taps, so a 3×3 stride-2 gradient costs 16/9 of the forward FLOPs, still far
 * below dilating `dy` with zeros (4×) and in a single efficient XNNPACK call. A strided 1×1 filter (ResNet
 * shortcuts) is one matrix product scattered onto the strided pixels instead (its phases would be s² − 1 zeros).
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { composedKernel, type KernelGraph, wasmKernelConfig } from "./compose.ts";
import { type Conv2DGradAttrs, conv2dGradInfo } from "./conv2d_grad_info.ts";

/** Attributes tfjs passes to `Conv2DBackpropInput`. */
interface InputGradAttrs extends Conv2DGradAttrs {
  inputShape: [number, number, number, number];
}

/** How one spatial axis splits into phases. */
interface AxisPlan {
  stride: number;
  /** First output block index: phase outputs cover `m = n + pad` from `stride · t0`. */
  t0: number;
  /** Rows per phase output. */
  count: number;
  /** Offset of input row 0 in the interleaved phase outputs. */
  offset: number;
}

function axisPlan(inSize: number, stride: number, padBefore: number): AxisPlan {
  const t0 = Math.floor(padBefore / stride);
  const count = Math.ceil((padBefore + inSize) / stride) - t0;
  return { stride, t0, count, offset: padBefore - stride * t0 };
}

/** Number of filter taps q, q + s, q + 2s, … below k. */
function tapsOf(k: number, q: number, s: number): number {
  return q >= k ? 0 : Math.ceil((k - q) / s);
}

/**
 * The range of `dy` rows a phase needs, as a slice plus zero padding: phase output t ∈ [t0, t0 + count)
 * reads `dy[t − (J − 1) … t]`.
 */
function dyWindow(plan: AxisPlan, taps: number, outSize: number) {
  const lo = plan.t0 - (taps - 1), hi = plan.t0 + plan.count - 1;
  const begin = Math.max(lo, 0), end = Math.min(hi, outSize - 1);
  return { begin, size: end - begin + 1, padBefore: begin - lo, padAfter: hi - end };
}

/**
 * The combined phase filter [JH, JW, Co, sy·sx·Ci] of `filter` [KH, KW, Ci, Co]: output channel block
 * (qy, qx) holds taps (qy + sy·j, qx + sx·i), flipped in space, in/out channels swapped, right-aligned in the
 * JH × JW window (leading zero taps for phases with fewer taps). Filters are small; this runs in JS.
 */
function phaseFilter(
  g: KernelGraph,
  filter: tf.TensorInfo,
  sy: number,
  sx: number,
  jh: number,
  jw: number,
): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const src = g.backend.typedArrayFromHeap(filter);
  const phases = sy * sx, oc = phases * ci;
  const dst = new Float32Array(jh * jw * co * oc);
  for (let qy = 0; qy < sy; qy++) {
    const jy = tapsOf(kh, qy, sy);
    for (let qx = 0; qx < sx; qx++) {
      const jx = tapsOf(kw, qx, sx);
      const block = (qy * sx + qx) * ci;
      for (let a = jh - jy; a < jh; a++) {
        const fy = qy + sy * (jh - 1 - a);
        for (let b = jw - jx; b < jw; b++) {
          const fx = qx + sx * (jw - 1 - b);
          const s0 = (fy * kw + fx) * ci * co, d0 = (a * jw + b) * co * oc + block;
          for (let o = 0; o < co; o++) {
            for (let i = 0; i < ci; i++) dst[d0 + o * oc + i] = src[s0 + i * co + o];
          }
        }
      }
    }
  }
  return g.track(g.backend.makeOutput([jh, jw, co, oc], "float32", undefined, dst));
}

/**
 * The input gradient [B, H, W, Ci] of an NHWC convolution, composed of wasm kernels.
 * @param g where intermediate results live
 * @param dy the gradient of the forward output [B, OH, OW, Co]
 * @param filter the forward filter [KH, KW, Ci, Co]
 * @param attrs the forward convolution's strides, padding and the input shape
 */
export function conv2dInputGrad(
  g: KernelGraph,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: InputGradAttrs,
): tf.TensorInfo {
  const info = conv2dGradInfo(
    tf.Conv2DBackpropInput,
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight: sy, strideWidth: sx } = info;
  const py = axisPlan(inHeight, sy, info.padInfo.top);
  const px = axisPlan(inWidth, sx, info.padInfo.left);
  const jh = tapsOf(filterHeight, 0, sy), jw = tapsOf(filterWidth, 0, sx); // phase 0 has the most taps
  const wy = dyWindow(py, jh, outHeight), wx = dyWindow(px, jw, outWidth);
  if (filterHeight === 1 && filterWidth === 1 && phases1x1(sy, sx)) {
    return pointwiseInputGrad(g, dy, filter, info);
  }
  const phases = sy * sx;
  let full: tf.TensorInfo;
  if (wy.size <= 0 || wx.size <= 0) {
    full = g.zeros([batchSize, py.count * sy, px.count * sx, inChannels]);
  } else {
    const whole = wy.begin === 0 && wy.size === outHeight && wx.begin === 0 && wx.size === outWidth;
    const dyq = whole
      ? dy
      : g.slice(dy, [0, wy.begin, wx.begin, 0], [batchSize, wy.size, wx.size, outChannels]);
    const out = g.run("Conv2D", { x: dyq, filter: phaseFilter(g, filter, sy, sx, jh, jw) }, {
      strides: [1, 1],
      pad: [[0, 0], [wy.padBefore, wy.padAfter], [wx.padBefore, wx.padAfter], [0, 0]],
      dilations: [1, 1],
      dataFormat: "NHWC",
    }); // [B, Ty, Tx, (qy, qx, ci)]
    if (phases === 1) {
      full = out;
    } else {
      const rows = g.reshape(out, [batchSize * py.count, px.count, sy, sx * inChannels]);
      full = g.reshape(g.transpose(rows, [0, 2, 1, 3]), [
        batchSize,
        py.count * sy,
        px.count * sx,
        inChannels,
      ]);
    }
  }
  if (full.shape[1] === inHeight && full.shape[2] === inWidth) return full;
  return g.slice(full, [0, py.offset, px.offset, 0], [batchSize, inHeight, inWidth, inChannels]);
}

/** Strided 1×1 filters take {@link pointwiseInputGrad} (the phase convolution would multiply zeros). */
function phases1x1(sy: number, sx: number): boolean {
  return sy * sx > 1;
}

/**
 * The input gradient of a strided 1×1 convolution: one XNNPACK product `dy [B·OH·OW, Co] × Wᵀ [Co, Ci]`
 * scattered onto the input pixels the forward pass read (`(s·i − top, s·j − left)`); every other pixel is 0.
 * The phase convolution would cost s² times the forward FLOPs, almost all of them on zero taps.
 */
function pointwiseInputGrad(
  g: KernelGraph,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { strideHeight: sy, strideWidth: sx } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  const n = batchSize * outHeight * outWidth;
  // Wᵀ as a new tensor: tfjs caches the packed `b` of a product until `b` is disposed
  const wt = g.transpose(g.reshape(filter, [ci, co]), [1, 0]);
  const prod = g.run("BatchMatMul", { a: g.reshape(dy, [1, n, co]), b: g.reshape(wt, [1, co, ci]) }, {
    transposeA: false,
    transposeB: false,
  });
  const out = g.zeros([batchSize, inHeight, inWidth, ci]);
  const src = g.backend.typedArrayFromHeap(prod) as Float32Array;
  const dst = g.backend.typedArrayFromHeap(out) as Float32Array;
  let from = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < outHeight; i++) {
      const r = sy * i - top;
      for (let j = 0; j < outWidth; j++, from += ci) {
        const c = sx * j - left;
        if (r < 0 || r >= inHeight || c < 0 || c >= inWidth) continue;
        const to = ((b * inHeight + r) * inWidth + c) * ci;
        for (let k = 0; k < ci; k++) dst[to + k] = src[from + k];
      }
    }
  }
  return out;
}

/** The kernel config registered on the wasm backend (replacing tfjs' transposed-convolution kernel). */
export const conv2dBackpropInputConfig: tf.KernelConfig = wasmKernelConfig(
  tf.Conv2DBackpropInput,
  composedKernel((g, inputs, attrs) =>
    conv2dInputGrad(g, inputs.dy, inputs.filter, attrs as unknown as InputGradAttrs)
  ),
);
