/**
 * The train and test splits an experiment trains and evaluates on, loaded from a small description: dataset,
 * split sizes, label set and seed (shapes is generated with its distribution options; other datasets are
 * loaded whole and their first `nTrain` / `nTest` images kept). Shared by the reproduction notebooks.
 *
 * @module
 */
import { loadDataset } from "./mod.ts";
import type { ShapesDistribution } from "./shapes.ts";
import { type DatasetName, type Split, subsetSplit } from "./types.ts";

/** What an experiment's data is. */
export interface DataSpec {
  /** Which dataset to load (see `loadDataset`). */
  name: DatasetName;
  /** Training images (shapes: generated; other datasets: the first n). */
  nTrain: number;
  /** Test images (as nTrain). */
  nTest: number;
  /** The label set used for evaluation (e.g. shapes' "shape", so colour is a nuisance). */
  label: string;
  /** Data seed (shapes generation, mnist split). */
  seed: number;
  /** shapes: what to draw (default everything). */
  shapes?: ShapesDistribution;
}

/** Loaded splits with the chosen label set. */
export interface LabeledSplits {
  /** Training split (at most `spec.nTrain` images), with all of the dataset's label sets. */
  train: Split;
  /** Test split (at most `spec.nTest` images), with all of the dataset's label sets. */
  test: Split;
  /** Label set used for evaluation. */
  label: string;
  /** Number of classes of the `label` set. */
  numClasses: number;
  /** Where the images came from (for provenance). */
  provenance: string;
}

/** The first `n` indices. */
const first = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Load the splits of `spec`.
 * @param opts.size output side length (default: the dataset's own).
 * @throws a one-line error when the dataset has no label set `spec.label`.
 */
export async function loadLabeledSplits(
  spec: DataSpec,
  opts: { size?: number } = {},
): Promise<LabeledSplits> {
  const size = opts.size === undefined ? {} : { size: opts.size };
  const ds = spec.name === "shapes"
    ? await loadDataset("shapes", {
      seed: spec.seed,
      nTrain: spec.nTrain,
      nTest: spec.nTest,
      shapes: spec.shapes,
      ...size,
      quiet: true,
    })
    : await loadDataset(spec.name, { ...size, quiet: true });
  const classes = ds.labelSets[spec.label];
  if (!classes) throw new Error(`dataset ${spec.name} has no label set "${spec.label}"`);
  const train = ds.train.n > spec.nTrain ? subsetSplit(ds.train, first(spec.nTrain)) : ds.train;
  const test = ds.test.n > spec.nTest ? subsetSplit(ds.test, first(spec.nTest)) : ds.test;
  return { train, test, label: spec.label, numClasses: classes.length, provenance: ds.provenance };
}
