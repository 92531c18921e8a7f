/**
 * STL-10 (https://cs.stanford.edu/~acoates/stl10/) from the authors' binary archive `stl10_binary.tar.gz`.
 *
 * Native format (`stl10_binary/`): `train_X.bin` (5000 images), `test_X.bin` (8000), `unlabeled_X.bin`
 * (100000) hold raw uint8 images of 3×96×96, each channel stored column-major (the MATLAB layout: byte
 * `c·9216 + x·96 + y` is channel c at column x, row y); `train_y.bin` / `test_y.bin` hold one label byte per
 * image in 1..10. The parsers convert to NHWC and labels to 0..9.
 *
 * The unlabeled split is large (2.6 GiB at 96×96), so `loadStl10` reads only the first `unlabeled` images and
 * can downsample every split on load (`size`, area averaging, chunk by chunk). The archive is downloaded and
 * verified by `./download.ts` into `cacheDir("datasets")/stl10` (`$SSL_CACHE_DIR/datasets`).
 *
 * @module
 */
import { cacheDir } from "../paths.ts";
import { ensureMembers, type Remote, REMOTES } from "./download.ts";
import { resizeImages } from "./reshape.ts";
import type { Dataset, Split } from "./types.ts";

/** STL-10 class names (label order). */
export const STL10_CLASSES: string[] = [
  "airplane",
  "bird",
  "car",
  "cat",
  "deer",
  "dog",
  "horse",
  "monkey",
  "ship",
  "truck",
];

const SIDE = 96;
const IMG = 3 * SIDE * SIDE;

/** Convert STL-10 native images (3×96×96 column-major each) to NHWC. */
export function parseStl10Images(bytes: Uint8Array, file: string): { n: number; images: Uint8Array } {
  if (bytes.length === 0 || bytes.length % IMG !== 0) {
    throw new Error(
      `${file}: expected a whole number of ${IMG}-byte STL-10 images (3x96x96 uint8), got ${bytes.length} bytes ` +
        `(truncated?)`,
    );
  }
  const n = bytes.length / IMG;
  const images = new Uint8Array(bytes.length);
  const plane = SIDE * SIDE;
  for (let i = 0; i < n; i++) {
    const base = i * IMG;
    for (let c = 0; c < 3; c++) {
      const src = base + c * plane;
      for (let x = 0; x < SIDE; x++) {
        const col = src + x * SIDE;
        for (let y = 0; y < SIDE; y++) images[base + (y * SIDE + x) * 3 + c] = bytes[col + y];
      }
    }
  }
  return { n, images };
}

/** Convert STL-10 label bytes (1..10) to class indices 0..9. */
export function parseStl10Labels(bytes: Uint8Array, file: string): Int32Array {
  const out = new Int32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 1 || bytes[i] > 10) {
      throw new Error(`${file}: label ${bytes[i]} at index ${i}, expected 1..10`);
    }
    out[i] = bytes[i] - 1;
  }
  return out;
}

/** Options of `loadStl10`. */
export interface Stl10Options {
  /** Directory for the archive and extracted files (default `cacheDir("datasets")/stl10`). */
  dir?: string;
  /** Replace the download URL's directory (mirror, or a local server in tests). */
  baseUrl?: string;
  /** No progress output. */
  quiet?: boolean;
  /** Use this archive description instead of the canonical one; official counts are then not enforced. */
  remote?: Remote;
  /** How many unlabeled images to load (default 0: no unlabeled split). */
  unlabeled?: number;
  /** Downsample (area average) to size×size on load (default 96: native). */
  size?: number;
}

/** Read up to `maxImages` native images from `path` in chunks, converting (and resizing) each chunk. */
async function readImages(
  path: string,
  maxImages: number,
  size: number,
): Promise<{ n: number; images: Uint8Array }> {
  const total = (await Deno.stat(path)).size;
  if (total % IMG !== 0) {
    throw new Error(
      `${path}: expected a whole number of ${IMG}-byte STL-10 images, got ${total} bytes (truncated?)`,
    );
  }
  const n = Math.min(maxImages, total / IMG);
  const out = new Uint8Array(n * size * size * 3);
  const file = await Deno.open(path, { read: true });
  try {
    const chunk = 512;
    const buf = new Uint8Array(chunk * IMG);
    for (let i = 0; i < n; i += chunk) {
      const m = Math.min(chunk, n - i);
      const want = buf.subarray(0, m * IMG);
      let got = 0;
      while (got < want.length) {
        const r = await file.read(want.subarray(got));
        if (r === null) throw new Error(`${path}: ended early at image ${i}, expected ${n} images`);
        got += r;
      }
      const { images } = parseStl10Images(want, path);
      const px = size === SIDE ? images : resizeImages(images, m, SIDE, SIDE, 3, size, size);
      out.set(px, i * size * size * 3);
    }
  } finally {
    file.close();
  }
  return { n, images: out };
}

/** Load STL-10, downloading and verifying the archive on first use. */
export async function loadStl10(opts: Stl10Options = {}): Promise<Dataset> {
  const dir = opts.dir ?? `${cacheDir("datasets")}/stl10`;
  const remote = opts.remote ?? REMOTES.stl10;
  const official = opts.remote === undefined;
  const size = opts.size ?? SIDE;
  if (!(Number.isInteger(size) && size >= 1 && size <= SIDE)) {
    throw new Error(`stl10: size must be an integer in 1..96, got ${size}`);
  }
  const nUnl = opts.unlabeled ?? 0;
  const members = ["train_X.bin", "train_y.bin", "test_X.bin", "test_y.bin"];
  if (nUnl > 0) members.push("unlabeled_X.bin");
  const paths = await ensureMembers(remote, dir, members, opts);
  const labeled = async (which: "train" | "test", expected: number): Promise<Split> => {
    const x = await readImages(paths[`${which}_X.bin`], Infinity, size);
    const yPath = paths[`${which}_y.bin`];
    const y = parseStl10Labels(await Deno.readFile(yPath), yPath);
    if (y.length !== x.n) {
      throw new Error(`${yPath}: expected ${x.n} labels (one per image), got ${y.length}`);
    }
    if (official && x.n !== expected) {
      throw new Error(`${paths[`${which}_X.bin`]}: expected ${expected} images, got ${x.n}`);
    }
    return { n: x.n, height: size, width: size, channels: 3, images: x.images, labels: { label: y } };
  };
  const ds: Dataset = {
    name: "stl10",
    train: await labeled("train", 5000),
    test: await labeled("test", 8000),
    labelSets: { label: STL10_CLASSES },
    defaultLabel: "label",
    provenance:
      `${remote.url} (${remote.checksum.algorithm} ${remote.checksum.digest}); official 5000 train / ` +
      `8000 test${nUnl > 0 ? ` + first ${nUnl} unlabeled` : ""}${
        size !== SIDE ? `; area-resized to ${size}` : ""
      }`,
  };
  if (nUnl > 0) {
    const u = await readImages(paths["unlabeled_X.bin"], nUnl, size);
    ds.unlabeled = { n: u.n, height: size, width: size, channels: 3, images: u.images, labels: {} };
  }
  return ds;
}
