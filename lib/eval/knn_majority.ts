/**
 * kNN settings for a plain majority vote with `lib/eval/knn.ts`, the protocol the reproductions use for their
 * kNN accuracies (with a small temperature, the library's exp(s/τ) vote weights let a few very similar
 * neighbours outvote the rest).
 *
 * @example
 * ```ts
 * import { majorityKnnOptions } from "./knn_majority.ts";
 * const opts = majorityKnnOptions(20, 10); // k = 20 neighbours over 10 classes
 * ```
 *
 * @module
 */
import type { KnnOptions } from "./knn.ts";

/**
 * Options of `knnClassify` (`lib/eval/knn.ts`) for the kNN on h: the k training rows of highest cosine similarity
 * s each vote for their class, the class with the most votes wins, and among classes with equal votes the one
 * whose voters are more similar in total. The library's kNN weighs a vote exp(s/τ); with τ = 4k every weight
 * lies in [e^(−1/4k), e^(1/4k)], so c + 1 votes always outweigh c votes (by more than 1/2) and the weights only
 * decide ties, by Σ s. (The lowest-class-index tie rule of τ → ∞ would favour low labels.)
 * @param k neighbours (capped at the training-set size)
 * @param numClasses number of classes (default: max training label + 1)
 */
export function majorityKnnOptions(k: number, numClasses?: number): KnnOptions {
  return { k, temperature: 4 * k, numClasses };
}
