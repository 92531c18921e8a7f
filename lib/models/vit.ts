/**
 * A small Vision Transformer encoder with token dropping, the base of PCAE and MAE.
 *
 * Patch embedding is a p×p stride-p convolution (equivalently `patchify` then a dense layer), plus a position
 * embedding (learned, or fixed 2-D sin-cos as MAE) and a CLS token at index 0. Blocks are pre-norm
 * (LN → MHSA → residual, LN → MLP → residual) and a final LayerNorm follows.
 *
 * Token dropping: `apply(x, {training, keep})` calls `keep(blockIndex, tokens)` before every block; returning
 * indices [B, K] (or a shared [K] list) keeps those tokens (in that order) for the rest of the forward pass,
 * returning null keeps all. The lower-level pieces are public too: `embed` / `embedPatches` / `prependCls`,
 * `forwardTokens` (blocks `from`..`to` with optional dropping) and `finalNorm`, so an MAE encoder can run on
 * `dropTokens(embedPatches(x), visible)` with `prependCls`, and PCAE can pick tokens from a momentum encoder.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";
import type { Encoder, EncoderOutput, ForwardOptions } from "./types.ts";
import { makeVariable, truncatedNormalValues } from "./init.ts";
import { collectVariables, Conv2d, Layer, LayerNorm, type NamedVariables, normalizeInput } from "./layers.ts";
import { TransformerBlock } from "./transformer.ts";
import { dropTokens, type TokenIndices } from "./tokens.ts";

/** Chooses which tokens to keep before block `blockIndex` (null/undefined: keep all). */
export type KeepFn = (blockIndex: number, tokens: tf.Tensor3D) => TokenIndices | null | undefined;

/** Forward options of the ViT. */
export interface VitForwardOptions extends ForwardOptions {
  /** Token dropping between blocks. */
  keep?: KeepFn;
}

/** What the ViT returns: the encoder output plus the final (normalised) tokens. */
export interface VitOutput extends EncoderOutput {
  /** Final normalised tokens [B, T', D] (T' after any dropping; index 0 is CLS unless it was dropped). */
  tokens: tf.Tensor3D;
}

/** Options of {@link vit}. */
export interface VitOptions {
  /** Square image side (default 32). */
  imageSize?: number;
  /** Square patch side, dividing imageSize (default 4). */
  patchSize?: number;
  /** Input channels (default 3). */
  inChannels?: number;
  /** Token dimension (default 192). */
  dim?: number;
  /** Number of blocks (default 6). */
  depth?: number;
  /** Attention heads (default 3). */
  heads?: number;
  /** MLP width / dim (default 4). */
  mlpRatio?: number;
  /** Representation: final CLS token ("cls", default) or mean of the remaining patch tokens ("mean"). */
  pool?: "cls" | "mean";
  /** Learned position embedding (default) or fixed 2-D sin-cos (MAE; needs dim divisible by 4). */
  posEmbed?: "learned" | "sincos";
  /** Fixed per-channel input normalisation (default none). */
  inputNorm?: { mean: readonly number[]; std: readonly number[] } | null;
}

/** Fixed 2-D sin-cos position embedding [1 + g², dim] (row 0, for CLS, is zero), as MAE. */
export function sincosPositionEmbedding(grid: number, dim: number): Float32Array {
  if (dim % 4 !== 0) throw new Error(`sincosPositionEmbedding: dim must be divisible by 4, got ${dim}`);
  const q = dim / 4;
  const out = new Float32Array((1 + grid * grid) * dim);
  for (let i = 0; i < grid; i++) {
    for (let j = 0; j < grid; j++) {
      const row = (1 + i * grid + j) * dim;
      for (let f = 0; f < q; f++) {
        const omega = 1 / 10000 ** (f / q);
        out[row + f] = Math.sin(j * omega);
        out[row + q + f] = Math.cos(j * omega);
        out[row + 2 * q + f] = Math.sin(i * omega);
        out[row + 3 * q + f] = Math.cos(i * omega);
      }
    }
  }
  return out;
}

