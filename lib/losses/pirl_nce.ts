/**
 * The noise-contrastive estimation loss of PIRL (Misra & van der Maaten 2020, eqs. 3–5), with negatives drawn
 * from a memory bank (`memory_bank.ts`).
 *
 * Exact definitions. s(u, v) = uᵀv / (‖u‖‖v‖) is the cosine similarity, τ the temperature, m the number of
 * negatives, |D| the dataset size and Z a normalising constant (default 1):
 *
 *     h(u, v) = exp(s(u, v)/τ) / ( exp(s(u, v)/τ) + Z · m / |D| )                                   (eq. 3)
 *
 * i.e. the posterior that v is the data sample rather than one of the m noise samples, drawn uniformly
 * (probability 1/|D|), when p(v | u) = exp(s/τ)/Z. PIRL writes eq. 3 with Z = 1; Instance Discrimination
 * (Wu et al. 2018) estimates Z once as (|D|/m') Σ exp(s/τ) over a first batch of m' scores (`estimateNceZ`).
 * For one positive key k (the memory-bank entry m_I of image I), a query q and negatives n_1..n_m (bank entries
 * m_I' for other images I'):
 *
 *     L_NCE(k, q) = −log h(k, q) − Σ_{j=1}^{m} log(1 − h(q, n_j))                                   (eq. 4)
 *
 * and PIRL's objective for image I and its transformation I^t (f: image head, g: transformed-image head) is
 *
 *     L(I, I^t) = λ L_NCE(m_I, g(v_{I^t})) + (1 − λ) L_NCE(m_I, f(v_I)),   λ = 0.5                  (eq. 5)
 *
 * averaged over the batch. Numerically, with c = Z m / |D|: −log h = softplus(log c − s/τ) and
 * −log(1 − h) = softplus(s/τ − log c). Keys and negatives come from the bank and are treated as constants;
 * gradients flow to the queries.
 *
 * **The InfoNCE form** (`form: "infonce"`): the same positive and negatives scored by a softmax instead of
 * m + 1 binary posteriors,
 *
 *     L_InfoNCE(k, q) = −log( e^{s(k, q)/τ} / ( e^{s(k, q)/τ} + Σ_j e^{s(q, n_j)/τ} ) ),
 *
 * which needs no Z (the softmax normalises itself). It is the bank loss of MoCo and of later PIRL
 * implementations; eq. 4 with a fixed Z penalises every negative whose s/τ exceeds log c, however many there
 * are, which is what diverges at our scale (see `lib/experiments/pirl/config.ts`).
 *
 * @module
 */
import { tf } from "../tf.ts";
import { checkTemperature, l2NormalizeRows } from "./pair_similarity.ts";
import { logSumExpRows } from "./log_sum_exp.ts";

/** Constants of the NCE posterior h. */
export interface NceOptions {
  /** Temperature τ (PIRL: 0.07). */
  temperature: number;
  /** Dataset size |D| (the memory bank size). */
  datasetSize: number;
  /** Normalising constant Z of p(v|u) = exp(s/τ)/Z (default 1, as PIRL's eq. 3 is written; unused by InfoNCE). */
  z?: number;
  /** "nce": eq. 3–4 (default); "infonce": the softmax form of the module doc. */
  form?: NceForm;
}

/** The two scorings of a positive against bank negatives (module doc). */
export type NceForm = "nce" | "infonce";

/** Options of `pirlLoss`. */
export interface PirlLossOptions extends NceOptions {
  /** Weight λ of the transformed-image term (eq. 5). Default 0.5. */
  lambda?: number;
}

function checkNce(opts: NceOptions, what: string): void {
  checkTemperature(opts.temperature, what);
  if (!(Number.isFinite(opts.datasetSize) && opts.datasetSize >= 1)) {
    throw new Error(`${what}: datasetSize must be >= 1, got ${opts.datasetSize}`);
  }
  if (opts.form !== undefined && opts.form !== "nce" && opts.form !== "infonce") {
    throw new Error(`${what}: form must be "nce" or "infonce", got ${JSON.stringify(opts.form)}`);
  }
  const z = opts.z ?? 1;
  if (!(Number.isFinite(z) && z > 0)) {
    throw new Error(`${what}: normalising constant z must be > 0, got ${z}`);
  }
}

function checkShapes(key: tf.Tensor, query: tf.Tensor, negatives: tf.Tensor, what: string): void {
  if (key.rank !== 2 || query.rank !== 2) {
    throw new Error(`${what}: key and query must be [B, d], got [${key.shape}] and [${query.shape}]`);
  }
  if (key.shape[0] !== query.shape[0] || key.shape[1] !== query.shape[1]) {
    throw new Error(`${what}: shape mismatch between key [${key.shape}] and query [${query.shape}]`);
  }
  const d = key.shape[1];
  const ok = (negatives.rank === 2 && negatives.shape[1] === d) ||
    (negatives.rank === 3 && negatives.shape[0] === key.shape[0] && negatives.shape[2] === d);
  if (!ok || negatives.shape[negatives.rank - 2] < 1) {
    throw new Error(
      `${what}: negatives must be [m, ${d}] (shared) or [${
        key.shape[0]
      }, m, ${d}] (per example), got [${negatives.shape}]`,
    );
  }
}

