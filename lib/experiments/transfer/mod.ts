/**
 * The reproduction of Ericsson, Gouk & Hospedales, "How Well Do Self-Supervised Models Transfer?" (CVPR 2021):
 * part A re-analyses the published tables (correlations of ImageNet top-1 with transfer, the best
 * self-supervised model vs the supervised one, winners per dataset); part B trains a small zoo of encoders on
 * `shapes` and measures the same relations at toy scale. `notebooks/03_transfer.ipynb` is the walkthrough.
 *
 * @module
 */
export * from "./published.ts";
export * from "./correlation.ts";
export * from "./reanalysis.ts";
export * from "./config.ts";
export * from "./tasks.ts";
export * from "./zoo.ts";
export * from "./evaluate.ts";
export * from "./run.ts";
export * from "./study.ts";
export * from "./claims.ts";
export * from "./figures.ts";
export * from "./tables.ts";
export * from "../../report/show.ts";