/** The Vision Transformer encoder. */
export class VisionTransformer extends Layer implements Encoder {
  /** Identifier, e.g. "vit-d192-l6-h3-p4". */
  readonly name: string;
  /** Dimension of h (= dim). */
  readonly outDim: number;
  /** Token dimension. */
  readonly dim: number;
  /** Patch side. */
  readonly patchSize: number;
  /** Image side. */
  readonly imageSize: number;
  /** Patches per side. */
  readonly gridSize: number;
  /** Number of patch tokens (gridSize²). */
  readonly numPatches: number;
  /** Patch embedding conv (k = stride = patchSize, with bias). */
  readonly patchEmbed: Conv2d;
  /** CLS token [1, 1, dim]. */
  readonly cls: tf.Variable;
  /** Position embedding [1, 1 + numPatches, dim] (row 0 for CLS). */
  readonly pos: tf.Variable;
  /** Transformer blocks. */
  readonly blocks: TransformerBlock[];
  /** Final LayerNorm. */
  readonly norm: LayerNorm;
  /** Pooling of h. */
  readonly pool: "cls" | "mean";
  readonly #inputNorm: VitOptions["inputNorm"];

  /**
   * Build the patch embedding, tokens and blocks with fresh weights (defaults in {@link VitOptions}: 32×32
   * images, 4×4 patches, dim 192, depth 6, 3 heads).
   * @param rng initialisation stream.
   */
  constructor(rng: Rng, opts: VitOptions = {}) {
    super();
    const size = opts.imageSize ?? 32, p = opts.patchSize ?? 4, dim = opts.dim ?? 192;
    const depth = opts.depth ?? 6, heads = opts.heads ?? 3;
    if (!(Number.isInteger(p) && p >= 1 && size % p === 0)) {
      throw new Error(`vit: patch size ${p} does not divide image size ${size}`);
    }
    if (!(Number.isInteger(depth) && depth >= 0)) {
      throw new Error(`vit: depth must be an integer >= 0, got ${depth}`);
    }
    if (dim % heads !== 0) throw new Error(`vit: ${heads} heads do not divide dimension ${dim}`);
    this.dim = this.outDim = dim;
    this.patchSize = p;
    this.imageSize = size;
    this.gridSize = size / p;
    this.numPatches = this.gridSize ** 2;
    this.pool = opts.pool ?? "cls";
    this.#inputNorm = opts.inputNorm ?? null;
    this.patchEmbed = new Conv2d(rng, opts.inChannels ?? 3, dim, {
      kernel: p,
      stride: p,
      padding: 0,
      bias: true,
      init: "torch-default",
    });
    this.cls = makeVariable(truncatedNormalValues(rng, [1, 1, dim], 0.02), [1, 1, dim]);
    const posShape = [1, 1 + this.numPatches, dim];
    this.pos = opts.posEmbed === "sincos"
      ? makeVariable(sincosPositionEmbedding(this.gridSize, dim), posShape, false)
      : makeVariable(truncatedNormalValues(rng, posShape, 0.02), posShape);
    this.blocks = Array.from(
      { length: depth },
      () => new TransformerBlock(rng, dim, heads, { mlpRatio: opts.mlpRatio }),
    );
    this.norm = new LayerNorm(dim, 1e-6);
    this.name = `vit-d${dim}-l${depth}-h${heads}-p${p}`;
  }

  /** Patch tokens with their position embeddings, without CLS: [B, H, W, C] → [B, numPatches, dim]. */
  embedPatches(x: tf.Tensor4D): tf.Tensor3D {
    if (x.rank !== 4 || x.shape[1] !== this.imageSize || x.shape[2] !== this.imageSize) {
      throw new Error(
        `${this.name}: expected [B, ${this.imageSize}, ${this.imageSize}, C] input, got [${x.shape}]`,
      );
    }
    return tf.tidy(() => {
      const x0 = this.#inputNorm ? normalizeInput(x, this.#inputNorm.mean, this.#inputNorm.std) : x;
      const e = tf.reshape(this.patchEmbed.apply(x0), [x.shape[0], this.numPatches, this.dim]);
      return tf.add(e, tf.slice(this.pos, [0, 1, 0], [1, this.numPatches, this.dim])) as tf.Tensor3D;
    });
  }

