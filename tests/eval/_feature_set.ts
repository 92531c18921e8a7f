/**
 * Test helper: a {@link FeatureSet} from row vectors and their labels.
 *
 * @module
 */
import type { FeatureSet } from "../../lib/eval/features.ts";

/** The feature set whose rows are `rows` (all of one width) with `labels`. */
export function featureSet(rows: number[][], labels: number[]): FeatureSet {
  return {
    features: Float32Array.from(rows.flat()),
    n: rows.length,
    dim: rows[0].length,
    labels: Int32Array.from(labels),
  };
}
