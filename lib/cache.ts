/**
 * A content-addressed cache for trained encoders and other expensive intermediates.
 *
 * An entry is keyed by the SHA-256 of the *stable JSON* of its full config (keys sorted, so `{a, b}` and
 * `{b, a}` are the same key) together with the tensorflow.js backend that computes it (numbers differ between
 * backends, so a `cpu` run never reuses a `wasm` entry), and lives in `cacheDir("artifacts")/<hh>/<hash>/`: the
 * payload files written by a {@link Codec} plus `meta.json` (config, backend, name, creation time and the
 * SHA-256 of every payload file). Entries are built in a temporary directory and renamed into place, so a crash
 * never leaves a half-written entry and concurrent writers are harmless. Every payload file is verified against
 * its checksum on load; an entry that fails (bit rot, a same-length overwrite, an entry from before checksums)
 * is recomputed with one warning line.
 *
 * Freshness: with `fresh` (default: `SSL_FRESH=1`, set by `deno task reproduce --fresh`), entries created before
 * the run started (`SSL_RUN_STARTED`, epoch ms, set by the executor) are ignored and recomputed, while entries
 * created during the run are still reused, so one notebook can use an encoder another trained moments ago.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { tf } from "./tf.ts";
import type { Tensor } from "./tf.ts";
import { cacheDir } from "./paths.ts";
import { backendCacheKey } from "./backend/mod.ts";

/** How a value is stored in (and restored from) an entry directory. */
export interface Codec<T> {
  /** Write `value`'s payload files into `dir` (an empty temporary entry directory, renamed into place). */
  save(dir: string, value: T): Promise<void>;
  /** Rebuild the value from the payload files in `dir` (already checked against their checksums). */
  load(dir: string): Promise<T>;
}

/** Options for {@link cached}. */
export interface CacheOptions {
  /** Ignore entries created before `freshSince` (default: from `SSL_FRESH`). */
  fresh?: boolean;
  /** Epoch ms; with `fresh`, entries created at or after it still count (default: `SSL_RUN_STARTED`, else now). */
  freshSince?: number;
  /** Cache root for entries (default: `cacheDir("artifacts")`). */
  dir?: string;
  /** A human-readable label stored in meta.json (e.g. "simclr-encoder"). */
  name?: string;
  /**
   * Store the computed value (default true). False when `compute` stores the entry itself, e.g. by handing
   * the work to a worker that calls {@link cached} with the same config.
   */
  store?: boolean;
  /**
   * The backend that computes the value, part of the key (default: `backendCacheKey()` of
   * `lib/backend/mod.ts`: the suite's backend, with oneDNN's version for `onednn`; before `initBackend`, the
   * active tensorflow.js backend or "none").
   */
  backend?: string;
}

/** JSON with object keys sorted recursively. Throws on values JSON cannot represent faithfully. */
export function stableStringify(value: unknown): string {
  const walk = (v: unknown, path: string): string => {
    if (v === null) return "null";
    switch (typeof v) {
      case "number":
        if (!Number.isFinite(v)) throw new Error(`stableStringify: non-finite number at ${path || "root"}`);
        return JSON.stringify(v);
      case "string":
      case "boolean":
        return JSON.stringify(v);
      case "object": {
        if (ArrayBuffer.isView(v)) {
          throw new Error(`stableStringify: typed array at ${path || "root"}; pass a plain array`);
        }
        if (Array.isArray(v)) {
          return `[${v.map((x, i) => (x === undefined ? "null" : walk(x, `${path}[${i}]`))).join(",")}]`;
        }
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${walk(o[k], `${path}.${k}`)}`).join(",")}}`;
      }
      default:
        throw new Error(`stableStringify: cannot encode ${typeof v} at ${path || "root"}`);
    }
  };
  return walk(value, "");
}

/** Hex SHA-256 of the stable JSON of `config`. */
export function configHash(config: unknown): string {
  return createHash("sha256").update(stableStringify(config)).digest("hex");
}

