/**
 * The SimCLR reproduction (Chen et al., ICML 2020) at small scale: profile configurations, the two view
 * protocols, pretraining and evaluation of cached runs, the seven ablation drivers, their claims with
 * verdicts, figure specs and notebook display helpers. `notebooks/02_simclr.ipynb` (the views) and
 * `notebooks/02_simclr_objective.ipynb` (objective, head, batch) are the walkthroughs.
 *
 * @module
 */
export * from "./config.ts";
export * from "./views.ts";
export * from "./losses.ts";
export * from "./model.ts";
export * from "./pretrain.ts";
export * from "./mlp_probe.ts";
export * from "./evaluate.ts";
export * from "./transform_prediction.ts";
export * from "./run.ts";
export * from "./ablations.ts";
export * from "./claims.ts";
export * from "./figures.ts";
export * from "../../report/show.ts";
export * from "./session.ts";
