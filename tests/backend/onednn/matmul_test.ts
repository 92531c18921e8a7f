import { tf } from "../../../lib/tf.ts";
import { randomTensor } from "../_compare.ts";
import { assertOnednnMatchesCpu, onednnTest } from "./_onednn.ts";

const CASES: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
  { a: [5, 7], b: [7, 3], ta: false, tb: false },
  { a: [7, 5], b: [7, 3], ta: true, tb: false },
  { a: [5, 7], b: [3, 7], ta: false, tb: true },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [1, 9], b: [9, 1], ta: false, tb: false },
  { a: [2, 4, 7, 5], b: [2, 4, 3, 7], ta: true, tb: true },
  { a: [3, 5, 7], b: [1, 7, 4], ta: false, tb: false },
  { a: [1, 5, 7], b: [6, 4, 7], ta: false, tb: true },
  { a: [64, 130], b: [130, 96], ta: false, tb: false },
];

for (const c of CASES) {
  const name = `[${c.a}]${c.ta ? "ᵀ" : ""} · [${c.b}]${c.tb ? "ᵀ" : ""}`;
  onednnTest(`oneDNN BatchMatMul equals cpu: ${name}`, async () => {
    await assertOnednnMatchesCpu(
      () => {
        const a = randomTensor(1, c.a), b = randomTensor(2, c.b);
        return tf.matMul(a, b, c.ta, c.tb);
      },
      1e-4,
      name,
    );
  });
}

for (const c of CASES.filter((c) => c.a.length === 2)) {
  const name = `[${c.a}]${c.ta ? "ᵀ" : ""} · [${c.b}]${c.tb ? "ᵀ" : ""}`;
  onednnTest(`oneDNN _FusedMatMul (bias, ReLU) and its gradients equal cpu: ${name}`, async () => {
    await assertOnednnMatchesCpu(
      () => {
        const a = randomTensor(1, c.a) as tf.Tensor2D, b = randomTensor(2, c.b) as tf.Tensor2D;
        const n = c.tb ? c.b[0] : c.b[1];
        const bias = randomTensor(3, [n]);
        const f = (x: tf.Tensor, y: tf.Tensor) =>
          tf.fused.matMul({
            a: x as tf.Tensor2D,
            b: y as tf.Tensor2D,
            transposeA: c.ta,
            transposeB: c.tb,
            bias,
            activation: "relu",
          }).square().sum();
        return [
          tf.fused.matMul({ a, b, transposeA: c.ta, transposeB: c.tb, bias, activation: "relu" }),
          tf.fused.matMul({ a, b, transposeA: c.ta, transposeB: c.tb, bias }),
          ...tf.grads(f)([a, b]),
        ];
      },
      1e-4,
      name,
    );
  });
}

onednnTest(
  "oneDNN matmul: general broadcasts and other activations go to the previous kernels",
  async () => {
    await assertOnednnMatchesCpu(
      () => {
        const a = randomTensor(1, [2, 1, 3, 4]), b = randomTensor(2, [1, 5, 4, 2]);
        const x = randomTensor(3, [3, 4]) as tf.Tensor2D, y = randomTensor(4, [4, 2]) as tf.Tensor2D;
        return [
          tf.matMul(a, b),
          tf.fused.matMul({ a: x, b: y, activation: "elu" }),
        ];
      },
      1e-4,
      "fallbacks",
    );
  },
);