/** Values stored as `value.json`. */
export function jsonCodec<T>(): Codec<T> {
  return {
    save: (dir, value) => Deno.writeTextFile(`${dir}/value.json`, JSON.stringify(value)),
    load: async (dir) => JSON.parse(await Deno.readTextFile(`${dir}/value.json`)) as T,
  };
}

/** A Float32Array stored raw (little-endian) as `value.f32`. */
export function float32Codec(): Codec<Float32Array> {
  return {
    save: (dir, value) => Deno.writeFile(`${dir}/value.f32`, toLittleEndianBytes(value)),
    load: async (dir) => fromLittleEndianBytes(await Deno.readFile(`${dir}/value.f32`)),
  };
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toLittleEndianBytes(a: Float32Array): Uint8Array {
  const bytes = new Uint8Array(a.byteLength);
  if (LITTLE) bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  else {
    const dv = new DataView(bytes.buffer);
    a.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  }
  return bytes;
}

function fromLittleEndianBytes(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4) {
    throw new Error(`cache: float32 payload has ${bytes.byteLength} bytes (not a multiple of 4)`);
  }
  const out = new Float32Array(bytes.byteLength / 4);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

/** A named map of float32 arrays with shapes. */
export type ArrayMap = Record<string, { shape: number[]; data: Float32Array }>;

/** An {@link ArrayMap} stored as `arrays.json` (names, shapes, offsets) + `arrays.f32` (concatenated data). */
export function arrayMapCodec(): Codec<ArrayMap> {
  return {
    async save(dir, value) {
      const names = Object.keys(value).sort();
      let offset = 0;
      const index = names.map((name) => {
        const { shape, data } = value[name];
        const size = shape.reduce((a, b) => a * b, 1);
        if (size !== data.length) {
          throw new Error(`cache: array "${name}" has ${data.length} values for shape [${shape}]`);
        }
        const entry = { name, shape, offset };
        offset += data.length;
        return entry;
      });
      const all = new Float32Array(offset);
      names.forEach((n, i) => all.set(value[n].data, index[i].offset));
      await Deno.writeFile(`${dir}/arrays.f32`, toLittleEndianBytes(all));
      await Deno.writeTextFile(`${dir}/arrays.json`, JSON.stringify(index));
    },
    async load(dir) {
      const index = JSON.parse(await Deno.readTextFile(`${dir}/arrays.json`)) as {
        name: string;
        shape: number[];
        offset: number;
      }[];
      const all = fromLittleEndianBytes(await Deno.readFile(`${dir}/arrays.f32`));
      const out: ArrayMap = {};
      for (const { name, shape, offset } of index) {
        out[name] = { shape, data: all.slice(offset, offset + shape.reduce((a, b) => a * b, 1)) };
      }
      return out;
    },
  };
}

/**
 * A map of float32 tensors (e.g. an encoder's weights) stored like {@link arrayMapCodec}. Loading creates new
 * tensors the caller owns (dispose them, or let the model take them over).
 */
export function tensorMapCodec(): Codec<Record<string, Tensor>> {
  const inner = arrayMapCodec();
  return {
    async save(dir, value) {
      const arrays: ArrayMap = {};
      for (const [name, t] of Object.entries(value)) {
        if (t.dtype !== "float32") {
          throw new Error(`cache: tensor "${name}" is ${t.dtype}; only float32 is supported`);
        }
        arrays[name] = { shape: t.shape.slice(), data: (await t.data()) as Float32Array };
      }
      await inner.save(dir, arrays);
    },
    async load(dir) {
      const arrays = await inner.load(dir);
      return Object.fromEntries(
        Object.entries(arrays).map(([n, a]) => [n, tf.tensor(a.data, a.shape, "float32")]),
      );
    },
  };
}

interface Meta {
  hash: string;
  name: string | null;
  createdAt: number;
  config: unknown;
  backend: string;
  /** SHA-256 (hex) of every payload file, by file name. */
  files: Record<string, string>;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** SHA-256 of every file in an entry directory except meta.json. */
async function payloadChecksums(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name !== "meta.json") out[e.name] = sha256Hex(await Deno.readFile(`${dir}/${e.name}`));
  }
  return out;
}

