/**
 * A compact binary cache for decoded datasets, so that slow decoding (JSON-packed MNIST, rendering 50k shapes)
 * happens once. Files live under `cacheDir("datasets")` (`$SSL_CACHE_DIR/datasets`, default
 * `<repo>/.cache/datasets`).
 *
 * Layout: the 8-byte magic `SSLDS02\n`, a little-endian uint32 header length, a UTF-8 JSON header (dataset
 * metadata, a caller-chosen `key` describing how the content was made, and per split its geometry and label-set
 * names), then per split (train, test, unlabeled) the uint8 pixels followed by each label set as little-endian
 * int32, and last the 32-byte SHA-256 of everything before it. Files are written to a temporary name and
 * renamed, so an interrupted write never replaces a good file; the checksum is verified on every read, so a
 * flipped pixel byte is found and the file rebuilt (with one warning line) instead of training on it. Files of
 * the first format (`SSLDS01`, no checksum) are rebuilt silently, as stale.
 *
 * @module
 */
import { DIGEST_BYTES, sha256, verifiedBody } from "../checksum.ts";
import type { Dataset, Split } from "./types.ts";
import { imageBytes, validateSplit } from "./types.ts";

const MAGIC = new TextEncoder().encode("SSLDS02\n");
const OLD_MAGIC = new TextEncoder().encode("SSLDS01\n");
const SPLITS = ["train", "test", "unlabeled"] as const;

interface SplitHeader {
  n: number;
  height: number;
  width: number;
  channels: number;
  labels: string[];
}

interface Header {
  key: string;
  name: string;
  labelSets: Record<string, string[]>;
  defaultLabel: string;
  provenance: string;
  splits: Partial<Record<(typeof SPLITS)[number], SplitHeader>>;
}

function int32ToBytes(a: Int32Array): Uint8Array {
  const out = new Uint8Array(a.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) dv.setInt32(4 * i, a[i], true);
  return out;
}

/** Write `ds` to `path` atomically (temp file + rename), tagged with `key`. */
export async function writeDatasetCache(path: string, ds: Dataset, key: string): Promise<void> {
  const header: Header = {
    key,
    name: ds.name,
    labelSets: ds.labelSets,
    defaultLabel: ds.defaultLabel,
    provenance: ds.provenance,
    splits: {},
  };
  const parts: Uint8Array[] = [];
  for (const s of SPLITS) {
    const split = ds[s];
    if (!split) continue;
    const labels = Object.keys(split.labels);
    header.splits[s] = {
      n: split.n,
      height: split.height,
      width: split.width,
      channels: split.channels,
      labels,
    };
    parts.push(split.images);
    for (const l of labels) parts.push(int32ToBytes(split.labels[l]));
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, json.length, true);
  const digest = sha256([MAGIC, len, json, ...parts]);
  const tmp = `${path}.${Deno.pid}.${Date.now()}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    for (const p of [MAGIC, len, json, ...parts, digest]) {
      let off = 0;
      while (off < p.length) off += await file.write(p.subarray(off));
    }
  } catch (e) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  file.close();
  await Deno.rename(tmp, path);
}

/**
 * Read a cache file. Returns null when the file is missing or was made with a different `key`; throws a
 * one-line Error naming the file when it is corrupt or truncated.
 */
export async function readDatasetCache(path: string, key: string): Promise<Dataset | null> {
  let file: Uint8Array;
  try {
    file = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  const bad = (why: string) => new Error(`dataset cache ${path} is corrupt: ${why}`);
  if (file.length >= 8 && OLD_MAGIC.every((b, i) => file[i] === b)) return null; // older format: rebuild
  if (file.length < 12 + DIGEST_BYTES || !MAGIC.every((b, i) => file[i] === b)) {
    throw bad("missing SSLDS02 magic");
  }
  const bytes = verifiedBody(file);
  if (!bytes) throw bad("SHA-256 mismatch (changed or truncated)");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = dv.getUint32(8, true);
  if (12 + hlen > bytes.length) throw bad(`header of ${hlen} bytes runs past the end of the file`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
  } catch {
    throw bad("header is not valid JSON");
  }
  if (header.key !== key) return null;
  let off = 12 + hlen;
  const take = (n: number, what: string): Uint8Array => {
    if (off + n > bytes.length) {
      throw bad(`truncated: ${what} needs ${n} bytes at offset ${off}, file has ${bytes.length}`);
    }
    const out = bytes.subarray(off, off + n);
    off += n;
    return out;
  };
  const splits: Partial<Record<(typeof SPLITS)[number], Split>> = {};
  for (const s of SPLITS) {
    const h = header.splits?.[s];
    if (!h) continue;
    const images = take(h.n * imageBytes(h), `${s} images`);
    const labels: Record<string, Int32Array> = {};
    for (const l of h.labels) {
      const raw = take(h.n * 4, `${s} labels "${l}"`);
      const ldv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const a = new Int32Array(h.n);
      for (let i = 0; i < h.n; i++) a[i] = ldv.getInt32(4 * i, true);
      labels[l] = a;
    }
    splits[s] = { n: h.n, height: h.height, width: h.width, channels: h.channels, images, labels };
  }
  if (off !== bytes.length) throw bad(`${bytes.length - off} unexpected trailing bytes`);
  if (!splits.train || !splits.test) throw bad("train or test split missing");
  const ds: Dataset = {
    name: header.name,
    train: splits.train,
    test: splits.test,
    labelSets: header.labelSets,
    defaultLabel: header.defaultLabel,
    provenance: header.provenance,
  };
  if (splits.unlabeled) ds.unlabeled = splits.unlabeled;
  for (const s of SPLITS) {
    if (!ds[s]) continue;
    try {
      validateSplit(ds[s]!, ds.labelSets, s);
    } catch (e) {
      throw bad((e as Error).message);
    }
  }
  return ds;
}

/**
 * Load `path` if it holds a dataset made with `key`, else build it with `make` and write it. A corrupt cache
 * file is reported on stderr and rebuilt.
 */
export async function cachedDataset(
  path: string,
  key: string,
  make: () => Promise<Dataset>,
): Promise<Dataset> {
  try {
    const hit = await readDatasetCache(path, key);
    if (hit) return hit;
  } catch (e) {
    console.error(`${(e as Error).message}; rebuilding it`);
  }
  const ds = await make();
  try {
    await writeDatasetCache(path, ds, key);
  } catch (e) {
    // The dataset is built; failing to cache it only costs a rebuild next time.
    console.error(`could not write dataset cache ${path}: ${(e as Error).message.split("\n")[0]}`);
  }
  return ds;
}
