import { assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { conv2dGradInfo } from "../../../lib/backend/kernels/conv2d_grad_info.ts";

Deno.test("conv2dGradInfo: the forward geometry of computeConv2DInfo; NCHW is refused by name", () => {
  const attrs = { strides: 2, pad: "same" as const, dataFormat: "NHWC" as const };
  const info = conv2dGradInfo(tf.Conv2DBackpropInput, [2, 9, 8, 3], [3, 3, 3, 5], attrs);
  const ref = tf.backend_util.computeConv2DInfo([2, 9, 8, 3], [3, 3, 3, 5], 2, 1, "same");
  assertEquals(info, ref);
  assertEquals(info.outShape, [2, 5, 4, 5]);
  assertThrows(
    () =>
      conv2dGradInfo(tf.Conv2DBackpropFilter, [2, 9, 8, 3], [3, 3, 3, 5], { ...attrs, dataFormat: "NCHW" }),
    Error,
    "wasm Conv2DBackpropFilter supports NHWC only",
  );
});
