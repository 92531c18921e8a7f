import { assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { marginTriplet } from "../../lib/losses/margin_triplet.ts";
import { fdGrad, maxRelErr, randMatrix, sim } from "./_util.ts";

await initBackend("cpu", { quiet: true });

/** Independent double-precision margin triplet loss, with the documented semi-hard selection. */
function reference(z1: number[][], z2: number[][], m: number, semiHard: boolean, normalize = true) {
  const n = z1.length, z = [...z1, ...z2];
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const p = (i + n) % (2 * n), sp = sim(z[i], z[p], normalize);
    const negs: number[] = [];
    for (let k = 0; k < 2 * n; k++) if (k !== i && k !== p) negs.push(sim(z[i], z[k], normalize));
    if (!semiHard) {
      total += negs.reduce((t, s) => t + Math.max(s - sp + m, 0), 0) / negs.length;
    } else {
      const semi = negs.filter((s) => s < sp);
      const s = semi.length > 0 ? Math.max(...semi) : Math.min(...negs);
      total += Math.max(s - sp + m, 0);
    }
  }
  return total / (2 * n);
}

function lossOf(z1: number[][], z2: number[][], m: number, semiHard: boolean, normalize = true): number {
  return tf.tidy(() =>
    marginTriplet(tf.tensor2d(z1), tf.tensor2d(z2), m, { semiHard, normalize }).dataSync()[0]
  );
}

Deno.test("marginTriplet: matches a double-precision reference, with and without semi-hard mining", () => {
  const rng = new Rng(21);
  for (const semiHard of [false, true]) {
    for (const [n, d, m, normalize] of [[5, 4, 0.5, true], [8, 3, 1.2, true], [4, 6, 0.3, false]] as const) {
      const z1 = randMatrix(rng, n, d), z2 = z1.map((r) => r.map((v) => v + 0.8 * rng.normal()));
      const ref = reference(z1, z2, m, semiHard, normalize);
      assertAlmostEquals(lossOf(z1, z2, m, semiHard, normalize), ref, 1e-5 * Math.max(ref, 1e-3));
    }
  }
});

Deno.test("marginTriplet: gradient matches finite differences of the reference", () => {
  const rng = new Rng(22);
  for (const semiHard of [false, true]) {
    const z1 = randMatrix(rng, 4, 3), z2 = z1.map((r) => r.map((v) => v + 0.5 * rng.normal())), m = 0.8;
    const [g1, g2] = tf.tidy(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        marginTriplet(a as tf.Tensor2D, b as tf.Tensor2D, m, { semiHard })
      )(
        [tf.tensor2d(z1), tf.tensor2d(z2)],
      ).map((t) => t.dataSync())
    );
    assertLess(maxRelErr(g1, fdGrad((x) => reference(x, z2, m, semiHard), z1)), 1e-4);
    assertLess(maxRelErr(g2, fdGrad((x) => reference(z1, x, m, semiHard), z2)), 1e-4);
  }
});

Deno.test("marginTriplet: zero when positives beat every negative by the margin; semi-hard picks one negative", () => {
  const n = 4;
  const eye = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  assertEquals(lossOf(eye, eye, 0.9, false), 0);
  assertEquals(lossOf(eye, eye, 0.9, true), 0);
  // margin 1.5 > 1: every negative (similarity 0) violates by 0.5, with or without mining.
  assertAlmostEquals(lossOf(eye, eye, 1.5, false), 0.5, 1e-6);
  assertAlmostEquals(lossOf(eye, eye, 1.5, true), 0.5, 1e-6);
  assertThrows(() => lossOf(eye, eye, -1, false), Error, "margin");
});
