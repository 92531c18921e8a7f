/**
 * Which images a training step uses: epoch-wise seeded permutations of the training set, cut into batches, so
 * the batch of step t is a pure function of (seed, t) — a resumed or re-run training sees exactly the same
 * batches, and every image is seen once per epoch.
 *
 * @example
 * ```ts
 * import { batchIndices } from "./batch_indices.ts";
 * const idx = batchIndices(0, 3, 64, 5000); // the 64 image indices of step 3 for seed 0
 * ```
 *
 * @module
 */
import { Rng } from "../rng.ts";

/**
 * Indices of the images of step `step`: batch `b` over `n` images, from epoch-wise permutations of `seed`
 * (`Rng(seed).fork("epoch:<e>")`); a batch that crosses an epoch boundary takes the next epoch's first images.
 */
export function batchIndices(seed: number, step: number, b: number, n: number): number[] {
  const rng = new Rng(seed);
  const out: number[] = [];
  let perm: number[] | null = null, permEpoch = -1;
  for (let j = step * b; j < (step + 1) * b; j++) {
    const e = Math.floor(j / n);
    if (e !== permEpoch) {
      perm = rng.fork(`epoch:${e}`).permutation(n);
      permEpoch = e;
    }
    out.push(perm![j % n]);
  }
  return out;
}
