/**
 * Public entry of the self-supervised reproduction suite: everything a notebook needs.
 *
 * @module
 */
/** The tfjs namespace the whole suite uses (see `lib/tf.ts`): ops, `tf.tidy`, tensors and variables. */
export { tf } from "./tf.ts";
// The tfjs tensor types that the suite's signatures name (as `tf.Tensor4D` etc.), re-exported as types so
// that they are part of the documented API rather than references to symbols outside it.
export type {
  Rank,
  Scalar,
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  Tensor5D,
  Variable,
} from "./tf.ts";
export { Rng } from "./rng.ts";
export * from "./backend/mod.ts";
export * from "./data/mod.ts";
export * from "./data/labeled_splits.ts";
export * from "./data/batch_indices.ts";
export * from "./data/cpu_shapes.ts";
export * from "./papers.ts";
export * from "./paths.ts";
export * from "./models/types.ts";
export * from "./models/init.ts";
export * from "./models/layers.ts";
export * from "./models/cnn3.ts";
export * from "./models/resnet.ts";
export * from "./models/vit.ts";
export * from "./models/heads.ts";
export * from "./models/encoder_spec.ts";
export * from "./models/pixels.ts";
export * from "./models/tokens.ts";
export * from "./models/transformer.ts";
export * from "./models/mae_decoder.ts";
export * from "./train/types.ts";
export * from "./train/optimizers.ts";
export * from "./train/schedules.ts";
export * from "./train/checkpoint.ts";
export * from "./train/loop.ts";
export * from "./train/progress.ts";
export * from "./train/ema.ts";
export * from "./augment/mod.ts";
export type { PairSimilarityOptions } from "./losses/pair_similarity.ts";
export * from "./losses/margin_triplet.ts";
export * from "./losses/memory_bank.ts";
export * from "./losses/nt_logistic.ts";
export * from "./losses/nt_logistic_semi_hard.ts";
export * from "./losses/nt_xent.ts";
export * from "./losses/pirl_nce.ts";
export * from "./losses/masked_reconstruction.ts";
export * from "./stats/bootstrap.ts";
export * from "./stats/confidence.ts";
export * from "./stats/correlation.ts";
export * from "./stats/logit.ts";
export * from "./stats/student_t.ts";
export * from "./eval/features.ts";
export * from "./eval/few_shot.ts";
export * from "./eval/finetune.ts";
export * from "./eval/knn.ts";
export * from "./eval/knn_majority.ts";
export * from "./eval/lbfgs.ts";
export * from "./eval/linear_probe.ts";
export * from "./eval/logistic_regression.ts";
export * from "./experiment.ts";
export * from "./cli.ts";
export * from "./cache.ts";
export * from "./runs/method.ts";
export * from "./runs/engine.ts";
export * from "./worker_pool.ts";
export * from "./progress.ts";
export * from "./train/cached_weights.ts";
export * from "./report/figure.ts";
export * from "./report/results.ts";
export * from "./report/verdict.ts";
export * from "./report/gate.ts";
export * from "./report/charts.ts";
export * from "./report/show.ts";
export * from "./train/split_step.ts";
export * as parallel from "./train/parallel/mod.ts";
export * as simclr from "./experiments/simclr/mod.ts";
export * as pirl from "./experiments/pirl/mod.ts";
export * as transfer from "./experiments/transfer/mod.ts";
export * as pcae from "./experiments/pcae/mod.ts";