  /** Prepend the CLS token (with its position embedding) to [B, K, dim] patch tokens → [B, 1 + K, dim]. */
  prependCls(tokens: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const cls = tf.add(this.cls, tf.slice(this.pos, [0, 0, 0], [1, 1, this.dim]));
      return tf.concat([tf.tile(cls, [tokens.shape[0], 1, 1]), tokens], 1) as tf.Tensor3D;
    });
  }

  /** All input tokens: CLS then patches, with position embeddings: [B, 1 + numPatches, dim]. */
  embed(x: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => this.prependCls(this.embedPatches(x)));
  }

  /**
   * Run blocks `from` (default 0) to `to` (exclusive, default depth) on tokens, calling `keep` before each.
   * Returns the tokens after the last block (not normalised) and each block's output.
   */
  forwardTokens(
    tokens: tf.Tensor3D,
    opts: { keep?: KeepFn; from?: number; to?: number } = {},
  ): { tokens: tf.Tensor3D; stages: tf.Tensor3D[] } {
    const from = opts.from ?? 0, to = opts.to ?? this.blocks.length;
    if (
      !(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= this.blocks.length)
    ) {
      throw new Error(`${this.name}: invalid block range [${from}, ${to}) for depth ${this.blocks.length}`);
    }
    if (tokens.rank !== 3 || tokens.shape[2] !== this.dim) {
      throw new Error(`${this.name}: expected tokens [B, T, ${this.dim}], got [${tokens.shape}]`);
    }
    const stages: tf.Tensor3D[] = [];
    let y = tokens;
    for (let i = from; i < to; i++) {
      const idx = opts.keep?.(i, y);
      if (idx != null) y = dropTokens(y, idx);
      y = this.blocks[i].apply(y);
      stages.push(y);
    }
    return { tokens: y, stages };
  }

  /** The final LayerNorm. */
  finalNorm(tokens: tf.Tensor3D): tf.Tensor3D {
    return this.norm.apply(tokens);
  }

  /** h from final normalised tokens: token 0 ("cls") or the mean of tokens 1.. ("mean"). */
  poolTokens(tokens: tf.Tensor3D): tf.Tensor2D {
    const [b, t, d] = tokens.shape;
    if (this.pool === "cls") return tf.reshape(tf.slice(tokens, [0, 0, 0], [b, 1, d]), [b, d]);
    if (t < 2) throw new Error(`${this.name}: mean pooling needs at least one patch token`);
    return tf.mean(tf.slice(tokens, [0, 1, 0], [b, t - 1, d]), 1) as tf.Tensor2D;
  }

  /** Forward pass with optional token dropping; `stages` are the blocks' outputs. */
  apply(x: tf.Tensor4D, opts: VitForwardOptions): VitOutput {
    const { tokens, stages } = this.forwardTokens(this.embed(x), { keep: opts.keep });
    const normed = this.finalNorm(tokens);
    return { h: this.poolTokens(normed), stages, tokens: normed };
  }

  /** Variables: `patchEmbed.*`, `cls`, `pos`, `blocks.{i}.*`, `norm.*`. */
  namedVariables(): NamedVariables {
    return collectVariables({
      patchEmbed: this.patchEmbed,
      cls: this.cls,
      pos: this.pos,
      blocks: this.blocks,
      norm: this.norm,
    });
  }
}

/** Build a ViT encoder. */
export function vit(rng: Rng, opts: VitOptions = {}): VisionTransformer {
  return new VisionTransformer(rng, opts);
}
