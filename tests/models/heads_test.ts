import { assertEquals, assertLess, assertStrictEquals } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { identityHead, linearHead, mlpHead } from "../../lib/models/heads.ts";
import { countParameters } from "../../lib/models/layers.ts";
import { maxAbsDiff, randn, useCpu } from "./_helpers.ts";

await useCpu();

Deno.test("linear head computes h·W + b", () => {
  const head = linearHead(new Rng(0), 3, 2);
  const h = randn(1, [4, 3]) as tf.Tensor2D;
  const y = head.apply(h, { training: false });
  const ref = tf.add(tf.matMul(h, head.fc.weight), head.fc.bias!);
  assertLess(maxAbsDiff(y.dataSync(), ref.dataSync()), 1e-6);
  assertEquals(countParameters(head), 8);
  tf.dispose([h, y, ref]);
  head.dispose();
});

Deno.test("SimCLR MLP head: Linear → ReLU → Linear, matches a manual computation", () => {
  const head = mlpHead(new Rng(0), 4, { hidden: [6], outDim: 3 });
  const h = randn(2, [5, 4]) as tf.Tensor2D;
  const z = head.apply(h, { training: true });
  const [l0, l1] = head.layers;
  const ref = tf.tidy(() =>
    tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(h, l0.weight), l0.bias!)), l1.weight), l1.bias!)
  );
  assertEquals(z.shape, [5, 3]);
  assertLess(maxAbsDiff(z.dataSync(), ref.dataSync()), 1e-5);
  assertEquals(countParameters(head), 4 * 6 + 6 + 6 * 3 + 3);
  tf.dispose([h, z, ref]);
  head.dispose();
});

Deno.test("MLP head with batch norm: bias-free linears, BN in training normalises the hidden layer", () => {
  const head = mlpHead(new Rng(0), 4, { hidden: [8, 8], outDim: 2, batchNorm: true, finalBatchNorm: true });
  const names = Object.keys(head.namedVariables());
  assertEquals(names.filter((n) => n.endsWith(".bias")), []);
  assertEquals(names.filter((n) => n.endsWith("runningMean")).length, 3);
  const h = randn(3, [16, 4]) as tf.Tensor2D;
  const z = head.apply(h, { training: true });
  // final BN (γ=1, β=0) in training mode: each output column has ~zero mean, ~unit variance
  const { mean, variance } = tf.moments(z, 0);
  assertLess(maxAbsDiff(mean.dataSync(), [0, 0]), 1e-5);
  assertLess(maxAbsDiff(variance.dataSync(), [1, 1]), 1e-3);
  tf.dispose([h, z, mean, variance]);
  head.dispose();
});

Deno.test("identity head returns its input and has no variables", () => {
  const head = identityHead(3);
  const h = tf.zeros([2, 3]) as tf.Tensor2D;
  assertStrictEquals(head.apply(h, { training: true }), h);
  assertEquals(head.trainableVariables(), []);
  assertEquals(head.outDim, 3);
  h.dispose();
});
