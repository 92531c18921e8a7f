/**
 * Seeded weight initialisers. Values are drawn on the JS side from an {@link Rng}, so a seed gives the same
 * initial weights on every backend, and then wrapped into `tf.Variable`s.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape [${shape.join(", ")}]`);
    n *= d;
  }
  return n;
}

/** Samples from N(0, std²). */
export function normalValues(rng: Rng, shape: readonly number[], std: number): Float32Array {
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, std);
  return out;
}

/** Samples from N(0, std²) truncated (by resampling) to [-2·std, 2·std], as `trunc_normal_` in ViTs. */
export function truncatedNormalValues(rng: Rng, shape: readonly number[], std: number): Float32Array {
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    let z = rng.normal();
    while (z < -2 || z > 2) z = rng.normal();
    out[i] = z * std;
  }
  return out;
}

/** Samples from U(-bound, bound). */
export function uniformValues(rng: Rng, shape: readonly number[], bound: number): Float32Array {
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-bound, bound);
  return out;
}

/** Kaiming/He normal for ReLU networks: N(0, 2 / fan). */
export function heNormalValues(rng: Rng, shape: readonly number[], fan: number): Float32Array {
  if (!(fan > 0)) throw new Error(`heNormal: fan must be positive, got ${fan}`);
  return normalValues(rng, shape, Math.sqrt(2 / fan));
}

/** A float32 variable holding `values` (or `fill` everywhere when `values` is a number). */
export function makeVariable(
  values: Float32Array | number,
  shape: readonly number[],
  trainable = true,
): tf.Variable {
  const data = typeof values === "number" ? new Float32Array(sizeOf(shape)).fill(values) : values;
  if (data.length !== sizeOf(shape)) {
    throw new Error(`makeVariable: ${data.length} values do not fill shape [${shape.join(", ")}]`);
  }
  return tf.tidy(() => tf.variable(tf.tensor(data, [...shape], "float32"), trainable));
}
