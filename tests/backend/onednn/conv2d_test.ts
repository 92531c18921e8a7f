import { assertEquals } from "@std/assert";
import { BLOCKED_INPUT_GRAD_MIN_CHANNELS } from "../../../lib/backend/onednn/conv2d.ts";
import { tf } from "../../../lib/tf.ts";
import { randomTensor } from "../_compare.ts";
import { type Case, CONV_CASES } from "../kernels/_cases.ts";
import { assertOnednnMatchesCpu, ensureOnednn, onednnTest } from "./_onednn.ts";

/** The kernel tests' geometries plus batch 1, wide layers on the blocked path and the RGB stem. */
const CASES: Case[] = [
  ...CONV_CASES,
  { x: [1, 7, 7, 5], k: [3, 3], co: 3, s: 1, pad: "same" },
  { x: [1, 6, 6, 16], k: [3, 3], co: 32, s: 2, pad: "same" },
  { x: [3, 9, 9, 24], k: [3, 3], co: 17, s: 1, pad: 1 },
  { x: [2, 11, 9, 32], k: [1, 1], co: 48, s: 2, pad: "valid" },
  { x: [2, 8, 8, BLOCKED_INPUT_GRAD_MIN_CHANNELS], k: [3, 3], co: 16, s: 1, pad: "same" },
];

function describe(c: Case): string {
  return `x ${c.x} k ${c.k} co ${c.co} stride ${c.s} pad ${JSON.stringify(c.pad)}`;
}

function dyShape(c: Case): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, [...c.k, c.x[3], c.co], c.s, 1, c.pad).outShape;
}

for (const c of CASES) {
  onednnTest(`oneDNN Conv2D and FusedConv2D (bias, ReLU) equal cpu: ${describe(c)}`, async () => {
    await assertOnednnMatchesCpu(
      () => {
        const x = randomTensor(1, c.x) as tf.Tensor4D;
        const w = randomTensor(2, [...c.k, c.x[3], c.co]) as tf.Tensor4D;
        const bias = randomTensor(3, [c.co]) as tf.Tensor1D;
        return [
          tf.conv2d(x, w, c.s, c.pad),
          tf.fused.conv2d({ x, filter: w, strides: c.s, pad: c.pad, bias, activation: "relu" }),
          tf.fused.conv2d({ x, filter: w, strides: c.s, pad: c.pad, bias }),
        ];
      },
      1e-4,
      describe(c),
    );
  });

  onednnTest(`oneDNN Conv2DBackpropInput and Conv2DBackpropFilter equal cpu: ${describe(c)}`, async () => {
    await assertOnednnMatchesCpu(
      () => {
        const x = randomTensor(1, c.x) as tf.Tensor4D;
        const dy = randomTensor(2, dyShape(c)) as tf.Tensor4D;
        const w = randomTensor(3, [...c.k, c.x[3], c.co]) as tf.Tensor4D;
        const attrs = { strides: c.s, pad: c.pad, dataFormat: "NHWC" } as const;
        return [
          tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, {
            ...attrs,
            inputShape: c.x,
          }) as tf.Tensor,
          tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
            ...attrs,
            filterShape: [...c.k, c.x[3], c.co],
          }) as tf.Tensor,
        ];
      },
      1e-4,
      describe(c),
    );
  });
}

onednnTest(
  "oneDNN conv: dilations, other activations and PReLU weights go to the previous kernels",
  async () => {
    await assertOnednnMatchesCpu(
      () => {
        const x = randomTensor(1, [2, 9, 9, 4]) as tf.Tensor4D;
        const w = randomTensor(2, [3, 3, 4, 5]) as tf.Tensor4D;
        const alpha = randomTensor(3, [5]) as tf.Tensor1D;
        return [
          tf.conv2d(x, w, 1, "same", "NHWC", 2),
          tf.fused.conv2d({ x, filter: w, pad: "same", strides: 1, activation: "elu" }),
          tf.fused.conv2d({
            x,
            filter: w,
            pad: "same",
            strides: 1,
            activation: "prelu",
            preluActivationWeights: alpha,
          }),
        ];
      },
      1e-4,
      "fallbacks",
    );
  },
);

onednnTest("oneDNN conv gradients through tf.grads equal cpu (training path, fused ReLU)", async () => {
  await assertOnednnMatchesCpu(
    () => {
      const x = randomTensor(1, [4, 10, 10, 16]) as tf.Tensor4D;
      const w = randomTensor(2, [3, 3, 16, 32]) as tf.Tensor4D;
      const b = randomTensor(3, [32]) as tf.Tensor1D;
      const loss = (a: tf.Tensor, f: tf.Tensor, bb: tf.Tensor) =>
        tf.fused.conv2d({
          x: a as tf.Tensor4D,
          filter: f as tf.Tensor4D,
          bias: bb,
          strides: 2,
          pad: "same",
          activation: "relu",
        }).square().sum();
      return tf.grads(loss)([x, w, b]);
    },
    1e-4,
    "grads",
  );
});

onednnTest("oneDNN kernels are registered on wasm by the onednn backend", async () => {
  await ensureOnednn();
  const config = tf.getKernel("Conv2DBackpropFilter", "wasm");
  assertEquals(config !== undefined, true);
});
