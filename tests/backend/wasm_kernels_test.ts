import { assertEquals, assertStrictEquals } from "@std/assert";
import {
  registerWasmTrainingKernels,
  restoreOriginalWasmKernel,
  WASM_TRAINING_KERNELS,
} from "../../lib/backend/wasm_kernels.ts";
import { tf } from "../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor } from "./_compare.ts";

Deno.test("registerWasmTrainingKernels registers every kernel and is idempotent", async () => {
  await ensureWasm();
  registerWasmTrainingKernels();
  registerWasmTrainingKernels();
  for (const config of WASM_TRAINING_KERNELS) {
    assertStrictEquals(
      tf.getKernel(config.kernelName, "wasm")?.kernelFunc,
      config.kernelFunc,
      config.kernelName,
    );
  }
  for (const name of ["Conv2DBackpropFilter", "UnsortedSegmentSum", "MaxPoolGrad", "AvgPoolGrad"]) {
    assertEquals(tf.getKernel(name, "wasm") !== undefined, true, name);
  }
});

Deno.test("restoreOriginalWasmKernel swaps tfjs' Conv2DBackpropInput back and registering again undoes it", async () => {
  await ensureWasm();
  const ours = tf.getKernel("Conv2DBackpropInput", "wasm")?.kernelFunc;
  assertEquals(restoreOriginalWasmKernel("Conv2DBackpropInput"), true);
  assertEquals(tf.getKernel("Conv2DBackpropInput", "wasm")?.kernelFunc !== ours, true);
  // the original kernel works (its wasm function was bound at backend setup)
  const dx = tf.conv2dTranspose(
    tf.ones([1, 2, 2, 1]) as tf.Tensor4D,
    tf.ones([3, 3, 2, 1]) as tf.Tensor4D,
    [1, 2, 2, 2],
    1,
    "same",
  );
  assertEquals(Array.from(dx.dataSync()).slice(0, 2), [4, 4]);
  dx.dispose();
  assertEquals(restoreOriginalWasmKernel("Conv2DBackpropFilter"), false);
  registerWasmTrainingKernels();
  assertStrictEquals(tf.getKernel("Conv2DBackpropInput", "wasm")?.kernelFunc, ours);
});

/** Batch norm in training mode, as the models use it: batch statistics over N, H, W. */
function batchNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-5) as tf.Tensor4D;
}

Deno.test("full gradient of a small conv net (conv, BN, ReLU, max/avg pool, residual, dense, softmax CE) on wasm equals cpu", async () => {
  await assertWasmMatchesCpu(() => {
    const x = randomTensor(1, [4, 9, 9, 3]) as tf.Tensor4D;
    const labels = tf.oneHot(tf.tensor1d([0, 3, 1, 4], "int32"), 5);
    const params = [
      randomTensor(2, [3, 3, 3, 8]).mul(0.3), // stem conv
      tf.ones([8]),
      tf.zeros([8]),
      randomTensor(3, [3, 3, 8, 12]).mul(0.2), // stride-2 conv
      randomTensor(4, [1, 1, 8, 12]).mul(0.3), // stride-2 1x1 shortcut
      tf.ones([12]).add(randomTensor(5, [12]).mul(0.1)),
      randomTensor(6, [12]).mul(0.1),
      randomTensor(7, [12, 5]).mul(0.3), // dense
      tf.zeros([5]),
    ];
    const loss = (...p: tf.Tensor[]) => {
      let h = tf.relu(batchNorm(tf.conv2d(x, p[0] as tf.Tensor4D, 1, "same"), p[1], p[2]));
      h = tf.maxPool(h, 2, 1, "same");
      const main = tf.conv2d(h, p[3] as tf.Tensor4D, 2, "same");
      const short = tf.conv2d(h, p[4] as tf.Tensor4D, 2, "same");
      h = tf.relu(batchNorm(main.add(short), p[5], p[6]));
      h = tf.avgPool(h, 2, 2, "valid");
      const logits = tf.mean(h, [1, 2]).matMul(p[7] as tf.Tensor2D).add(p[8]);
      return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
    };
    return tf.grads(loss)(params);
  });
});

