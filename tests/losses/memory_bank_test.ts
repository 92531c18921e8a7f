import { assert, assertAlmostEquals, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { MemoryBank } from "../../lib/losses/memory_bank.ts";

await initBackend("cpu", { quiet: true });

function rowNorm(b: MemoryBank, i: number): number {
  let s = 0;
  for (let j = 0; j < b.dim; j++) s += b.data[i * b.dim + j] ** 2;
  return Math.sqrt(s);
}

Deno.test("MemoryBank: seeded unit-norm initialisation, roughly isotropic", () => {
  const a = new MemoryBank(500, 8, new Rng(1)), b = new MemoryBank(500, 8, new Rng(1));
  assertEquals(a.data, b.data);
  for (let i = 0; i < a.size; i++) assertAlmostEquals(rowNorm(a, i), 1, 1e-6);
  // The mean of uniform unit vectors is near 0 (each coordinate has sd 1/sqrt(8·500) ≈ 0.016).
  for (let j = 0; j < a.dim; j++) {
    let m = 0;
    for (let i = 0; i < a.size; i++) m += a.data[i * a.dim + j];
    assert(Math.abs(m / a.size) < 0.08);
  }
});

Deno.test("MemoryBank: momentum update is normalize(λ m + (1 − λ) f/‖f‖), gather returns the rows", async () => {
  const bank = new MemoryBank(6, 3, new Rng(2), 0.5);
  const old = Array.from(bank.data.subarray(3 * 3, 4 * 3));
  const f = [3, 0, 4]; // ‖f‖ = 5
  const t = tf.tensor2d([f]);
  await bank.update([3], t);
  t.dispose();
  const mix = old.map((v, j) => 0.5 * v + 0.5 * f[j] / 5);
  const nrm = Math.hypot(...mix);
  const got = tf.tidy(() => Array.from(bank.gather([3, 0]).dataSync()));
  for (let j = 0; j < 3; j++) assertAlmostEquals(got[j], mix[j] / nrm, 1e-6);
  assertAlmostEquals(rowNorm(bank, 3), 1, 1e-6);
  assertEquals(got.slice(3), Array.from(bank.data.subarray(0, 3)));
  // Repeated updates with the same feature converge to f/‖f‖.
  for (let k = 0; k < 40; k++) {
    const tk = tf.tensor2d([f]);
    await bank.update([3], tk);
    tk.dispose();
  }
  const conv = Array.from(bank.data.subarray(9, 12));
  assertAlmostEquals(conv[0], 0.6, 1e-5);
  assertAlmostEquals(conv[2], 0.8, 1e-5);
});

Deno.test("MemoryBank: negative sampling respects exclusions and is seeded; bad input throws", async () => {
  const bank = new MemoryBank(10, 2, new Rng(3));
  const s1 = bank.sampleNegatives(200, new Rng(4), [0, 1, 2]);
  assertEquals(s1, bank.sampleNegatives(200, new Rng(4), [0, 1, 2]));
  for (const i of s1) assert(i >= 3 && i < 10);
  assertEquals(new Set(s1).size, 7);
  assertThrows(() => bank.gather([10]), Error, "out of range");
  const z = tf.zeros([1, 2]) as tf.Tensor2D;
  await assertRejects(() => bank.update([1, 2], z), Error, "does not match");
  z.dispose();
  assertThrows(
    () => bank.sampleNegatives(3, new Rng(1), Array.from({ length: 10 }, (_, i) => i)),
    Error,
    "excluded",
  );
  assertThrows(() => new MemoryBank(4, 2, new Rng(1), 1), Error, "momentum");
});
