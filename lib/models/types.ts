/**
 * The contracts every model in `lib/models` follows, so that training, evaluation and checkpointing can treat
 * them uniformly. Models are plain objects holding `tf.Variable`s (no tfjs-layers): NHWC inputs in [0, 1].
 *
 * @module
 */
import type { tf } from "../tf.ts";

/** Options of a forward pass. */
export interface ForwardOptions {
  /** Training mode: batch-norm uses batch statistics and updates its running averages. */
  training: boolean;
}

/** Anything holding variables. */
export interface Module {
  /** Short identifier, e.g. "resnet18-w16". */
  readonly name: string;
  /** Variables updated by the optimizer. */
  trainableVariables(): tf.Variable[];
  /** Every variable (trainable and state such as batch-norm running statistics) under a stable path name. */
  namedVariables(): Record<string, tf.Variable>;
  /** Free all variables. */
  dispose(): void;
}

/**
 * What an encoder returns. The index signature makes it a `tf.TensorContainer`, so a whole output can be
 * returned from `tf.tidy` (models may add fields, e.g. the ViT's final `tokens`).
 */
export interface EncoderOutput {
  /** Model-specific extra outputs (tensors or lists of tensors). */
  [key: string]: tf.Tensor | tf.Tensor[];
  /** The representation h (after global pooling / the CLS token), shape [B, outDim]. */
  h: tf.Tensor2D;
  /** Intermediate per-stage features (e.g. each ResNet stage's output), for per-layer evaluation. */
  stages: tf.Tensor[];
}

/** An image encoder: [B, H, W, C] in [0, 1] -> representation. */
export interface Encoder extends Module {
  /** Dimension of h. */
  readonly outDim: number;
  /** Forward pass. Call inside `tf.tidy` (or dispose the outputs). */
  apply(x: tf.Tensor4D, opts: ForwardOptions): EncoderOutput;
}

/** A head on top of a representation: projection heads, linear classifiers. */
export interface Head extends Module {
  /** Output dimension. */
  readonly outDim: number;
  /** Forward pass on [B, inDim]. */
  apply(h: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D;
}