Deno.test("full gradient of a ViT block (patch conv, gather, layer norm, attention softmax, GELU) on wasm equals cpu", async () => {
  await assertWasmMatchesCpu(() => {
    const b = 2, t = 5, d = 8, heads = 2;
    const img = randomTensor(1, [b, 8, 8, 3]) as tf.Tensor4D;
    const params = [
      randomTensor(2, [4, 4, 3, d]).mul(0.2), // patch embedding (stride-4 conv)
      randomTensor(3, [t, d]).mul(0.1), // position table, gathered
      randomTensor(4, [d, 3 * d]).mul(0.3), // qkv
      randomTensor(5, [d, d]).mul(0.3), // attention output
      randomTensor(6, [d, 2 * d]).mul(0.3), // MLP
      randomTensor(7, [2 * d, d]).mul(0.3),
      tf.ones([d]),
      tf.zeros([d]),
    ];
    const layerNorm = (x: tf.Tensor, g: tf.Tensor, bias: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return x.sub(mean).mul(tf.rsqrt(variance.add(1e-6))).mul(g).add(bias);
    };
    const loss = (...p: tf.Tensor[]) => {
      const patches = tf.conv2d(img, p[0] as tf.Tensor4D, 4, "valid").reshape([b, 4, d]);
      const cls = tf.zeros([b, 1, d]);
      let h = tf.concat([cls, patches], 1).add(tf.gather(p[1], tf.range(0, t, 1, "int32")));
      const qkv = layerNorm(h, p[6], p[7]).reshape([b * t, d]).matMul(p[2] as tf.Tensor2D);
      const split = (i: number) =>
        qkv.slice([0, i * d], [b * t, d]).reshape([b, t, heads, d / heads]).transpose([0, 2, 1, 3]);
      const att = tf.softmax(tf.matMul(split(0), split(1), false, true).div(Math.sqrt(d / heads)));
      const o = tf.matMul(att, split(2)).transpose([0, 2, 1, 3]).reshape([b * t, d]).matMul(
        p[3] as tf.Tensor2D,
      );
      h = h.add(o.reshape([b, t, d]));
      const m = layerNorm(h, p[6], p[7]).reshape([b * t, d]).matMul(p[4] as tf.Tensor2D);
      const gelu = m.mul(tf.erf(m.div(Math.SQRT2)).add(1)).mul(0.5);
      h = h.add(gelu.matMul(p[5] as tf.Tensor2D).reshape([b, t, d]));
      return h.slice([0, 0, 0], [b, 1, d]).square().sum() as tf.Scalar;
    };
    return tf.grads(loss)(params);
  });
});

Deno.test("gradient of an NT-Xent loss with a gathered memory bank on wasm equals cpu", async () => {
  await assertWasmMatchesCpu(() => {
    const n = 4, d = 6;
    const z1 = randomTensor(1, [n, d]), z2 = randomTensor(2, [n, d]), bank = randomTensor(3, [10, d]);
    const loss = (a: tf.Tensor, c: tf.Tensor, m: tf.Tensor) => {
      const z = tf.concat([a, c], 0);
      const zn = z.div(tf.norm(z, "euclidean", 1, true));
      const sim = tf.matMul(zn, zn, false, true).div(0.5);
      const masked = sim.sub(tf.eye(2 * n).mul(1e9));
      const pos = tf.concat([tf.range(n, 2 * n, 1, "int32"), tf.range(0, n, 1, "int32")]);
      const logp = tf.logSoftmax(masked);
      const picked = tf.sum(logp.mul(tf.oneHot(pos, 2 * n)), 1);
      const negs = tf.gather(m, tf.tensor1d([1, 7, 7, 2], "int32"));
      return picked.mean().neg().add(tf.matMul(a, negs, false, true).mean()) as tf.Scalar;
    };
    return tf.grads(loss)([z1, z2, bank]);
  });
});
