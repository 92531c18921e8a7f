/**
 * The PCAE reproduction (Li et al., ICLR 2023) against MAE (He et al., CVPR 2022) at small scale: profile
 * configurations, the mean-token redundancy rule, MAE and PCAE pretraining, evaluation with inference-time token
 * dropping, analytic FLOPs, timings, claims with verdicts and figure specs. `notebooks/04_pcae.ipynb` is the
 * walkthrough.
 *
 * @module
 */
export * from "./config.ts";
export * from "./redundancy.ts";
export * from "./model.ts";
export * from "./pretrain.ts";
export * from "./evaluate.ts";
export * from "./finetune.ts";
export * from "./flops.ts";
export * from "./timing.ts";
export * from "./run.ts";
export * from "./experiments.ts";
export * from "./equal_time.ts";
export * from "./study.ts";
export * from "./claims.ts";
export * from "./figures.ts";
export * from "../../report/show.ts";
export { meanCI } from "../../stats/confidence.ts";
