/**
 * NT-Xent, the normalised temperature-scaled cross-entropy loss of SimCLR (Chen et al. 2020, eq. 1).
 *
 * For N positive pairs stacked as 2N embeddings `z = [z1; z2]`, with s(u, v) = uᵀv / (‖u‖‖v‖) (or uᵀv when
 * `normalize: false`) and anchor i's positive at pos(i) = (i + N) mod 2N:
 *
 *     ℓ_i = −log( exp(s(z_i, z_pos(i)) / τ) / Σ_{k ≠ i} exp(s(z_i, z_k) / τ) )
 *     L   = (1 / 2N) Σ_{i=1}^{2N} ℓ_i
 *
 * i.e. a (2N − 1)-way softmax cross-entropy per anchor whose candidates are every other embedding.
 * `ntXentStats` adds the diagnostics of SimCLR Table 5: contrastive accuracy (fraction of anchors whose positive
 * has the largest logit among the 2N − 1 candidates) and the mean entropy (nats) of those softmaxes; it is
 * asynchronous (reads with `await t.data()`: synchronous reads fail on the webgpu backend under Deno).
 *
 * @module
 */
import { tf } from "../tf.ts";
import {
  checkPairs,
  checkTemperature,
  pairSimilarity,
  type PairSimilarityOptions,
} from "./pair_similarity.ts";
import { logSumExpRows } from "./log_sum_exp.ts";

/** Options of NT-Xent. */
export type NtXentOptions = PairSimilarityOptions;

/** NT-Xent and its diagnostics. */
export interface NtXentStats {
  /** The loss L (mean over the 2N anchors). */
  loss: number;
  /** Fraction of anchors whose positive is the argmax of the 2N − 1 candidates. */
  accuracy: number;
  /** Mean over anchors of the softmax entropy −Σ p log p (nats) over the 2N − 1 candidates. */
  entropy: number;
}

function logitsOf(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number, opts: NtXentOptions) {
  const { sim, pos, selfMask, posMask } = pairSimilarity(z1, z2, opts);
  const logits = tf.where(selfMask, tf.fill(sim.shape, -Infinity), tf.div(sim, temperature)) as tf.Tensor2D;
  return { logits, pos: tf.div(pos, temperature) as tf.Tensor1D, posMask };
}

/**
 * NT-Xent loss of the pairs `(z1[i], z2[i])`, a differentiable scalar.
 * @param z1 first view's embeddings [N, d] (N >= 2)
 * @param z2 second view's embeddings [N, d]
 * @param temperature τ > 0
 * @param opts `normalize` (default true): cosine similarity; false uses the raw dot product.
 * @example
 * ```ts
 * import { ntXent, tf } from "../mod.ts";
 * // projections of two augmented views of the same 8 images, row i of z1 pairs with row i of z2
 * const z1 = tf.randomNormal([8, 128]) as tf.Tensor2D;
 * const z2 = tf.randomNormal([8, 128]) as tf.Tensor2D;
 * const loss = ntXent(z1, z2, 0.5); // scalar, mean over the 2N anchors
 * console.log(loss.dataSync()[0]); // ≈ ln(2N − 1) = ln 15 for unrelated views
 * tf.dispose([z1, z2, loss]);
 * ```
 */
export function ntXent(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  temperature: number,
  opts: NtXentOptions = {},
): tf.Scalar {
  checkPairs(z1, z2, "ntXent");
  checkTemperature(temperature, "ntXent");
  return tf.tidy(() => {
    const { logits, pos } = logitsOf(z1, z2, temperature, opts);
    return tf.mean(tf.sub(logSumExpRows(logits), pos)) as tf.Scalar;
  });
}

/**
 * NT-Xent loss plus contrastive accuracy and mean softmax entropy (numbers; nothing to dispose). Asynchronous:
 * reads the three numbers with `await t.data()`; input errors reject the returned promise. `z1` and `z2` are used
 * before the call returns, so the caller may dispose them without awaiting first.
 */
export async function ntXentStats(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  temperature: number,
  opts: NtXentOptions = {},
): Promise<NtXentStats> {
  checkPairs(z1, z2, "ntXentStats");
  checkTemperature(temperature, "ntXentStats");
  const out = tf.tidy(() => {
    const { logits, pos, posMask } = logitsOf(z1, z2, temperature, opts);
    const lse = tf.logSumExp(logits, 1, true);
    const loss = tf.mean(tf.sub(tf.squeeze(lse, [1]), pos));
    // log p = logit − lse; on the masked diagonal p = 0 and p log p is taken as 0.
    const logp = tf.sub(logits, lse);
    const p = tf.exp(logp);
    const plogp = tf.where(tf.isFinite(logp), tf.mul(p, logp), tf.zerosLike(logp));
    const entropy = tf.mean(tf.neg(tf.sum(plogp, 1)));
    const argmax = tf.argMax(logits, 1);
    const posIdx = tf.argMax(tf.cast(posMask, "int32"), 1);
    const accuracy = tf.mean(tf.cast(tf.equal(argmax, posIdx), "float32"));
    return tf.stack([loss, accuracy, entropy]);
  });
  try {
    const [loss, accuracy, entropy] = await out.data();
    return { loss, accuracy, entropy };
  } finally {
    out.dispose();
  }
}