/**
 * Per-example L_NCE(k, q) of eq. 4 (or its InfoNCE form, `opts.form`), shape [B]. `negatives` is [m, d]
 * (shared by the batch) or [B, m, d].
 */
export function nceLossPerExample(
  key: tf.Tensor2D,
  query: tf.Tensor2D,
  negatives: tf.Tensor2D | tf.Tensor3D,
  opts: NceOptions,
): tf.Tensor1D {
  checkNce(opts, "nceLoss");
  checkShapes(key, query, negatives, "nceLoss");
  const m = negatives.shape[negatives.rank - 2];
  const logC = Math.log(opts.z ?? 1) + Math.log(m) - Math.log(opts.datasetSize);
  return tf.tidy(() => {
    const k = l2NormalizeRows(key), q = l2NormalizeRows(query);
    const sPos = tf.div(tf.sum(tf.mul(k, q), 1), opts.temperature);
    let sNeg: tf.Tensor2D;
    if (negatives.rank === 2) {
      sNeg = tf.matMul(q, l2NormalizeRows(negatives as tf.Tensor2D), false, true);
    } else {
      const [b, mm, d] = negatives.shape as [number, number, number];
      const n = tf.reshape(l2NormalizeRows(tf.reshape(negatives, [b * mm, d]) as tf.Tensor2D), [b, mm, d]);
      sNeg = tf.squeeze(tf.matMul(n, tf.expandDims(q, 2)), [2]) as tf.Tensor2D;
    }
    if (opts.form === "infonce") {
      const logits = tf.concat([tf.expandDims(sPos, 1), tf.div(sNeg, opts.temperature)], 1) as tf.Tensor2D;
      return tf.sub(logSumExpRows(logits), sPos) as tf.Tensor1D;
    }
    const posTerm = tf.softplus(tf.sub(logC, sPos));
    const negTerm = tf.sum(tf.softplus(tf.sub(tf.div(sNeg, opts.temperature), logC)), 1);
    return tf.add(posTerm, negTerm) as tf.Tensor1D;
  });
}

/** Batch mean of L_NCE(k, q) (eq. 4), a differentiable scalar. */
export function nceLoss(
  key: tf.Tensor2D,
  query: tf.Tensor2D,
  negatives: tf.Tensor2D | tf.Tensor3D,
  opts: NceOptions,
): tf.Scalar {
  return tf.tidy(() => tf.mean(nceLossPerExample(key, query, negatives, opts)) as tf.Scalar);
}

/**
 * PIRL's loss (eq. 5): λ L_NCE(m_I, g(v_{I^t})) + (1 − λ) L_NCE(m_I, f(v_I)), averaged over the batch.
 * @param bankKeys m_I, the memory-bank entries of the batch's images [B, d]
 * @param transformed g(v_{I^t}), the transformed images' embeddings [B, d]
 * @param original f(v_I), the original images' embeddings [B, d]
 * @param negatives bank entries of other images, [m, d] (shared) or [B, m, d]
 */
export function pirlLoss(
  bankKeys: tf.Tensor2D,
  transformed: tf.Tensor2D,
  original: tf.Tensor2D,
  negatives: tf.Tensor2D | tf.Tensor3D,
  opts: PirlLossOptions,
): tf.Scalar {
  const lambda = opts.lambda ?? 0.5;
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`pirlLoss: lambda must be in [0, 1], got ${lambda}`);
  return tf.tidy(() =>
    tf.add(
      tf.mul(lambda, nceLoss(bankKeys, transformed, negatives, opts)),
      tf.mul(1 - lambda, nceLoss(bankKeys, original, negatives, opts)),
    ) as tf.Scalar
  );
}

/**
 * Instance Discrimination's Monte-Carlo estimate of Z from a first batch of similarities s (any shape):
 * Z ≈ |D| · mean(exp(s/τ)). Returns a number to pass as `z`.
 */
export async function estimateNceZ(
  similarities: tf.Tensor,
  temperature: number,
  datasetSize: number,
): Promise<number> {
  checkTemperature(temperature, "estimateNceZ");
  if (similarities.size === 0) throw new Error("estimateNceZ: no similarities given");
  const m = tf.tidy(() => tf.mean(tf.exp(tf.div(similarities, temperature))));
  try {
    return datasetSize * (await m.data())[0];
  } finally {
    m.dispose();
  }
}
