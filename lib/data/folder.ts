/**
 * `folder`: the user's own images, one class per sub-folder, decoded and resized with sharp.
 *
 * Layouts:
 * - `root/<class>/<image>`: split per class with a seeded permutation (`Rng(seed).fork("folder:<class>")`),
 *   `round(testFraction·count)` images of each class go to test;
 * - `root/train/<class>/…` and `root/test/<class>/…`: the given split is used as is.
 *
 * Class names are the sorted sub-folder names; files are visited in sorted order, so results do not depend on
 * the file system's listing order. Images (png, jpg, jpeg, webp, gif, tif, tiff, avif) are auto-rotated by
 * their EXIF orientation, flattened onto black when they have alpha, and resized to size×size (`fit`: "cover"
 * crops the centre, "contain" letterboxes, "fill" stretches). A file that cannot be decoded gives a one-line
 * error naming it.
 *
 * @module
 */
import sharp from "sharp";
import { Rng } from "../rng.ts";
import { convertChannels } from "./reshape.ts";
import type { Dataset, Split } from "./types.ts";

/** File extensions read as images. */
export const IMAGE_EXTENSIONS: string[] = ["png", "jpg", "jpeg", "webp", "gif", "tif", "tiff", "avif"];

/** Options of `loadFolder`. */
export interface FolderOptions {
  /** Output side length (default 32). */
  size?: number;
  /** Output channels (default 3). */
  channels?: 1 | 3;
  /** How to fit images into the square (default "cover"). */
  fit?: "cover" | "contain" | "fill";
  /** Fraction of each class held out for test when the folder has no train/test sub-folders (default 0.2). */
  testFraction?: number;
  /** Seed of that split (default 0). */
  seed?: number;
}

async function listDirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.isDirectory && !e.name.startsWith(".")) out.push(e.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`folder dataset: ${dir} does not exist`);
    throw e;
  }
  return out.sort();
}

async function listImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const ext = e.name.split(".").pop()?.toLowerCase() ?? "";
    if (e.isFile && !e.name.startsWith(".") && IMAGE_EXTENSIONS.includes(ext)) out.push(`${dir}/${e.name}`);
  }
  return out.sort();
}

/** Decode one image file to size×size×channels uint8 (see the module doc). */
export async function decodeImage(
  path: string,
  size: number,
  channels: 1 | 3,
  fit: "cover" | "contain" | "fill" = "cover",
): Promise<Uint8Array> {
  let data: Uint8Array, info: { width: number; height: number; channels: number };
  try {
    let img = sharp(path).rotate().flatten({ background: { r: 0, g: 0, b: 0 } })
      .resize(size, size, { fit, background: { r: 0, g: 0, b: 0, alpha: 1 } });
    if (channels === 1) img = img.grayscale();
    const res = await img.raw().toBuffer({ resolveWithObject: true });
    data = new Uint8Array(res.data.buffer, res.data.byteOffset, res.data.byteLength);
    info = res.info;
  } catch (e) {
    throw new Error(`${path}: cannot decode image (${String((e as Error).message).split("\n")[0]})`);
  }
  if (info.width !== size || info.height !== size) {
    throw new Error(`${path}: decoded to ${info.width}x${info.height}, expected ${size}x${size}`);
  }
  const px = size * size;
  if (info.channels === channels) return new Uint8Array(data);
  if (info.channels === 1 || info.channels === 3) return convertChannels(data, px, info.channels, channels);
  // Grey+alpha or RGBA that survived flattening: keep the colour channels only.
  const colour = info.channels >= 3 ? 3 : 1;
  const stripped = new Uint8Array(px * colour);
  for (let p = 0; p < px; p++) {
    for (let k = 0; k < colour; k++) stripped[p * colour + k] = data[p * info.channels + k];
  }
  return convertChannels(stripped, px, colour, channels);
}

async function decodeAll(
  files: { path: string; label: number }[],
  size: number,
  channels: 1 | 3,
  fit: "cover" | "contain" | "fill",
): Promise<Split> {
  const bytes = size * size * channels;
  const images = new Uint8Array(files.length * bytes);
  const labels = new Int32Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      images.set(await decodeImage(files[i].path, size, channels, fit), i * bytes);
      labels[i] = files[i].label;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { n: files.length, height: size, width: size, channels, images, labels: { label: labels } };
}

/** Load a folder of class sub-folders (see the module doc). */
export async function loadFolder(root: string, opts: FolderOptions = {}): Promise<Dataset> {
  const size = opts.size ?? 32, channels = opts.channels ?? 3, fit = opts.fit ?? "cover";
  const testFraction = opts.testFraction ?? 0.2, seed = opts.seed ?? 0;
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new Error(`folder dataset: size must be a positive integer`);
  }
  if (!(testFraction >= 0 && testFraction < 1)) {
    throw new Error(`folder dataset: testFraction must be in [0, 1)`);
  }
  const top = await listDirs(root);
  const presplit = top.includes("train") && top.includes("test");
  const train: { path: string; label: number }[] = [], test: { path: string; label: number }[] = [];
  let classes: string[];
  if (presplit) {
    classes = [...new Set([...(await listDirs(`${root}/train`)), ...(await listDirs(`${root}/test`))])]
      .sort();
    for (const [which, list] of [["train", train], ["test", test]] as const) {
      for (const [c, name] of classes.entries()) {
        const dir = `${root}/${which}/${name}`;
        const files = await listImages(dir).catch((e) => {
          if (e instanceof Deno.errors.NotFound) return [];
          throw e;
        });
        // a class absent from one split would be trained on but never tested, or tested but never learned
        if (files.length === 0) {
          throw new Error(
            `folder dataset: class "${name}" has no ${which} images (${dir} is missing or empty); ` +
              `every class needs images in both train/ and test/`,
          );
        }
        for (const path of files) list.push({ path, label: c });
      }
    }
  } else {
    classes = top;
    const rng = new Rng(seed);
    for (const [c, name] of classes.entries()) {
      const files = await listImages(`${root}/${name}`);
      if (files.length === 0) {
        throw new Error(`folder dataset: ${root}/${name} holds no images (${IMAGE_EXTENSIONS})`);
      }
      const perm = rng.fork(`folder:${name}`).permutation(files.length);
      const nTest = Math.round(testFraction * files.length);
      if (testFraction > 0 && (nTest === 0 || nTest === files.length)) {
        throw new Error(
          `folder dataset: class "${name}" has ${files.length} image(s), too few to split ${testFraction} ` +
            `of them off for test with some left to train on; add images or use train/ and test/ folders`,
        );
      }
      perm.forEach((p, k) => (k < nTest ? test : train).push({ path: files[p], label: c }));
    }
  }
  if (classes.length === 0) throw new Error(`folder dataset: ${root} has no class sub-folders`);
  if (train.length === 0) throw new Error(`folder dataset: ${root} holds no training images`);
  return {
    name: "folder",
    train: await decodeAll(train, size, channels, fit),
    test: await decodeAll(test, size, channels, fit),
    labelSets: { label: classes },
    defaultLabel: "label",
    provenance: `folder ${root} (${classes.length} classes, ${train.length} train / ${test.length} test` +
      `${presplit ? ", given split" : `, seeded split seed=${seed} testFraction=${testFraction}`}); ` +
      `sharp ${fit} to ${size}x${size}x${channels}`,
  };
}
