/**
 * Token and patch utilities for vision transformers and masked-image methods: patchify / unpatchify images,
 * select a per-sample subset of tokens (token dropping for PCAE, visible patches for MAE), put visible tokens
 * back among mask tokens (MAE's decoder input), and draw random masks.
 *
 * Token selection is a row gather whose gradient is a scatter (`tf.scatterND`), both of which have wasm
 * kernels, rather than tfjs's default gather gradient (`UnsortedSegmentSum`, which wasm lacks).
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";

/**
 * Split NHWC images into non-overlapping p×p patches: [B, H, W, C] → [B, (H/p)·(W/p), p·p·C], patches in
 * row-major grid order, each flattened as (row, column, channel).
 */
export function patchify(x: tf.Tensor4D, p: number): tf.Tensor3D {
  const [b, h, w, c] = x.shape;
  if (!(Number.isInteger(p) && p >= 1) || h % p !== 0 || w % p !== 0) {
    throw new Error(`patchify: image ${h}×${w} is not divisible into ${p}×${p} patches`);
  }
  const gh = h / p, gw = w / p;
  return tf.tidy(() =>
    tf.reshape(tf.transpose(tf.reshape(x, [b, gh, p, gw, p, c]), [0, 1, 3, 2, 4, 5]), [b, gh * gw, p * p * c])
  );
}

/** Inverse of {@link patchify}: [B, (H/p)·(W/p), p·p·C] → [B, H, W, C]. */
export function unpatchify(t: tf.Tensor3D, p: number, h: number, w: number): tf.Tensor4D {
  const [b, n, d] = t.shape;
  const gh = h / p, gw = w / p;
  if (!Number.isInteger(gh) || !Number.isInteger(gw) || n !== gh * gw || d % (p * p) !== 0) {
    throw new Error(`unpatchify: [${t.shape}] does not hold ${p}×${p} patches of a ${h}×${w} image`);
  }
  const c = d / (p * p);
  return tf.tidy(() =>
    tf.reshape(tf.transpose(tf.reshape(t, [b, gh, gw, p, p, c]), [0, 1, 3, 2, 4, 5]), [b, h, w, c])
  );
}

/**
 * Rows of a [N, D] matrix by int32 indices [M] → [M, D]. Differentiable in `x`; the gradient scatters (and sums
 * over repeated indices) with `tf.scatterND`.
 */
export function gatherRows(x: tf.Tensor2D, indices: tf.Tensor1D): tf.Tensor2D {
  if (indices.dtype !== "int32") throw new Error(`gatherRows: indices must be int32, got ${indices.dtype}`);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, idx, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([idx]);
    return {
      value: tf.gather(a, idx as tf.Tensor1D, 0),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [
        tf.scatterND(tf.expandDims(saved[0], 1), dy, a.shape),
        tf.zeros(saved[0].shape, "float32"), // indices get no gradient (tfjs wants float32 ones)
      ],
    };
  });
  return f(x, indices) as tf.Tensor2D;
}

/** Per-sample token indices: a [B, K] int32 tensor, a [B][K] array, or one [K] list shared by every sample. */
export type TokenIndices = tf.Tensor2D | readonly (readonly number[])[] | readonly number[];

