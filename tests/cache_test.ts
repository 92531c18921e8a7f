import { assert, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import {
  arrayMapCodec,
  cached,
  cachePath,
  configHash,
  float32Codec,
  stableStringify,
  tensorMapCodec,
} from "../lib/cache.ts";
import { tf } from "../lib/tf.ts";

Deno.test("stableStringify sorts keys recursively and rejects what JSON cannot hold", () => {
  assertEquals(
    stableStringify({ b: 1, a: { d: [1, { z: 0, y: "s" }], c: null } }),
    '{"a":{"c":null,"d":[1,{"y":"s","z":0}]},"b":1}',
  );
  assertEquals(stableStringify({ a: undefined, b: 1 }), '{"b":1}');
  assertThrows(() => stableStringify({ x: NaN }), Error, "non-finite number at .x");
  assertThrows(() => stableStringify({ f: () => 1 }), Error, "cannot encode function at .f");
  assertThrows(() => stableStringify(new Float32Array(2)), Error, "typed array");
  assertEquals(configHash({ a: 1, b: 2 }), configHash({ b: 2, a: 1 }));
  assertNotEquals(configHash({ a: 1 }), configHash({ a: 2 }));
  assertEquals(configHash({}).length, 64);
});

Deno.test("cached computes once, then loads; fresh recomputes entries older than the run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let calls = 0;
    const compute = () => Promise.resolve({ value: ++calls });
    const cfg = { model: "cnn3", epochs: 2 };
    assertEquals(await cached(cfg, compute, undefined, { dir, fresh: false }), { value: 1 });
    assertEquals(await cached({ epochs: 2, model: "cnn3" }, compute, undefined, { dir, fresh: false }), {
      value: 1,
    });
    assertEquals(calls, 1);
    const meta = JSON.parse(await Deno.readTextFile(`${cachePath(cfg, dir)}/meta.json`));
    assertEquals(meta.config, cfg);
    // --fresh: an entry from before the run is recomputed, one made during the run is reused
    const runStart = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 5));
    assertEquals(await cached(cfg, compute, undefined, { dir, fresh: true, freshSince: runStart }), {
      value: 2,
    });
    assertEquals(await cached(cfg, compute, undefined, { dir, fresh: true, freshSince: runStart }), {
      value: 2,
    });
    assertEquals(calls, 2);
    // no temp directories left
    const sub = [...Deno.readDirSync(dir)][0].name;
    assertEquals([...Deno.readDirSync(`${dir}/${sub}`)].length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failing compute stores nothing; an unreadable entry is recomputed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cfg = { k: 1 };
    let failed = false;
    await cached(cfg, () => Promise.reject(new Error("boom")), undefined, { dir }).catch(() => failed = true);
    assert(failed);
    assert(!(await Deno.stat(cachePath(cfg, dir)).catch(() => null)));
    await cached(cfg, () => 1, undefined, { dir, fresh: false });
    await Deno.writeTextFile(`${cachePath(cfg, dir)}/value.json`, "{corrupt");
    assertEquals(await cached(cfg, () => 2, undefined, { dir, fresh: false }), 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("binary codecs round-trip float32 arrays and tensor maps exactly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = new Float32Array([1.5, -2, Math.PI, 1e-30]);
    assertEquals(await cached({ t: "f32" }, () => a, float32Codec(), { dir, fresh: false }), a);
    assertEquals(
      await cached({ t: "f32" }, () => new Float32Array(1), float32Codec(), { dir, fresh: false }),
      a,
    );
    const map = {
      w: { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      b: { shape: [1], data: new Float32Array([9]) },
    };
    await cached({ t: "map" }, () => map, arrayMapCodec(), { dir, fresh: false });
    assertEquals(await cached({ t: "map" }, () => ({}), arrayMapCodec(), { dir, fresh: false }), map);
    const w = tf.tensor2d([[1, 2], [3, 4]]);
    await cached({ t: "tensors" }, () => ({ w }), tensorMapCodec(), { dir, fresh: false });
    const back = await cached<Record<string, tf.Tensor>>({ t: "tensors" }, () => ({}), tensorMapCodec(), {
      dir,
      fresh: false,
    });
    assertEquals(back.w.shape, [2, 2]);
    assertEquals([...back.w.dataSync()], [1, 2, 3, 4]);
    tf.dispose([w, back.w]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("two backends never share an entry; the backend is stored in meta.json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let calls = 0;
    const compute = () => ++calls;
    const cfg = { model: "cnn3" };
    assertEquals(await cached(cfg, compute, undefined, { dir, fresh: false, backend: "wasm" }), 1);
    assertEquals(await cached(cfg, compute, undefined, { dir, fresh: false, backend: "cpu" }), 2);
    assertEquals(await cached(cfg, compute, undefined, { dir, fresh: false, backend: "wasm" }), 1);
    assertNotEquals(cachePath(cfg, dir, "wasm"), cachePath(cfg, dir, "cpu"));
    const meta = JSON.parse(await Deno.readTextFile(`${cachePath(cfg, dir, "cpu")}/meta.json`));
    assertEquals(meta.backend, "cpu");
    // the default is the active tensorflow.js backend
    await tf.ready();
    assertEquals(cachePath(cfg, dir), cachePath(cfg, dir, tf.getBackend()));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("same-length corruption of a cached array is detected and recomputed with one warning", async () => {
  const dir = await Deno.makeTempDir();
  const warnings: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => warnings.push(a.join(" "));
  try {
    const cfg = { t: "weights" };
    const value = { w: { shape: [4], data: new Float32Array([1, 2, 3, 4]) } };
    const opts = { dir, fresh: false, backend: "wasm", name: "test-encoder" };
    await cached(cfg, () => value, arrayMapCodec(), opts);
    const file = `${cachePath(cfg, dir, "wasm")}/arrays.f32`;
    const bytes = await Deno.readFile(file);
    bytes.fill(0xff, 4, 8); // the second value becomes a NaN, the length stays the same
    await Deno.writeFile(file, bytes);
    let calls = 0;
    const again = await cached(cfg, () => (calls++, value), arrayMapCodec(), opts);
    assertEquals(calls, 1);
    assertEquals(Array.from(again.w.data), [1, 2, 3, 4]);
    assertEquals(warnings.length, 1);
    assert(warnings[0].includes("arrays.f32 fails its checksum"), warnings[0]);
    assert(warnings[0].includes("test-encoder"), warnings[0]);
    // the repaired entry loads without a warning
    await cached(cfg, () => (calls++, value), arrayMapCodec(), opts);
    assertEquals(calls, 1);
    assertEquals(warnings.length, 1);
    // an entry without checksums (written before they existed) is recomputed too
    const metaFile = `${cachePath(cfg, dir, "wasm")}/meta.json`;
    const meta = JSON.parse(await Deno.readTextFile(metaFile));
    delete meta.files;
    await Deno.writeTextFile(metaFile, JSON.stringify(meta));
    await cached(cfg, () => (calls++, value), arrayMapCodec(), opts);
    assertEquals(calls, 2);
    assert(warnings[1].includes("no checksums"), warnings[1]);
  } finally {
    console.error = error;
    await Deno.remove(dir, { recursive: true });
  }
});
