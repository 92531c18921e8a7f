import { assert, assertAlmostEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { ntXent } from "../../../lib/losses/nt_xent.ts";
import { contrastiveLoss } from "../../../lib/experiments/simclr/losses.ts";
import { backend } from "./_helpers.ts";

Deno.test("contrastiveLoss: dispatches on the spec", async () => {
  await backend();
  const z1 = tf.randomNormal([6, 4], 0, 1, "float32", 1) as tf.Tensor2D;
  const z2 = tf.randomNormal([6, 4], 0, 1, "float32", 2) as tf.Tensor2D;
  const x = contrastiveLoss({ kind: "nt-xent", temperature: 0.5, normalize: false }, z1, z2).dataSync()[0];
  assertAlmostEquals(x, ntXent(z1, z2, 0.5, { normalize: false }).dataSync()[0], 1e-6);
  for (
    const spec of [
      { kind: "nt-logistic", temperature: 0.5, semiHard: true },
      { kind: "margin", margin: 0.5, semiHard: true },
      { kind: "margin", margin: 0.5, semiHard: false },
    ] as const
  ) assert(Number.isFinite(contrastiveLoss(spec, z1, z2).dataSync()[0]));
  tf.dispose([z1, z2]);
});
