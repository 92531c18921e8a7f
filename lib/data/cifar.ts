/**
 * CIFAR-10 and CIFAR-100 from the authors' binary archives (https://www.cs.toronto.edu/~kriz/cifar.html).
 *
 * Native format: fixed-size records, one per image, no header.
 * - CIFAR-10 (`cifar-10-batches-bin/data_batch_{1..5}.bin`, `test_batch.bin`, 10000 records each):
 *   1 label byte (0..9) + 3072 pixel bytes.
 * - CIFAR-100 (`cifar-100-binary/train.bin` 50000 records, `test.bin` 10000): 1 coarse label byte (0..19) +
 *   1 fine label byte (0..99) + 3072 pixel bytes.
 * The 3072 pixel bytes are channel-major: 1024 red (row-major 32×32), then 1024 green, then 1024 blue; the
 * parsers convert to NHWC.
 *
 * Archives are downloaded and verified by `./download.ts` into `cacheDir("datasets")/<name>`
 * (`$SSL_CACHE_DIR/datasets`), and the needed members extracted next to them.
 *
 * @module
 */
import { cacheDir } from "../paths.ts";
import { ensureMembers, type Remote, REMOTES } from "./download.ts";
import type { Dataset, Split } from "./types.ts";

/** CIFAR-10 class names. */
export const CIFAR10_CLASSES: string[] = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

/** CIFAR-100 fine class names (label order = alphabetical). */
export const CIFAR100_FINE_CLASSES: string[] = (
  "apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can " +
  "castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin " +
  "elephant flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard " +
  "lobster man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear " +
  "pickup_truck pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark " +
  "shrew skunk skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone " +
  "television tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm"
).split(" ");

/** CIFAR-100 coarse (superclass) names. */
export const CIFAR100_COARSE_CLASSES: string[] = (
  "aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices " +
  "household_furniture insects large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes " +
  "large_omnivores_and_herbivores medium_mammals non-insect_invertebrates people reptiles small_mammals trees " +
  "vehicles_1 vehicles_2"
).split(" ");

const PIX = 3072;

/**
 * Parse CIFAR binary records into a split.
 * @param bytes the file's contents.
 * @param kind "cifar10" (label + pixels) or "cifar100" (coarse + fine + pixels).
 * @param file the file's name, for error messages.
 */
export function parseCifar(bytes: Uint8Array, kind: "cifar10" | "cifar100", file: string): Split {
  const lb = kind === "cifar10" ? 1 : 2;
  const rec = lb + PIX;
  if (bytes.length === 0 || bytes.length % rec !== 0) {
    throw new Error(
      `${file}: expected a whole number of ${rec}-byte ${kind} records (${lb} label byte${
        lb > 1 ? "s" : ""
      } + ` +
        `3x32x32 pixels), got ${bytes.length} bytes (truncated or not a ${kind} binary batch?)`,
    );
  }
  const n = bytes.length / rec;
  const images = new Uint8Array(n * PIX);
  const a = new Int32Array(n), b = lb === 2 ? new Int32Array(n) : null;
  const maxA = kind === "cifar10" ? 9 : 19;
  for (let i = 0; i < n; i++) {
    const r = i * rec;
    a[i] = bytes[r];
    if (a[i] > maxA) {
      throw new Error(
        `${file}: record ${i} has ${kind === "cifar10" ? "label" : "coarse label"} ${
          a[i]
        }, expected 0..${maxA}`,
      );
    }
    if (b) {
      b[i] = bytes[r + 1];
      if (b[i] > 99) throw new Error(`${file}: record ${i} has fine label ${b[i]}, expected 0..99`);
    }
    const p = r + lb, o = i * PIX;
    for (let k = 0; k < 1024; k++) {
      images[o + 3 * k] = bytes[p + k];
      images[o + 3 * k + 1] = bytes[p + 1024 + k];
      images[o + 3 * k + 2] = bytes[p + 2048 + k];
    }
  }
  const labels: Record<string, Int32Array> = b ? { fine: b, coarse: a } : { label: a };
  return { n, height: 32, width: 32, channels: 3, images, labels };
}

/** Concatenate splits of equal geometry and label sets. */
export function concatSplits(parts: Split[]): Split {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const first = parts[0];
  const images = new Uint8Array(parts.reduce((s, p) => s + p.images.length, 0));
  const labels: Record<string, Int32Array> = {};
  for (const k of Object.keys(first.labels)) labels[k] = new Int32Array(n);
  let at = 0, atPx = 0;
  for (const p of parts) {
    images.set(p.images, atPx);
    for (const k of Object.keys(labels)) labels[k].set(p.labels[k], at);
    at += p.n;
    atPx += p.images.length;
  }
  return { n, height: first.height, width: first.width, channels: first.channels, images, labels };
}

/** Options of `loadCifar`. */
export interface CifarOptions {
  /** Directory for the archive and extracted files (default `cacheDir("datasets")/<name>`). */
  dir?: string;
  /** Replace the download URL's directory (mirror, or a local server in tests). */
  baseUrl?: string;
  /** No progress output. */
  quiet?: boolean;
  /**
   * Use this archive description instead of the canonical one (tests, other mirrors). The official record
   * counts (50000/10000) are only enforced for the canonical archive.
   */
  remote?: Remote;
}

const readMember = (path: string): Promise<Uint8Array> => Deno.readFile(path);

function expectRecords(s: Split, n: number | null, path: string): Split {
  if (n !== null && s.n !== n) throw new Error(`${path}: expected ${n} records, got ${s.n}`);
  return s;
}

/** Load CIFAR-10 or CIFAR-100, downloading and verifying the archive on first use. */
export async function loadCifar(kind: "cifar10" | "cifar100", opts: CifarOptions = {}): Promise<Dataset> {
  const dir = opts.dir ?? `${cacheDir("datasets")}/${kind}`;
  const remote = opts.remote ?? REMOTES[kind];
  const official = opts.remote === undefined;
  const load = async (path: string, n: number) =>
    expectRecords(parseCifar(await readMember(path), kind, path), official ? n : null, path);
  const provenance =
    `${remote.url} (${remote.checksum.algorithm} ${remote.checksum.digest}); official train/test split`;
  if (kind === "cifar10") {
    const trainFiles = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
    const paths = await ensureMembers(remote, dir, [...trainFiles, "test_batch.bin"], opts);
    const batches = [];
    for (const f of trainFiles) batches.push(await load(paths[f], 10000));
    return {
      name: "cifar10",
      train: concatSplits(batches),
      test: await load(paths["test_batch.bin"], 10000),
      labelSets: { label: CIFAR10_CLASSES },
      defaultLabel: "label",
      provenance,
    };
  }
  const paths = await ensureMembers(remote, dir, ["train.bin", "test.bin"], opts);
  return {
    name: "cifar100",
    train: await load(paths["train.bin"], 50000),
    test: await load(paths["test.bin"], 10000),
    labelSets: { fine: CIFAR100_FINE_CLASSES, coarse: CIFAR100_COARSE_CLASSES },
    defaultLabel: "fine",
    provenance,
  };
}