function flatIndices(idx: TokenIndices, b: number, t: number): { flat: tf.Tensor1D; k: number } {
  if (idx instanceof tf.Tensor) {
    if (idx.rank !== 2 || idx.shape[0] !== b) {
      throw new Error(`dropTokens: index tensor must be [${b}, K], got [${idx.shape}]`);
    }
    const k = idx.shape[1];
    return tf.tidy(() => {
      const offs = tf.reshape(tf.range(0, b * t, t, "int32"), [b, 1]);
      return { flat: tf.reshape(tf.add(tf.cast(idx, "int32"), offs), [-1]) as tf.Tensor1D, k };
    });
  }
  const rows =
    (idx.length > 0 && Array.isArray(idx[0])
      ? idx
      : Array.from({ length: b }, () => idx)) as readonly (readonly number[])[];
  if (rows.length !== b) throw new Error(`dropTokens: ${rows.length} index rows for a batch of ${b}`);
  const k = rows[0]?.length ?? 0;
  const flat = new Int32Array(b * k);
  rows.forEach((r, i) => {
    if (r.length !== k) {
      throw new Error(`dropTokens: index rows must have equal length (${r.length} vs ${k})`);
    }
    r.forEach((j, q) => {
      if (!(Number.isInteger(j) && j >= 0 && j < t)) {
        throw new Error(`dropTokens: token index ${j} out of range [0, ${t})`);
      }
      flat[i * k + q] = i * t + j;
    });
  });
  return { flat: tf.tensor1d(flat, "int32"), k };
}

/**
 * Keep, for each sample, the tokens at the given indices (in that order): [B, T, D] → [B, K, D]. Used to drop
 * tokens between transformer blocks and to select MAE's visible patches. Differentiable in `tokens`.
 */
export function dropTokens(tokens: tf.Tensor3D, keep: TokenIndices): tf.Tensor3D {
  if (tokens.rank !== 3) throw new Error(`dropTokens: expected tokens [B, T, D], got [${tokens.shape}]`);
  const [b, t, d] = tokens.shape;
  return tf.tidy(() => {
    const { flat, k } = flatIndices(keep, b, t);
    return tf.reshape(gatherRows(tf.reshape(tokens, [b * t, d]), flat), [b, k, d]);
  });
}

/**
 * MAE's decoder input: place visible tokens [B, K, D] back at their positions `keep[b]` in a sequence of `total`
 * tokens, filling the others with `fill` [D] (the learnable mask token). Differentiable in both.
 */
export function restoreTokens(
  visible: tf.Tensor3D,
  keep: readonly (readonly number[])[],
  total: number,
  fill: tf.Tensor,
): tf.Tensor3D {
  const [b, k, d] = visible.shape;
  if (keep.length !== b || keep.some((r) => r.length !== k)) {
    throw new Error(`restoreTokens: keep must be [${b}][${k}] to match visible tokens [${visible.shape}]`);
  }
  if (fill.size !== d) {
    throw new Error(`restoreTokens: fill must have ${d} values, got shape [${fill.shape}]`);
  }
  const src = new Int32Array(b * total).fill(b * k); // row b·k of the source = the fill token
  keep.forEach((r, i) =>
    r.forEach((j, q) => {
      if (!(Number.isInteger(j) && j >= 0 && j < total)) {
        throw new Error(`restoreTokens: token index ${j} out of range [0, ${total})`);
      }
      src[i * total + j] = i * k + q;
    })
  );
  return tf.tidy(() => {
    const rows = tf.concat([tf.reshape(visible, [b * k, d]), tf.reshape(fill, [1, d])], 0) as tf.Tensor2D;
    return tf.reshape(gatherRows(rows, tf.tensor1d(src, "int32")), [b, total, d]);
  });
}

/** A random MAE-style mask. */
export interface RandomMask {
  /** Kept (visible) token indices per sample, ascending: [B][K]. */
  keep: number[][];
  /** 1 where a token is masked, 0 where visible: [B][N]. */
  mask: number[][];
}

/** Keep a uniformly random `round(n·(1 − ratio))` of `n` tokens per sample (MAE's random masking). */
export function randomMasking(rng: Rng, batch: number, n: number, ratio: number): RandomMask {
  if (!(ratio >= 0 && ratio < 1)) throw new Error(`randomMasking: ratio must be in [0, 1), got ${ratio}`);
  const k = Math.max(1, Math.round(n * (1 - ratio)));
  const keep: number[][] = [], mask: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const kept = rng.permutation(n).slice(0, k).sort((x, y) => x - y);
    const m = new Array(n).fill(1);
    for (const j of kept) m[j] = 0;
    keep.push(kept);
    mask.push(m);
  }
  return { keep, mask };
}
