/**
 * PCAE's token-redundancy criterion and the token-dropping rules built on it.
 *
 * PCAE (Li et al. 2023; paper and public code, `/work/shared/papers/pcae2023/README.md`) scores each token by its
 * cosine similarity to the mean token of the sequence: a token close to the mean carries little that the others
 * do not, and self-attention has already spread its content into the rest. It keeps the *least* similar tokens
 * (score 1 − sim). The CLS token, when present (index 0), is never scored and always kept; the mean is over the
 * patch tokens only (our choice where the notes are silent).
 *
 * {@link dropKeepFn} turns the rule (or the random baseline) into the ViT's `keep` hook, dropping a fraction of
 * the remaining patch tokens before each listed block; {@link patchTokensKept} says how many survive.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import type { KeepFn } from "../../models/vit.ts";

/** Cosine similarity of every token to the mean token: [B, T, D] → [B, T] (ε-guarded norms). */
export function meanTokenSimilarity(tokens: tf.Tensor3D, eps = 1e-8): tf.Tensor2D {
  return tf.tidy(() => {
    const unit = (t: tf.Tensor) => tf.div(t, tf.sqrt(tf.add(tf.sum(tf.square(t), -1, true), eps)));
    const x = unit(tokens);
    const m = unit(tf.mean(tokens, 1, true));
    return tf.sum(tf.mul(x, m), -1) as tf.Tensor2D;
  });
}

/**
 * Indices [B, (hasCls ? 1 : 0) + k] (int32) of the k patch tokens *least* similar to the mean patch token, in
 * decreasing order of the score 1 − sim; with `hasCls`, index 0 (CLS) comes first and is excluded from the
 * scoring and the mean.
 */
export function keepLeastRedundant(tokens: tf.Tensor3D, k: number, hasCls: boolean): tf.Tensor2D {
  const [b, t, d] = tokens.shape;
  const off = hasCls ? 1 : 0;
  if (!(Number.isInteger(k) && k >= 1 && k <= t - off)) {
    throw new Error(`keepLeastRedundant: k must be in [1, ${t - off}], got ${k}`);
  }
  // One opaque node on the gradient tape (ops inside a custom gradient's forward pass are not recorded): the
  // choice of tokens is not differentiated, so a student that drops tokens while it trains back-propagates
  // through the kept tokens only (TopK has no gradient, and index gradients must be float zeros).
  const choose = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor3D;
    return {
      value: tf.tidy(() => {
        const patches = hasCls ? tf.slice(x, [0, 1, 0], [b, t - 1, d]) as tf.Tensor3D : x;
        const sim = meanTokenSimilarity(patches);
        const idx = tf.add(tf.topk(tf.neg(sim), k, true).indices, tf.scalar(off, "int32")) as tf.Tensor2D;
        return hasCls ? tf.concat([tf.zeros([b, 1], "int32"), idx], 1) : idx;
      }),
      gradFunc: () => [tf.zeros(x.shape, "float32")],
    };
  });
  return choose(tokens) as tf.Tensor2D;
}

/** k distinct random patch positions per sample (ascending), after CLS (index 0) when `hasCls`. */
export function keepRandom(rng: Rng, b: number, t: number, k: number, hasCls: boolean): number[][] {
  const off = hasCls ? 1 : 0;
  if (!(Number.isInteger(k) && k >= 1 && k <= t - off)) {
    throw new Error(`keepRandom: k must be in [1, ${t - off}], got ${k}`);
  }
  return Array.from({ length: b }, () => {
    const kept = rng.permutation(t - off).slice(0, k).map((j) => j + off).sort((x, y) => x - y);
    return hasCls ? [0, ...kept] : kept;
  });
}

/** Patch tokens left after dropping `ratio` of them before each of `stages` blocks: n → round(n·(1−r)) per stage. */
export function patchTokensKept(n: number, ratio: number, stages: number): number[] {
  if (!(ratio >= 0 && ratio < 1)) throw new Error(`patchTokensKept: ratio must be in [0, 1), got ${ratio}`);
  const out = [n];
  for (let i = 0; i < stages; i++) out.push(Math.max(1, Math.round(out[i] * (1 - ratio))));
  return out;
}

/** How tokens are chosen for dropping. */
export type DropMode = "mean-token" | "random";

/**
 * The ViT `keep` hook that drops `ratio` of the remaining patch tokens before each block in `blocks`: the most
 * redundant by {@link keepLeastRedundant} ("mean-token") or uniformly at random ("random", from `rng`). With
 * `oneShot`, the same number of tokens ({@link patchTokensKept} after all the stages) goes at once, before the
 * first listed block: the progressive-versus-one-shot comparison. Tokens are assumed to carry CLS at index 0
 * (`hasCls`, default true). Returns undefined (no hook) when ratio is 0.
 */
export function dropKeepFn(
  ratio: number,
  blocks: readonly number[],
  mode: DropMode,
  opts: { rng?: Rng; hasCls?: boolean; oneShot?: boolean } = {},
): KeepFn | undefined {
  if (ratio === 0) return undefined;
  if (!(ratio > 0 && ratio < 1)) throw new Error(`dropKeepFn: ratio must be in [0, 1), got ${ratio}`);
  const hasCls = opts.hasCls ?? true;
  const rng = opts.rng ?? new Rng(0);
  const first = Math.min(...blocks);
  const at = new Set(opts.oneShot ? [first] : blocks);
  return (i, tokens) => {
    if (!at.has(i)) return null;
    const [b, t] = tokens.shape;
    const n = t - (hasCls ? 1 : 0);
    const k = opts.oneShot
      ? patchTokensKept(n, ratio, blocks.length).at(-1)!
      : Math.max(1, Math.round(n * (1 - ratio)));
    return mode === "mean-token" ? keepLeastRedundant(tokens, k, hasCls) : keepRandom(rng, b, t, k, hasCls);
  };
}
