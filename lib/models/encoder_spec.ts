/**
 * Encoders described by data: an {@link EncoderSpec} (the small cnn3, with or without batch norm, or a ResNet)
 * and {@link buildEncoder}, which builds it from a seeded {@link Rng}. Every reproduction names its encoder in
 * its configuration this way, so the spec is part of every cache key and any paper can build any encoder.
 *
 * @example
 * ```ts
 * import { Rng } from "../rng.ts";
 * import { buildEncoder } from "./encoder_spec.ts";
 * const enc = buildEncoder({ kind: "cnn3", widths: [32, 64, 128], batchNorm: true }, new Rng(0));
 * console.log(enc.name, enc.outDim); // "cnn3bn-32-64-128" 128
 * enc.dispose();
 * ```
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { cnn3 } from "./cnn3.ts";
import { resnet } from "./resnet.ts";
import type { Encoder, EncoderOutput, ForwardOptions } from "./types.ts";
import {
  BatchNorm,
  collectVariables,
  Conv2d,
  type ConvInit,
  Layer,
  type NamedVariables,
  normalizeInput,
} from "./layers.ts";

/** The encoder architecture. */
export type EncoderSpec =
  | {
    kind: "cnn3";
    widths: [number, number, number];
    /** Convolution initialisation (default cnn3's "torch-default"). */
    init?: ConvInit;
    /** Normalise the input channels to mean 0.5 / std 0.25 inside the encoder (default false). */
    centerInput?: boolean;
    /** Batch norm after every convolution, before the ReLU (default false: cnn3 as benchmarked). */
    batchNorm?: boolean;
    /** Batch norm in the MLP projection head's hidden layer (default false). */
    headBatchNorm?: boolean;
  }
  | {
    /**
     * cnn3 with batch norm and a fourth stage: conv → BN → ReLU at the third stage's resolution (no pooling), so
     * an 8-px patch still has a 1×1 map there. Four stages for per-stage evaluation at cnn3's cost plus one conv.
     */
    kind: "cnn4";
    widths: [number, number, number, number];
    init?: ConvInit;
    centerInput?: boolean;
  }
  | { kind: "resnet"; depth: 10 | 18; width: number };

const CENTER = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };

/**
 * cnn3 with batch norm: 3 × [conv3x3 (no bias) → BN → ReLU → max-pool 2×2], then global average pooling.
 * Variables: `conv{1,2,3}.weight`, `bn{1,2,3}.{gamma,beta,runningMean,runningVar}`. With a `cnn4` spec a fourth
 * stage [conv3x3 → BN → ReLU] without pooling follows (`conv4`, `bn4`).
 */
export class Cnn3Bn extends Layer implements Encoder {
  /** "cnn3bn-<w1>-<w2>-<w3>". */
  readonly name: string;
  /** Dimension of h: the last stage's width. */
  readonly outDim: number;
  /** The three 3×3 convolutions (no bias). */
  readonly convs: Conv2d[];
  /** The batch norm after each convolution. */
  readonly norms: BatchNorm[];
  readonly #center: boolean;

  /**
   * Build the three stages with the spec's widths and initialisation, drawing weights from `rng`.
   * @param spec a cnn3 spec (its `batchNorm` flag is implied).
   */
  constructor(rng: Rng, spec: Extract<EncoderSpec, { kind: "cnn3" | "cnn4" }>) {
    super();
    let ci = 3;
    this.convs = spec.widths.map((co) => {
      const conv = new Conv2d(rng, ci, co, { kernel: 3, padding: 1, init: spec.init ?? "torch-default" });
      ci = co;
      return conv;
    });
    this.norms = spec.widths.map((c) => new BatchNorm(c));
    this.outDim = spec.widths[spec.widths.length - 1];
    this.name = `cnn${spec.widths.length}bn-${spec.widths.join("-")}`;
    this.#center = spec.centerInput ?? false;
  }

  /** Forward pass: h = global average of the last stage; `stages` are the three pooled stage outputs. */
  apply(x: tf.Tensor4D, opts: ForwardOptions): EncoderOutput {
    const stages: tf.Tensor4D[] = [];
    let y = this.#center ? normalizeInput(x, CENTER.mean, CENTER.std) : x;
    this.convs.forEach((conv, i) => {
      y = this.norms[i].apply(conv.apply(y), opts.training, "relu");
      if (i < 3) y = tf.maxPool(y, 2, 2, "valid");
      stages.push(y);
    });
    return { h: tf.mean(y, [1, 2]) as tf.Tensor2D, stages };
  }

  /** Every variable by name (weights and batch-norm statistics). */
  namedVariables(): NamedVariables {
    const parts: Record<string, Layer> = {};
    this.convs.forEach((c, i) => parts[`conv${i + 1}`] = c);
    this.norms.forEach((n, i) => parts[`bn${i + 1}`] = n);
    return collectVariables(parts);
  }
}

/** Build an encoder from its spec. */
export function buildEncoder(spec: EncoderSpec, rng: Rng): Encoder {
  if (spec.kind === "cnn4" || (spec.kind === "cnn3" && spec.batchNorm)) return new Cnn3Bn(rng, spec);
  if (spec.kind === "cnn3") {
    return cnn3(rng, {
      widths: spec.widths,
      init: spec.init,
      inputNorm: spec.centerInput ? CENTER : null,
    });
  }
  return resnet(rng, { depth: spec.depth, width: spec.width });
}
