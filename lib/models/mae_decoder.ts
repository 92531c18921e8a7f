/**
 * A light MAE-style decoder that predicts per-patch outputs at *query* positions from the encoder's visible
 * tokens, as MAE (He et al. 2022) and PCAE (Li et al. 2023) use it.
 *
 * The visible encoder tokens [B, K, D_enc] are projected to the decoder width and given the (fixed 2-D sin-cos)
 * position embedding of their patch; every query position gets the shared learnable mask token plus its
 * position embedding. The sequence [visible ‖ queries] goes through pre-norm transformer blocks, a LayerNorm and
 * a linear prediction layer, and the outputs at the Q query slots are returned: [B, Q, outDim].
 *
 * Self-attention is permutation-equivariant and positions enter only through the embeddings, so this equals
 * MAE's "unshuffle, then decode all N tokens" when the queries are all masked positions (MAE computes its loss
 * on the masked patches only), while PCAE decodes just the few positions its teacher kept — the decoder's cost
 * then scales with K + Q instead of N.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { makeVariable, truncatedNormalValues } from "./init.ts";
import { collectVariables, Dense, Layer, LayerNorm, type NamedVariables } from "./layers.ts";
import { TransformerBlock } from "./transformer.ts";
import { dropTokens, type TokenIndices } from "./tokens.ts";
import { sincosPositionEmbedding } from "./vit.ts";

/** Options of {@link MaeDecoder}. */
export interface MaeDecoderOptions {
  /** Width of the encoder tokens. */
  inDim: number;
  /** Decoder token width (divisible by 4 for the sin-cos embedding, and by `heads`). */
  dim: number;
  /** Number of transformer blocks (≥ 0). */
  depth: number;
  /** Attention heads. */
  heads: number;
  /** Patches per side of the image grid (positions are 0 … grid² − 1, row-major). */
  grid: number;
  /** Output values per query (e.g. p²·C pixels for MAE, the encoder width for feature targets). */
  outDim: number;
  /** MLP width / dim (default 4). */
  mlpRatio?: number;
}

/** The decoder (see the module doc). */
export class MaeDecoder extends Layer {
  /** Identifier, e.g. "maedec-d48-l2-h3". */
  readonly name: string;
  /** Projection of encoder tokens to the decoder width. */
  readonly embed: Dense;
  /** Learnable mask token [dim]. */
  readonly maskToken: tf.Variable;
  /** Fixed position embedding [grid², dim] (not trained). */
  readonly pos: tf.Variable;
  /** Transformer blocks. */
  readonly blocks: TransformerBlock[];
  /** Final LayerNorm. */
  readonly norm: LayerNorm;
  /** Prediction layer dim → outDim. */
  readonly pred: Dense;
  /** Number of positions (grid²). */
  readonly numPatches: number;

  /**
   * Build the decoder for `opts` with fresh weights (the position embedding is fixed, not drawn from `rng`).
   * @param rng initialisation stream.
   */
  constructor(rng: Rng, readonly opts: MaeDecoderOptions) {
    super();
    const { inDim, dim, depth, heads, grid, outDim } = opts;
    if (!(Number.isInteger(depth) && depth >= 0)) {
      throw new Error(`MaeDecoder: depth must be >= 0, got ${depth}`);
    }
    if (dim % heads !== 0) throw new Error(`MaeDecoder: ${heads} heads do not divide dimension ${dim}`);
    this.numPatches = grid * grid;
    this.embed = new Dense(rng, inDim, dim, { init: "xavier" });
    this.maskToken = makeVariable(truncatedNormalValues(rng, [dim], 0.02), [dim]);
    // sincosPositionEmbedding has a CLS row first; the decoder only needs the patch rows
    const full = sincosPositionEmbedding(grid, dim);
    this.pos = makeVariable(full.slice(dim), [this.numPatches, dim], false);
    this.blocks = Array.from(
      { length: depth },
      () => new TransformerBlock(rng, dim, heads, { mlpRatio: opts.mlpRatio }),
    );
    this.norm = new LayerNorm(dim, 1e-6);
    this.pred = new Dense(rng, dim, outDim, { init: "xavier" });
    this.name = `maedec-d${dim}-l${depth}-h${heads}`;
  }

  /** Position embeddings of per-sample positions: [B, K] indices → [B, K, dim]. */
  positionsOf(positions: TokenIndices, batch: number): tf.Tensor3D {
    return tf.tidy(() => {
      const all = tf.tile(tf.expandDims(this.pos, 0), [batch, 1, 1]) as tf.Tensor3D;
      return dropTokens(all, positions);
    });
  }

  /**
   * Predict outputs at `queries` from `visible` encoder tokens [B, K, inDim] at patch positions `visiblePos`:
   * returns [B, Q, outDim]. Positions are row-major patch indices (no CLS).
   */
  apply(visible: tf.Tensor3D, visiblePos: TokenIndices, queries: TokenIndices): tf.Tensor3D {
    const [b, k, d] = visible.shape;
    if (d !== this.opts.inDim) {
      throw new Error(
        `${this.name}: expected visible tokens [B, K, ${this.opts.inDim}], got [${visible.shape}]`,
      );
    }
    return tf.tidy(() => {
      const vis = tf.add(this.embed.apply(visible), this.positionsOf(visiblePos, b));
      const qpos = this.positionsOf(queries, b);
      const q = qpos.shape[1];
      const qs = tf.add(qpos, this.maskToken);
      let y = tf.concat([vis, qs], 1) as tf.Tensor3D;
      for (const blk of this.blocks) y = blk.apply(y);
      const out = this.pred.apply(
        this.norm.apply(tf.slice(y, [0, k, 0], [b, q, this.opts.dim]) as tf.Tensor3D),
      );
      return out;
    });
  }

  /** Variables: `embed.*`, `maskToken`, `pos`, `blocks.{i}.*`, `norm.*`, `pred.*`. */
  namedVariables(): NamedVariables {
    return collectVariables({
      embed: this.embed,
      maskToken: this.maskToken,
      pos: this.pos,
      blocks: this.blocks,
      norm: this.norm,
      pred: this.pred,
    });
  }
}

/** Build a {@link MaeDecoder}. */
export function maeDecoder(rng: Rng, opts: MaeDecoderOptions): MaeDecoder {
  return new MaeDecoder(rng, opts);
}
