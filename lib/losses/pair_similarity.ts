/**
 * The similarity matrix of a batch of positive pairs, shared by the SimCLR-family losses (NT-Xent, NT-Logistic,
 * margin triplet).
 *
 * Given two views `z1, z2` of shape [N, d], the 2N embeddings are stacked as `z = [z1; z2]`. Anchor `i` has its
 * positive at `pos(i) = (i + N) mod 2N`, and the other 2N − 2 rows are its negatives; the anchor itself
 * (`k = i`) is never a candidate. Similarities are cosine (`normalize: true`, SimCLR's default) or plain dot
 * products (`normalize: false`, SimCLR Table 5 "without ℓ2 norm").
 *
 * @module
 */
import { tf } from "../tf.ts";

/** Options common to the pair losses. */
export interface PairSimilarityOptions {
  /** ℓ2-normalise the embeddings first (cosine similarity). Default true. */
  normalize?: boolean;
}

/** The pieces of the 2N × 2N similarity structure. */
export interface PairSimilarity {
  /** s(z_i, z_k) for all 2N × 2N pairs (diagonal included; mask it with `selfMask`). */
  sim: tf.Tensor2D;
  /** s(z_i, z_pos(i)) for each of the 2N anchors, shape [2N]. */
  pos: tf.Tensor1D;
  /** Boolean [2N, 2N]: true on the diagonal (the excluded self-similarities). */
  selfMask: tf.Tensor2D;
  /** Boolean [2N, 2N]: true at (i, pos(i)). */
  posMask: tf.Tensor2D;
}

/** Throw a one-line error unless `z1`, `z2` are two non-empty [N, d] matrices of the same shape. */
export function checkPairs(z1: tf.Tensor, z2: tf.Tensor, what: string): void {
  if (z1.rank !== 2 || z2.rank !== 2) {
    throw new Error(`${what}: z1 and z2 must be rank-2 [N, d], got shapes [${z1.shape}] and [${z2.shape}]`);
  }
  if (z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) {
    throw new Error(`${what}: shape mismatch between z1 [${z1.shape}] and z2 [${z2.shape}]`);
  }
  if (z1.shape[0] < 2) {
    throw new Error(`${what}: need at least 2 pairs (N >= 2) for negatives, got ${z1.shape[0]}`);
  }
}

/** Throw a one-line error unless `t` is a finite positive temperature. */
export function checkTemperature(t: number, what: string): void {
  if (!(Number.isFinite(t) && t > 0)) {
    throw new Error(`${what}: temperature must be finite and > 0, got ${t}`);
  }
}

/** ℓ2-normalise the rows of `x` (with a tiny epsilon so zero rows stay finite). */
export function l2NormalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-24));
    return tf.div(x, norm) as tf.Tensor2D;
  });
}

/**
 * Build the similarity matrix, the positive similarities and the masks for pairs `(z1[i], z2[i])`.
 * Differentiable with respect to `z1` and `z2`. The caller owns (and must dispose) the returned tensors,
 * or call it inside `tf.tidy`.
 */
export function pairSimilarity(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  opts: PairSimilarityOptions = {},
): PairSimilarity {
  const n = z1.shape[0];
  return tf.tidy(() => {
    const normalize = opts.normalize ?? true;
    const a = normalize ? l2NormalizeRows(z1) : z1;
    const b = normalize ? l2NormalizeRows(z2) : z2;
    const z = tf.concat([a, b], 0);
    const partner = tf.concat([b, a], 0);
    const sim = tf.matMul(z, z, false, true) as tf.Tensor2D;
    const pos = tf.sum(tf.mul(z, partner), 1) as tf.Tensor1D;
    // constant masks, written directly (a broadcast `equal` costs milliseconds per call on wasm)
    const self = new Uint8Array(4 * n * n), posm = new Uint8Array(4 * n * n);
    for (let i = 0; i < 2 * n; i++) {
      self[i * 2 * n + i] = 1;
      posm[i * 2 * n + ((i + n) % (2 * n))] = 1;
    }
    const selfMask = tf.tensor2d(self, [2 * n, 2 * n], "bool");
    const posMask = tf.tensor2d(posm, [2 * n, 2 * n], "bool");
    return { sim, pos, selfMask, posMask };
  });
}
