/**
 * The optimizer contract of `lib/train`: plain objects that update `tf.Variable`s in place from gradients, with
 * the learning rate passed per step (so any schedule can drive them).
 *
 * @module
 */
import type { tf } from "../tf.ts";

/** An optimizer over a fixed list of variables. */
export interface Optimizer {
  /** e.g. "sgd", "adamw", "lars". */
  readonly name: string;
  /**
   * Its hyperparameters (momentum, betas, weight decay, which variables decay…), recorded in checkpoints so a
   * resume with different ones is refused.
   */
  readonly config?: Readonly<Record<string, number | boolean | string>>;
  /**
   * Apply one update. `grads[i]` is the gradient of `variables[i]` given at construction; `lr` is this step's
   * learning rate. A null/undefined entry (a variable the loss does not depend on) is skipped entirely, as
   * PyTorch skips parameters whose `.grad` is None. Does not dispose `grads`.
   */
  step(grads: ReadonlyArray<tf.Tensor | null | undefined>, lr: number): void;
  /** Optimizer state (moments etc.) by stable name, for checkpoints. */
  stateVariables(): Record<string, tf.Variable>;
  /** Free the state. */
  dispose(): void;
}
