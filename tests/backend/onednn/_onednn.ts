/**
 * Helpers of the oneDNN kernel tests: whether oneDNN is installed here (the tests are reported as ignored,
 * not passed, where it is not; `.ci/run` installs it), and the comparison of the `onednn` backend with the
 * pure-JS cpu backend on the same inputs.
 * @module
 */
import { AssertionError } from "@std/assert";
import { initBackend } from "../../../lib/backend/mod.ts";
import { loadOnednn } from "../../../lib/backend/onednn/ffi.ts";
import { tf } from "../../../lib/tf.ts";
import { relativeError, runOn } from "../_compare.ts";

/** Whether oneDNN 2.x loads on this machine. */
export const ONEDNN_AVAILABLE: boolean = loadOnednn().ok;

/** Make sure the `onednn` backend (wasm with oneDNN's kernels) is active. */
export async function ensureOnednn(): Promise<void> {
  await initBackend("onednn", { quiet: true });
}

/** Run `fn` with the oneDNN kernels registered (on the wasm backend). */
async function runOnOnednn(fn: () => tf.Tensor | tf.Tensor[]) {
  await ensureOnednn();
  return runOn("wasm", fn);
}

/**
 * Assert that `fn` gives the same outputs (shapes, and values within `tol` relative error) with the oneDNN
 * kernels as on the cpu backend.
 */
export async function assertOnednnMatchesCpu(
  fn: () => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
  label = "",
): Promise<void> {
  const expected = await runOn("cpu", fn);
  const actual = await runOnOnednn(fn);
  if (actual.length !== expected.length) {
    throw new AssertionError(`${label}: ${actual.length} outputs with oneDNN, ${expected.length} on cpu`);
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (a.shape.join() !== e.shape.join()) {
      throw new AssertionError(`${label} output ${i}: shape [${a.shape}] with oneDNN, [${e.shape}] on cpu`);
    }
    const err = relativeError(a.values, e.values);
    if (!(err <= tol)) {
      throw new AssertionError(
        `${label} output ${i} [${e.shape}]: relative error ${err.toExponential(2)} > ${tol}`,
      );
    }
  }
}

/** `Deno.test` that is reported as ignored where oneDNN is missing. */
export function onednnTest(name: string, fn: () => Promise<void> | void): void {
  Deno.test({ name, ignore: !ONEDNN_AVAILABLE, fn });
}
