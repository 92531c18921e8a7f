/**
 * The in-memory shape of every dataset in the suite: typed splits of NHWC uint8 images with one or more label
 * sets, plus the class names of each label set and a provenance line saying where the pixels came from.
 *
 * @module
 */

/** Names of the datasets `loadDataset` knows. */
export type DatasetName = "mnist" | "fashion-mnist" | "shapes" | "cifar10" | "cifar100" | "stl10" | "folder";

/** One split (train, test, unlabeled) of a dataset. */
export interface Split {
  /** Number of images. */
  n: number;
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** Channels per pixel: 1 (grey) or 3 (RGB). */
  channels: number;
  /** Pixels, NHWC, uint8, length n·height·width·channels. */
  images: Uint8Array;
  /** One Int32Array of length n per label set (class indices into `Dataset.labelSets[name]`). */
  labels: Record<string, Int32Array>;
}

/** A dataset: train and test splits sharing label sets. */
export interface Dataset {
  /** Registry name (plus a variant suffix where options change the content, e.g. "mnist"). */
  name: string;
  /** Training split. */
  train: Split;
  /** Test split. */
  test: Split;
  /** Unlabeled images (STL-10's unlabeled split), when requested. */
  unlabeled?: Split;
  /** Label set name -> class names (index = class id). */
  labelSets: Record<string, string[]>;
  /** The label set used when a task does not name one. */
  defaultLabel: string;
  /** Where the data came from and how it was split / generated (one line, for result records). */
  provenance: string;
}

/** Bytes per image of a split. */
export function imageBytes(split: Pick<Split, "height" | "width" | "channels">): number {
  return split.height * split.width * split.channels;
}

/**
 * Check a split's internal consistency; throws a one-line Error naming `what` and the first problem.
 * @param split the split to check.
 * @param labelSets when given, every label must be a valid class index of the set with the same name.
 * @param what how to name the split in the message (e.g. "cifar10 train").
 */
export function validateSplit(split: Split, labelSets?: Record<string, string[]>, what = "split"): void {
  const { n, height, width, channels } = split;
  for (const [k, v] of Object.entries({ n, height, width, channels })) {
    if (!Number.isInteger(v) || v < 0) {
      throw new Error(`${what}: ${k} must be a non-negative integer, got ${v}`);
    }
  }
  if (channels !== 1 && channels !== 3) throw new Error(`${what}: channels must be 1 or 3, got ${channels}`);
  if (split.images.length !== n * imageBytes(split)) {
    throw new Error(
      `${what}: expected ${n}x${height}x${width}x${channels} = ${
        n * imageBytes(split)
      } bytes of pixels, got ${split.images.length}`,
    );
  }
  for (const [name, lab] of Object.entries(split.labels)) {
    if (lab.length !== n) {
      throw new Error(`${what}: label set "${name}" has ${lab.length} labels for ${n} images`);
    }
    const classes = labelSets?.[name];
    if (labelSets && !classes) throw new Error(`${what}: label set "${name}" has no class names`);
    if (classes) {
      for (let i = 0; i < n; i++) {
        if (lab[i] < 0 || lab[i] >= classes.length) {
          throw new Error(
            `${what}: label set "${name}" has class ${lab[i]} at index ${i}, expected 0..${
              classes.length - 1
            }`,
          );
        }
      }
    }
  }
}

/** A new split holding the given images (copied) in the given order. */
export function subsetSplit(split: Split, indices: ArrayLike<number>): Split {
  const bytes = imageBytes(split);
  const images = new Uint8Array(indices.length * bytes);
  const labels: Record<string, Int32Array> = {};
  for (const k of Object.keys(split.labels)) labels[k] = new Int32Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= split.n) {
      throw new Error(`subsetSplit: index ${i} at position ${j} is out of range 0..${split.n - 1}`);
    }
    images.set(split.images.subarray(i * bytes, (i + 1) * bytes), j * bytes);
    for (const k of Object.keys(split.labels)) labels[k][j] = split.labels[k][i];
  }
  return {
    n: indices.length,
    height: split.height,
    width: split.width,
    channels: split.channels,
    images,
    labels,
  };
}

/** Number of images of each class of one label set (length = number of classes). */
export function classCounts(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}
