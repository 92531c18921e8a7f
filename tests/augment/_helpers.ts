/**
 * Shared fixtures of the augmentation tests: seeded random images, backend switching, closeness checks and a
 * tensor-leak guard.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import type { Tensor4D } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { type BackendName, initBackend } from "../../lib/backend/mod.ts";

/** Uniform random images in [0, 1) of shape [b, h, w, c], from a seed. */
export function randomImages(seed: number, b: number, h: number, w: number, c = 3): Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: b * h * w * c }, () => r.next()), [b, h, w, c]);
}

/** Switch to a backend quietly. */
export async function useBackend(name: BackendName): Promise<void> {
  await initBackend(name, { quiet: true });
}

/** Assert two arrays are elementwise within `tol`. */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-6,
  msg = "",
): void {
  assertEquals(actual.length, expected.length, `${msg} length`);
  let worst = 0, at = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) [worst, at] = [d, i];
  }
  assert(
    worst <= tol,
    `${msg} max |diff| ${worst} > ${tol} at ${at}: ${actual[at]} vs ${expected[at]}`,
  );
}

/** Read a tensor's values and dispose it. */
export function take(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return Float32Array.from(v);
}

/** Run `fn` (which must dispose what it creates except its result) and check that no tensor leaked. */
export function assertNoLeak(fn: () => tf.Tensor | tf.Tensor[] | { images: tf.Tensor } | void): void {
  const before = tf.memory().numTensors;
  const out = fn();
  const outs = !out ? [] : Array.isArray(out) ? out : out instanceof tf.Tensor ? [out] : [out.images];
  const after = tf.memory().numTensors;
  assertEquals(after - before, outs.length, "tensors created besides the result");
  outs.forEach((t) => t.dispose());
}

/** Assert all values lie in [lo, hi]. */
export function assertInRange(v: ArrayLike<number>, lo = 0, hi = 1): void {
  for (let i = 0; i < v.length; i++) {
    assert(v[i] >= lo && v[i] <= hi, `value ${v[i]} at ${i} outside [${lo}, ${hi}]`);
  }
}
