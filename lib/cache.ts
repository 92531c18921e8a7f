/**
 * A content-addressed cache for trained encoders and other expensive intermediates.
 *
 * An entry is keyed by the SHA-256 of the *stable JSON* of its full config (keys sorted, so `{a, b}` and
 * `{b, a}` are the same key) and lives in `cacheDir("artifacts")/<hh>/<hash>/`: the payload files written by a
 * {@link Codec} plus `meta.json` (config, name, creation time). Entries are built in a temporary directory and
 * renamed into place, so a crash never leaves a half-written entry and concurrent writers are harmless.
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

/** How a value is stored in (and restored from) an entry directory. */
export interface Codec<T> {
  save(dir: string, value: T): Promise<void>;
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
}

async function readMeta(dir: string): Promise<Meta | null> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/meta.json`)) as Meta;
  } catch {
    return null;
  }
}

/** Where the entry for `config` lives (whether or not it exists). */
export function cachePath(config: unknown, dir: string = cacheDir("artifacts")): string {
  const hash = configHash(config);
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
  const hash = configHash(config);
  const final = `${root}/${hash.slice(0, 2)}/${hash}`;
  const fresh = opts.fresh ?? /^(1|true|yes)$/i.test(Deno.env.get("SSL_FRESH") ?? "");
  const since = opts.freshSince ?? (Number(Deno.env.get("SSL_RUN_STARTED")) || Date.now());
  const meta = await readMeta(final);
  if (meta && (!fresh || meta.createdAt >= since)) {
    try {
      return await codec.load(final);
    } catch (e) {
      console.error(`cache: entry ${hash.slice(0, 12)} unreadable (${(e as Error).message}); recomputing`);
    }
  }
  const value = await compute();
  if (opts.store === false) return value;
  await Deno.mkdir(`${root}/${hash.slice(0, 2)}`, { recursive: true });
  const tmp = `${final}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.mkdir(tmp);
  try {
    await codec.save(tmp, value);
    const m: Meta = { hash, name: opts.name ?? null, createdAt: Date.now(), config };
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
