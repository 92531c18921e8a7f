/**
 * `cnn3`: the small convolutional encoder of the training benchmark (`shared/bench/torch_reference.py`):
 * 3 × [conv3x3 (no bias) → ReLU → max-pool 2×2] with widths 32, 64, 128, then global average pooling.
 * The reference's final `Linear(128, 10)` is a separate {@link Head} (`linearHead(rng, 128, 10)`).
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";
import type { Encoder, EncoderOutput, ForwardOptions } from "./types.ts";
import {
  collectVariables,
  Conv2d,
  type ConvInit,
  Layer,
  type NamedVariables,
  normalizeInput,
} from "./layers.ts";

/** Options of {@link cnn3}. */
export interface Cnn3Options {
  /** Input channels (default 3). */
  inChannels?: number;
  /** Channel widths of the three conv layers (default [32, 64, 128]). */
  widths?: readonly [number, number, number];
  /** Fixed per-channel input normalisation applied inside the model (default none). */
  inputNorm?: { mean: readonly number[]; std: readonly number[] } | null;
  /** Convolution initialisation (default "torch-default", as the PyTorch reference). */
  init?: ConvInit;
}

/** The cnn3 encoder; `stages` are the three post-pool feature maps. */
export class Cnn3 extends Layer implements Encoder {
  /** Identifier, e.g. "cnn3". */
  readonly name: string;
  /** Dimension of h (the last width). */
  readonly outDim: number;
  /** The three convolutions. */
  readonly convs: Conv2d[];
  readonly #inputNorm: Cnn3Options["inputNorm"];

  /**
   * Build the three conv layers with fresh weights (defaults in {@link Cnn3Options}).
   * @param rng initialisation stream.
   */
  constructor(rng: Rng, opts: Cnn3Options = {}) {
    super();
    const widths = opts.widths ?? [32, 64, 128];
    let ci = opts.inChannels ?? 3;
    this.convs = widths.map((co) => {
      const conv = new Conv2d(rng, ci, co, { kernel: 3, padding: 1, init: opts.init ?? "torch-default" });
      ci = co;
      return conv;
    });
    this.outDim = widths[2];
    this.name = opts.widths ? `cnn3-${widths.join("-")}` : "cnn3";
    this.#inputNorm = opts.inputNorm ?? null;
  }

  /** Forward pass (no batch norm, so `training` does not change the result). */
  apply(x: tf.Tensor4D, _opts: ForwardOptions): EncoderOutput {
    if (x.rank !== 4) throw new Error(`cnn3: expected NHWC input, got shape [${x.shape.join(", ")}]`);
    if (x.shape[1] < 8 || x.shape[2] < 8) {
      throw new Error(`cnn3: images must be at least 8×8, got ${x.shape[1]}×${x.shape[2]}`);
    }
    const stages: tf.Tensor4D[] = [];
    let y = this.#inputNorm ? normalizeInput(x, this.#inputNorm.mean, this.#inputNorm.std) : x;
    for (const conv of this.convs) {
      y = tf.maxPool(conv.apply(y, "relu"), 2, 2, "valid");
      stages.push(y);
    }
    return { h: tf.mean(y, [1, 2]) as tf.Tensor2D, stages };
  }

  /** Variables: `conv1.weight`, `conv2.weight`, `conv3.weight`. */
  namedVariables(): NamedVariables {
    return collectVariables({ conv1: this.convs[0], conv2: this.convs[1], conv3: this.convs[2] });
  }
}

/** Build a cnn3 encoder. */
export function cnn3(rng: Rng, opts: Cnn3Options = {}): Cnn3 {
  return new Cnn3(rng, opts);
}