/** Throws a one-line error when a payload file is missing, extra or does not match its checksum. */
async function verifyPayload(dir: string, meta: Meta): Promise<void> {
  if (!meta.files || typeof meta.files !== "object") throw new Error("no checksums (entry predates them)");
  const actual = await payloadChecksums(dir);
  for (const [name, sum] of Object.entries(meta.files)) {
    if (!(name in actual)) throw new Error(`${name} is missing`);
    if (actual[name] !== sum) throw new Error(`${name} fails its checksum (corrupted)`);
  }
  for (const name of Object.keys(actual)) {
    if (!(name in meta.files)) throw new Error(`${name} is not part of the entry`);
  }
}

/** The backend part of a cache key: the explicit option, else the active tensorflow.js backend. */
function keyBackend(opts: CacheOptions): string {
  return opts.backend ?? backendCacheKey();
}

/** What is hashed for an entry: the config and the backend that computes it. */
function entryKey(config: unknown, backend: string): unknown {
  return { config, backend };
}

async function readMeta(dir: string): Promise<Meta | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/meta.json`)) as Meta;
  } catch {
    return null;
  }
}

/**
 * Where the entry for `config` computed on `backend` lives (whether or not it exists).
 * @param backend default: the active tensorflow.js backend, as {@link cached} uses.
 */
export function cachePath(
  config: unknown,
  dir: string = cacheDir("artifacts"),
  backend: string = keyBackend({}),
): string {
  const hash = configHash(entryKey(config, backend));
  return `${dir}/${hash.slice(0, 2)}/${hash}`;
}

/**
 * Return the cached value for `config`, or compute, store and return it.
 * @param config the full configuration that determines the value (stable-JSON hashed).
 * @param compute produces the value on a miss.
 * @param codec how to store it (default JSON).
 */
export async function cached<T>(
  config: unknown,
  compute: () => Promise<T> | T,
  codec: Codec<T> = jsonCodec<T>(),
  opts: CacheOptions = {},
): Promise<T> {
  const root = opts.dir ?? cacheDir("artifacts");
  const backend = keyBackend(opts);
  const hash = configHash(entryKey(config, backend));
  const final = `${root}/${hash.slice(0, 2)}/${hash}`;
  const fresh = opts.fresh ?? /^(1|true|yes)$/i.test(Deno.env.get("SSL_FRESH") ?? "");
  const since = opts.freshSince ?? (Number(Deno.env.get("SSL_RUN_STARTED")) || Date.now());
  const meta = await readMeta(final);
  if (meta && (!fresh || meta.createdAt >= since)) {
    try {
      await verifyPayload(final, meta);
      return await codec.load(final);
    } catch (e) {
      const what = opts.name ? ` (${opts.name})` : "";
      console.error(
        `cache: entry ${hash.slice(0, 12)}${what} unusable: ${(e as Error).message}; recomputing`,
      );
    }
  }
  const value = await compute();
  if (opts.store === false) return value;
  await Deno.mkdir(`${root}/${hash.slice(0, 2)}`, { recursive: true });
  const tmp = `${final}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.mkdir(tmp);
  try {
    await codec.save(tmp, value);
    const files = await payloadChecksums(tmp);
    const m: Meta = { hash, name: opts.name ?? null, createdAt: Date.now(), config, backend, files };
    await Deno.writeTextFile(`${tmp}/meta.json`, JSON.stringify(m, null, 2));
    const old = `${final}.${Deno.pid}.old.tmp`;
    const hadOld = await Deno.rename(final, old).then(() => true, () => false);
    try {
      await Deno.rename(tmp, final);
    } catch (e) {
      // Another process stored the same entry in the meantime: theirs is as good as ours.
      if (!(await readMeta(final))) throw e;
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
    if (hadOld) await Deno.remove(old, { recursive: true }).catch(() => {});
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw new Error(`cache: cannot store entry ${hash.slice(0, 12)}: ${(e as Error).message}`);
  }
  return value;
}
