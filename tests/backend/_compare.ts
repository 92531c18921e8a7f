/**
 * Helpers of the wasm-kernel tests: run the same computation on the cpu (reference) and wasm backends and
 * compare the results.
 * @module
 */
import { AssertionError } from "@std/assert";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { tf } from "../../lib/tf.ts";

/** Make sure the wasm backend (with the training kernels) is initialised. */
export async function ensureWasm(): Promise<void> {
  await initBackend("wasm", { quiet: true });
}

/** Seeded standard-normal values. */
export function randomValues(seed: number, n: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** A seeded standard-normal tensor of `shape` on the current backend. */
export function randomTensor(seed: number, shape: number[]): tf.Tensor {
  return tf.tensor(randomValues(seed, shape.reduce((a, b) => a * b, 1)), shape);
}

/**
 * Run `fn` inside `tf.tidy` on `backend` and download every output as float32 (with its shape). Inputs must
 * be created inside `fn` so that each backend computes from the same values.
 */
export async function runOn(
  backend: "cpu" | "wasm",
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<{ shape: number[]; values: Float32Array }[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(() => {
    const r = fn();
    return Array.isArray(r) ? r : [r];
  });
  const results = outs.map((t) => ({ shape: t.shape, values: Float32Array.from(t.dataSync()) }));
  tf.dispose(outs);
  return results;
}

/** max |a − e| / max |e|: the error relative to the reference's scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/**
 * Assert that `fn` gives the same outputs (shapes, and values within `tol` relative error) on wasm as on the
 * cpu backend. Leaves the wasm backend selected.
 */
export async function assertWasmMatchesCpu(
  fn: () => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
  label = "",
): Promise<void> {
  await ensureWasm();
  const expected = await runOn("cpu", fn);
  const actual = await runOn("wasm", fn);
  if (actual.length !== expected.length) {
    throw new AssertionError(`${label}: ${actual.length} outputs on wasm, ${expected.length} on cpu`);
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (a.shape.join() !== e.shape.join()) {
      throw new AssertionError(`${label} output ${i}: shape [${a.shape}] on wasm, [${e.shape}] on cpu`);
    }
    const err = relativeError(a.values, e.values);
    if (!(err <= tol)) {
      throw new AssertionError(
        `${label} output ${i} [${e.shape}]: relative error ${err.toExponential(2)} > ${tol}`,
      );
    }
  }
}
