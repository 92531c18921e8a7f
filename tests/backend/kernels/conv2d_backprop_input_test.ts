import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor } from "../_compare.ts";
import { CONV_CASES } from "./_cases.ts";

for (const c of CONV_CASES) {
  const name = `x ${c.x} k ${c.k} co ${c.co} stride ${c.s} pad ${JSON.stringify(c.pad)}`;
  Deno.test(`Conv2DBackpropInput on wasm equals cpu: ${name}`, async () => {
    await ensureWasm();
    const filterShape = [...c.k, c.x[3], c.co];
    const dyShape =
      tf.backend_util.computeConv2DInfo(c.x, filterShape as [number, number, number, number], c.s, 1, c.pad)
        .outShape;
    await assertWasmMatchesCpu(
      () => {
        const dy = randomTensor(3, dyShape) as tf.Tensor4D;
        const filter = randomTensor(4, filterShape) as tf.Tensor4D;
        return tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, {
          strides: c.s,
          pad: c.pad,
          dataFormat: "NHWC",
          inputShape: c.x,
        }) as tf.Tensor;
      },
      1e-4,
      name,
    );
  });
}

Deno.test("conv2d gradients (input and filter) on wasm equal cpu, stride 2, bias-free", async () => {
  await assertWasmMatchesCpu(() => {
    const x = randomTensor(5, [2, 9, 9, 3]) as tf.Tensor4D;
    const w = randomTensor(6, [3, 3, 3, 4]) as tf.Tensor4D;
    const r = randomTensor(7, [2, 5, 5, 4]);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same").mul(r).sum()
    );
    return g([x, w]);
  });
});
