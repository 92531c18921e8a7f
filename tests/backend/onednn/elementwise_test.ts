import { assertEquals } from "@std/assert";
import { broadcastOf, MIN_ELEMENTS } from "../../../lib/backend/onednn/elementwise.ts";
import { tf } from "../../../lib/tf.ts";
import { randomTensor } from "../_compare.ts";
import { assertOnednnMatchesCpu, onednnTest } from "./_onednn.ts";

const BIG = [4, 32, 32, 17]; // above MIN_ELEMENTS, odd last axis
const SMALL = [3, 5];

Deno.test("broadcastOf: same shape, scalar and last-axis vectors only", () => {
  assertEquals(broadcastOf([2, 3], [2, 3]), "same");
  assertEquals(broadcastOf([2, 3], [1]), "scalar");
  assertEquals(broadcastOf([2, 3], []), "scalar");
  assertEquals(broadcastOf([2, 3, 4], [4]), "lastAxis");
  assertEquals(broadcastOf([2, 3, 4], [1, 1, 4]), "lastAxis");
  assertEquals(broadcastOf([2, 3, 4], [3, 1]), null);
  assertEquals(broadcastOf([4, 1], [1, 4]), null);
  assertEquals(broadcastOf([3, 4], [2, 1, 4]), null);
  assertEquals(BIG.reduce((a, b) => a * b) >= MIN_ELEMENTS, true);
});

for (const [name, op] of [["Multiply", tf.mul], ["Add", tf.add], ["Sub", tf.sub]] as const) {
  onednnTest(
    `oneDNN ${name} equals cpu: same shape, scalar, last-axis vector, both orders, small tensors`,
    async () => {
      await assertOnednnMatchesCpu(
        () => {
          const a = randomTensor(1, BIG), b = randomTensor(2, BIG);
          const s = randomTensor(3, [1]), v = randomTensor(4, [BIG[3]]);
          return [
            op(a, b),
            op(a, s),
            op(s, a),
            op(a, v),
            op(v, a),
            op(a, tf.scalar(2.5)),
            op(randomTensor(5, SMALL), randomTensor(6, SMALL)),
            op(randomTensor(7, [BIG[0], 1, 1, BIG[3]]), a), // other broadcasts: the previous kernel
          ];
        },
        1e-6,
        name,
      );
    },
  );
}

onednnTest(
  "oneDNN Step (alpha 0), Relu and the ReLU gradient equal cpu; alpha ≠ 0 goes to the previous kernel",
  async () => {
    await assertOnednnMatchesCpu(
      () => {
        const x = randomTensor(1, BIG);
        const dy = randomTensor(2, BIG);
        return [
          tf.step(x),
          tf.step(x, 0.3),
          tf.step(tf.zeros(BIG)),
          tf.relu(x),
          tf.relu(randomTensor(3, SMALL)),
          tf.grad((a: tf.Tensor) => tf.relu(a).mul(dy).sum())(x),
        ];
      },
      0,
      "step",
    );
  },
);
