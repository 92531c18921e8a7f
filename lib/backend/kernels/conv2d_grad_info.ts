/**
 * What the two convolution gradients for tfjs-backend-wasm (`Conv2DBackpropFilter`, `Conv2DBackpropInput`)
 * share: the forward convolution's attributes as tfjs passes them, and the check and geometry
 * (`computeConv2DInfo`) both start from.
 *
 * @module
 */
import { tf } from "../../tf.ts";

/** The forward convolution's attributes that tfjs passes to both gradient kernels. */
export interface Conv2DGradAttrs {
  strides: number | [number, number];
  pad: "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/**
 * The geometry of the forward convolution whose gradient the kernel `kernelName` computes, from the forward
 * input shape [B, H, W, Ci] and filter shape [KH, KW, Ci, Co]; throws for NCHW (only NHWC is supported).
 */
export function conv2dGradInfo(
  kernelName: string,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: Conv2DGradAttrs,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === "NCHW") throw new Error(`wasm ${kernelName} supports NHWC only`);
  return tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}
