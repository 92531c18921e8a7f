/**
 * Deprecated: the SimCLR evaluation uses the shared kNN of `lib/eval/knn.ts` (with
 * `majorityKnnOptions` from `./evaluate.ts`). This module only re-exports it so that `./mod.ts`, which
 * still lists it, keeps resolving; delete it together with that line.
 *
 * @module
 */
export { knnClassify, type KnnResult } from "../../eval/knn.ts";
