/**
 * Public entry of the self-supervised reproduction suite: everything a notebook needs.
 *
 * @module
 */
export { tf } from "./tf.ts";
export { Rng } from "./rng.ts";
export * from "./backend/mod.ts";
export * from "./data/mod.ts";
export * from "./papers.ts";
export * from "./paths.ts";
