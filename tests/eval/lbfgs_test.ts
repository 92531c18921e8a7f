import { assertAlmostEquals, assertEquals, assertLess, assertRejects } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { lbfgs, type ValueAndGrad } from "../../lib/eval/lbfgs.ts";
import { withoutSyncReads } from "../_no_sync_reads.ts";

await initBackend("cpu", { quiet: true });

/** Solve A x = b by Gaussian elimination with partial pivoting (double precision). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length, M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

/** A random SPD quadratic ½xᵀAx − bᵀx (value returned as a scalar tensor) and its minimiser A⁻¹b. */
function quadratic(seed: number, n: number) {
  const rng = new Rng(seed);
  const R = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
  const A = R.map((_, i) =>
    R.map((_, j) => R.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? 1 : 0))
  );
  const b = Array.from({ length: n }, () => rng.normal());
  const At = tf.tensor2d(A), bt = tf.tensor2d(b, [n, 1]);
  const f: ValueAndGrad = (x) => {
    const [value, grad] = tf.tidy(() => {
      const Ax = tf.matMul(At, x as tf.Tensor2D);
      return [tf.sub(tf.mul(0.5, tf.sum(tf.mul(x, Ax))), tf.sum(tf.mul(bt, x))), tf.sub(Ax, bt)];
    });
    return { value, grad };
  };
  return { f, ref: solve(A, b), dispose: () => tf.dispose([At, bt]) };
}

Deno.test("lbfgs: minimises a convex quadratic to the linear-solve solution", async () => {
  const n = 8, { f, ref, dispose } = quadratic(1, n);
  const before = tf.memory().numTensors;
  const res = await lbfgs(f, tf.zeros([n, 1]), { gradTol: 1e-5 });
  const x = await res.x.data();
  for (let i = 0; i < n; i++) assertAlmostEquals(x[i], ref[i], 1e-3 * Math.max(1, Math.abs(ref[i])));
  assertEquals(res.reason === "gradTol" || res.reason === "funTol" || res.reason === "lineSearch", true);
  res.x.dispose();
  assertEquals(tf.memory().numTensors, before + 1); // only the zeros start point remains
  dispose();
});

Deno.test("lbfgs: solves the Rosenbrock function (asynchronous objective returning a number)", async () => {
  const res = await lbfgs(
    async (x) => {
      const [a, b] = Array.from(await x.data()).map(Number);
      const value = (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      return { value, grad: tf.tensor1d([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]) };
    },
    tf.tensor1d([-1.2, 1]),
    { maxIter: 500, gradTol: 1e-4 },
  );
  const [a, b] = await res.x.data();
  assertLess(Math.abs(a - 1), 1e-2);
  assertLess(Math.abs(b - 1), 2e-2);
  res.x.dispose();
});

Deno.test("lbfgs: never reads tensors synchronously (webgpu under Deno); same result as without the guard", async () => {
  const n = 6, { f, dispose } = quadratic(2, n);
  const x0 = tf.zeros([n, 1]);
  const plain = await lbfgs(f, x0, { gradTol: 1e-6 });
  const guarded = await withoutSyncReads(() => lbfgs(f, x0, { gradTol: 1e-6 }));
  assertEquals(await guarded.x.data(), await plain.x.data());
  assertEquals([guarded.value, guarded.iterations, guarded.evaluations], [
    plain.value,
    plain.iterations,
    plain.evaluations,
  ]);
  tf.dispose([plain.x, guarded.x, x0]);
  dispose();
});

Deno.test("lbfgs: bad options and a non-finite start reject without leaking", async () => {
  const x0 = tf.zeros([2]);
  const before = tf.memory().numTensors;
  await assertRejects(
    () => lbfgs(() => ({ value: 0, grad: tf.zeros([2]) }), x0, { maxIter: -1 }),
    Error,
    "maxIter",
  );
  await assertRejects(
    () => lbfgs(() => ({ value: tf.scalar(NaN), grad: tf.zeros([2]) }), x0),
    Error,
    "not finite",
  );
  assertEquals(tf.memory().numTensors, before);
  x0.dispose();
});
