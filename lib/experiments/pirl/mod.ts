/**
 * The PIRL reproduction (Misra & van der Maaten, CVPR 2020) at small scale: profile configurations, the
 * whole-image and jigsaw views, the shared-encoder model with PIRL's heads and the Jigsaw classifier,
 * pretraining with the NCE loss and memory bank, per-stage and invariance evaluation, cached runs, the study
 * drivers, claims with verdicts, the histogram figure and the notebook display helpers.
 * `notebooks/01_pirl.ipynb` is the walkthrough.
 *
 * @module
 */
export * from "./config.ts";
export * from "./views.ts";
export * from "./model.ts";
export * from "./pretrain.ts";
export * from "./evaluate.ts";
export * from "./run.ts";
export * from "./experiments.ts";
export * from "./claims.ts";
export * from "./figures.ts";
export * from "../../report/show.ts";
