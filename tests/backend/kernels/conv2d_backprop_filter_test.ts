import { assertEquals } from "@std/assert";
import { conv2dFilterGradOptions, groupSize } from "../../../lib/backend/kernels/conv2d_backprop_filter.ts";
import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor } from "../_compare.ts";
import { type Case, CONV_CASES } from "./_cases.ts";

function outShape(c: Case): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.co], c.s, 1, c.pad);
  return info.outShape;
}

Deno.test("Conv2DBackpropFilter is registered on wasm", async () => {
  await ensureWasm();
  assertEquals(tf.getKernel("Conv2DBackpropFilter", "wasm") !== undefined, true);
});

for (const c of CONV_CASES) {
  const name = `x ${c.x} k ${c.k} co ${c.co} stride ${c.s} pad ${JSON.stringify(c.pad)}`;
  Deno.test(`Conv2DBackpropFilter on wasm equals cpu: ${name}`, async () => {
    await ensureWasm();
    const dyShape = outShape(c);
    await assertWasmMatchesCpu(
      () => {
        const x = randomTensor(1, c.x) as tf.Tensor4D;
        const dy = randomTensor(2, dyShape) as tf.Tensor4D;
        return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
          strides: c.s,
          pad: c.pad,
          dataFormat: "NHWC",
          filterShape: [...c.k, c.x[3], c.co],
        }) as tf.Tensor;
      },
      1e-4,
      name,
    );
  });
}

// Both implementations on every geometry; the grid path with small chunks (several products, a short last one)
for (const method of ["grid", "conv"] as const) {
  for (const c of CONV_CASES) {
    const name = `${method}: x ${c.x} k ${c.k} co ${c.co} stride ${c.s} pad ${JSON.stringify(c.pad)}`;
    Deno.test(`Conv2DBackpropFilter on wasm equals cpu, ${name}`, async () => {
      await ensureWasm();
      const saved = { ...conv2dFilterGradOptions };
      Object.assign(conv2dFilterGradOptions, { method, gridChunkBytes: 4096 });
      try {
        await assertWasmMatchesCpu(
          () => {
            const x = randomTensor(1, c.x) as tf.Tensor4D;
            const dy = randomTensor(2, outShape(c)) as tf.Tensor4D;
            return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
              strides: c.s,
              pad: c.pad,
              dataFormat: "NHWC",
              filterShape: [...c.k, c.x[3], c.co],
            }) as tf.Tensor;
          },
          1e-4,
          name,
        );
      } finally {
        Object.assign(conv2dFilterGradOptions, saved);
      }
    });
  }
}

Deno.test("groupSize picks the divisor of the batch closest to the target", () => {
  assertEquals(groupSize(256, 16), 16);
  assertEquals(groupSize(48, 16), 16);
  assertEquals(groupSize(34, 16), 17);
  assertEquals(groupSize(7, 16), 7);
  assertEquals(groupSize(1, 16), 1);
});
