import { assertAlmostEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { ntLogistic } from "../../lib/losses/nt_logistic.ts";
import { fdGrad, maxRelErr, randMatrix, sim, softplus } from "./_util.ts";

await initBackend("cpu", { quiet: true });

/** Independent double-precision NT-Logistic: −log σ(s⁺/τ) − w Σ_neg log σ(−s⁻/τ), averaged over 2N anchors. */
function reference(
  z1: number[][],
  z2: number[][],
  tau: number,
  mode: "mean" | "sum" = "mean",
  normalize = true,
) {
  const n = z1.length, z = [...z1, ...z2];
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const p = (i + n) % (2 * n);
    let neg = 0;
    for (let k = 0; k < 2 * n; k++) {
      if (k !== i && k !== p) neg += softplus(sim(z[i], z[k], normalize) / tau); // −log σ(−x) = softplus(x)
    }
    total += softplus(-sim(z[i], z[p], normalize) / tau) + (mode === "mean" ? neg / (2 * n - 2) : neg);
  }
  return total / (2 * n);
}

function lossOf(
  z1: number[][],
  z2: number[][],
  tau: number,
  mode: "mean" | "sum" = "mean",
  normalize = true,
) {
  return tf.tidy(() =>
    ntLogistic(tf.tensor2d(z1), tf.tensor2d(z2), tau, { negativeWeight: mode, normalize }).dataSync()[0]
  );
}

Deno.test("ntLogistic: matches a double-precision reference", () => {
  const rng = new Rng(11);
  for (
    const [n, d, tau, mode, normalize] of [
      [4, 6, 0.5, "mean", true],
      [6, 3, 0.1, "sum", true],
      [3, 5, 1, "mean", false],
    ] as const
  ) {
    const z1 = randMatrix(rng, n, d), z2 = randMatrix(rng, n, d);
    const ref = reference(z1, z2, tau, mode, normalize);
    assertAlmostEquals(lossOf(z1, z2, tau, mode, normalize), ref, 1e-5 * ref);
  }
});

Deno.test("ntLogistic: gradient matches finite differences of the reference", () => {
  const rng = new Rng(12);
  const z1 = randMatrix(rng, 3, 4), z2 = randMatrix(rng, 3, 4), tau = 0.3;
  const [g1, g2] = tf.tidy(() =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => ntLogistic(a as tf.Tensor2D, b as tf.Tensor2D, tau))([
      tf.tensor2d(z1),
      tf.tensor2d(z2),
    ]).map((t) => t.dataSync())
  );
  assertLess(maxRelErr(g1, fdGrad((x) => reference(x, z2, tau), z1)), 1e-4);
  assertLess(maxRelErr(g2, fdGrad((x) => reference(z1, x, tau), z2)), 1e-4);
});

Deno.test("ntLogistic: limiting cases and invariances", () => {
  const n = 5, tau = 0.05;
  const eye = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  // Positives at similarity 1, negatives at 0: loss = softplus(−1/τ) + softplus(0) = ≈ 0 + log 2.
  assertAlmostEquals(lossOf(eye, eye, tau), softplus(-1 / tau) + Math.log(2), 1e-6);
  // Antipodal negatives would give the minimum ≈ 0; with orthogonal ones log 2 is the floor of the negative term.
  const rng = new Rng(13);
  const z1 = randMatrix(rng, n, 4), z2 = randMatrix(rng, n, 4);
  const perm = rng.permutation(n);
  assertAlmostEquals(lossOf(perm.map((i) => z1[i]), perm.map((i) => z2[i]), 0.2), lossOf(z1, z2, 0.2), 1e-5);
  assertAlmostEquals(lossOf(z2, z1, 0.2), lossOf(z1, z2, 0.2), 1e-5);
  assertThrows(() => lossOf(z1, z2, -1), Error, "temperature");
});
