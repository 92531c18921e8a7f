import { tf } from "../../../lib/tf.ts";
import { randomTensor } from "../_compare.ts";
import { assertOnednnMatchesCpu, onednnTest } from "./_onednn.ts";

const CASES: { x: number[]; k: number; s: number; pad: "same" | "valid" | number }[] = [
  { x: [2, 8, 8, 5], k: 2, s: 2, pad: "valid" },
  { x: [3, 7, 9, 4], k: 3, s: 2, pad: "same" },
  { x: [1, 5, 5, 3], k: 3, s: 1, pad: 1 },
  { x: [4, 16, 16, 32], k: 2, s: 2, pad: "valid" },
  { x: [2, 9, 7, 6], k: 3, s: 3, pad: "valid" },
];

for (const c of CASES) {
  const name = `x ${c.x} k ${c.k} stride ${c.s} pad ${c.pad}`;
  onednnTest(`oneDNN MaxPool and MaxPoolGrad equal cpu: ${name}`, async () => {
    await assertOnednnMatchesCpu(
      () => {
        const x = randomTensor(1, c.x) as tf.Tensor4D;
        const f = (a: tf.Tensor) =>
          tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad).mul(randomTensor(2, [1])).sum();
        return [tf.maxPool(x, c.k, c.s, c.pad), ...tf.grads(f)([x])];
      },
      1e-4,
      name,
    );
  });
}
