/**
 * Transformer pieces for ViTs and MAE decoders: multi-head self-attention and the pre-norm block
 * x + MHSA(LN(x)), then x + MLP(LN(x)).
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";
import {
  collectVariables,
  Dense,
  type DenseInit,
  Layer,
  LayerNorm,
  Mlp,
  type NamedVariables,
} from "./layers.ts";

/** Multi-head self-attention on [B, T, D] tokens with a fused qkv projection and an output projection. */
export class MultiHeadAttention extends Layer {
  /** Projection to queries, keys and values [D, 3D] (q, k, v blocks in that order, heads contiguous). */
  readonly qkv: Dense;
  /** Output projection [D, D]. */
  readonly proj: Dense;
  /** Dimension per head. */
  readonly headDim: number;

  /**
   * Freshly initialised qkv and output projections.
   * @param rng initialisation stream.
   * @param dim token dimension D.
   * @param heads number of heads (must divide D).
   * @param init dense initialisation (default truncated normal 0.02).
   */
  constructor(rng: Rng, readonly dim: number, readonly heads: number, init: DenseInit = { std: 0.02 }) {
    super();
    if (!(Number.isInteger(heads) && heads >= 1) || dim % heads !== 0) {
      throw new Error(`MultiHeadAttention: ${heads} heads do not divide dimension ${dim}`);
    }
    this.headDim = dim / heads;
    this.qkv = new Dense(rng, dim, 3 * dim, { init });
    this.proj = new Dense(rng, dim, dim, { init });
  }

  /** softmax(q·kᵀ/√d_h)·v per head, concatenated and projected: [B, T, D] → [B, T, D]. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [b, t, d] = x.shape;
    if (d !== this.dim) {
      throw new Error(`MultiHeadAttention: expected dimension ${this.dim}, got [${x.shape}]`);
    }
    const h = this.heads, dh = this.headDim;
    return tf.tidy(() => {
      // [B, T, 3·H, Dh] → [B, 3·H, T, Dh]: a rank-4 transpose (tfjs-wasm has no rank-5 transpose kernel and
      // falls back to a generic loop ~100× slower), then q, k, v are the three blocks of H heads along axis 1
      const qkv = tf.transpose(tf.reshape(this.qkv.apply(x), [b, t, 3 * h, dh]), [0, 2, 1, 3]);
      const [q, k, v] = tf.split(qkv, 3, 1).map((z) => tf.reshape(z, [b * h, t, dh]) as tf.Tensor3D);
      const attn = tf.softmax(tf.matMul(tf.mul(q, 1 / Math.sqrt(dh)), k, false, true));
      const out = tf.reshape(tf.transpose(tf.reshape(tf.matMul(attn, v), [b, h, t, dh]), [0, 2, 1, 3]), [
        b,
        t,
        d,
      ]);
      return this.proj.apply(out as tf.Tensor3D);
    });
  }

  /** Variables: `qkv.*`, `proj.*`. */
  namedVariables(): NamedVariables {
    return collectVariables({ qkv: this.qkv, proj: this.proj });
  }
}

/** Options of {@link TransformerBlock}. */
export interface TransformerBlockOptions {
  /** MLP hidden width as a multiple of D (default 4). */
  mlpRatio?: number;
  /** LayerNorm epsilon (default 1e-6). */
  lnEps?: number;
  /** Dense initialisation (default truncated normal 0.02). */
  init?: DenseInit;
}

/** Pre-norm transformer block: x ← x + MHSA(LN₁(x)); x ← x + MLP(LN₂(x)). */
export class TransformerBlock extends Layer {
  /** First layer norm. */
  readonly norm1: LayerNorm;
  /** Self-attention. */
  readonly attn: MultiHeadAttention;
  /** Second layer norm. */
  readonly norm2: LayerNorm;
  /** Feed-forward MLP. */
  readonly mlp: Mlp;

  /**
   * A freshly initialised block (defaults in {@link TransformerBlockOptions}: MLP ratio 4, LN eps 1e-6).
   * @param rng initialisation stream.
   * @param dim token dimension.
   * @param heads attention heads.
   */
  constructor(rng: Rng, dim: number, heads: number, opts: TransformerBlockOptions = {}) {
    super();
    const init = opts.init ?? { std: 0.02 };
    this.norm1 = new LayerNorm(dim, opts.lnEps ?? 1e-6);
    this.attn = new MultiHeadAttention(rng, dim, heads, init);
    this.norm2 = new LayerNorm(dim, opts.lnEps ?? 1e-6);
    this.mlp = new Mlp(rng, dim, Math.round(dim * (opts.mlpRatio ?? 4)), dim, init);
  }

  /** Apply to [B, T, D] tokens (any T). */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const y = tf.add(x, this.attn.apply(this.norm1.apply(x))) as tf.Tensor3D;
      return tf.add(y, this.mlp.apply(this.norm2.apply(y))) as tf.Tensor3D;
    });
  }

  /** Variables: `norm1.*`, `attn.*`, `norm2.*`, `mlp.*`. */
  namedVariables(): NamedVariables {
    return collectVariables({ norm1: this.norm1, attn: this.attn, norm2: this.norm2, mlp: this.mlp });
  }
}
