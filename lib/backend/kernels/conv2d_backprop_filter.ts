/**
 * `Conv2DBackpropFilter` for tfjs-backend-wasm (which has none, tfjs#8082): the gradient of a 2-D convolution
 * with respect to its filter, computed by XNNPACK's fast forward convolution.
 *
 * With `x` [B, H, W, Ci] and `dy` [B, OH, OW, Co], the filter gradient
 * `dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[b, oh, ow, co]`
 * is itself a convolution in which the channels play the role of the batch and the batch the role of the
 * channels: the "image" is `x` transposed to [Ci, H, W, B], the "filter" is `dy` transposed to [OH, OW, B, Co]
 * dilated by the forward stride, and the output [Ci, KH, KW, Co] is transposed to [KH, KW, Ci, Co]. Two
 * transposes and one forward convolution replace tfjs' generic loops.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { composedKernel, type KernelGraph } from "./compose.ts";

/** Attributes tfjs passes to `Conv2DBackpropFilter`. */
interface FilterGradAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
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
  const { strides, pad, dimRoundingMode, filterShape } = attrs;
  if (attrs.dataFormat === "NCHW") throw new Error("wasm Conv2DBackpropFilter supports NHWC only");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
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
  if (filterHeight === 1 && filterWidth === 1 && top === 0 && left === 0) {
    // A 1x1 filter: dW = xsᵀ·dy over the (strided) input pixels, one matrix product.
    if (sh !== 1 || sw !== 1) {
      xs = g.run("StridedSlice", { x: xs }, {
        begin: [0, 0, 0, 0],
        end: [batchSize, (outHeight - 1) * sh + 1, (outWidth - 1) * sw + 1, inChannels],
        strides: [1, sh, sw, 1],
        beginMask: 0,
        endMask: 0,
        ellipsisMask: 0,
        newAxisMask: 0,
        shrinkAxisMask: 0,
      });
    }
    const n = batchSize * outHeight * outWidth;
    const xT = g.transpose(g.reshape(xs, [n, inChannels]), [1, 0]);
    // `b` must be a temporary: tfjs caches a packed copy of a matmul's `b` until `b` is disposed.
    const dyCopy = g.chunk(g.reshape(dy, [n, info.outChannels]), 0, n);
    const prod = g.run("BatchMatMul", {
      a: g.reshape(xT, [1, inChannels, n]),
      b: g.reshape(dyCopy, [1, n, info.outChannels]),
    }, { transposeA: false, transposeB: false });
    return g.reshape(prod, filterShape);
  }
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

/** Tuning of the filter gradient (exported for benchmarks). */
export const conv2dFilterGradOptions = {
  /** Target size in bytes of one image group's dy (the per-group convolution's filter). */
  groupBytes: 1 << 20,
};

/** The divisor of `batch` closest (in ratio) to `target`. */
export function groupSize(batch: number, target: number): number {
  let best = 1;
  for (let d = 1; d <= batch; d++) {
    if (batch % d === 0 && Math.abs(Math.log(d / target)) < Math.abs(Math.log(best / target))) best = d;
  }
  return best;
}

/** The kernel config registered on the wasm backend. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: composedKernel((g, inputs, attrs) =>
    conv2dFilterGrad(g, inputs.x, inputs.dy, attrs as unknown as FilterGradAttrs)
  ),
};
