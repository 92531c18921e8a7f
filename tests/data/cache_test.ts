import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { cachedDataset, readDatasetCache, writeDatasetCache } from "../../lib/data/cache.ts";
import type { Dataset } from "../../lib/data/types.ts";

const ds: Dataset = {
  name: "toy",
  train: {
    n: 2,
    height: 1,
    width: 2,
    channels: 1,
    images: Uint8Array.from([1, 2, 3, 4]),
    labels: { a: Int32Array.from([0, 1]), b: Int32Array.from([2, 0]) },
  },
  test: {
    n: 1,
    height: 1,
    width: 2,
    channels: 1,
    images: Uint8Array.from([9, 8]),
    labels: { a: Int32Array.from([1]), b: Int32Array.from([1]) },
  },
  unlabeled: { n: 1, height: 1, width: 2, channels: 1, images: Uint8Array.from([5, 6]), labels: {} },
  labelSets: { a: ["x", "y"], b: ["p", "q", "r"] },
  defaultLabel: "a",
  provenance: "unit test",
};

Deno.test("dataset cache round-trips every field; a different key is a miss", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeDatasetCache(`${dir}/t.ssl-ds`, ds, "k1");
    const back = await readDatasetCache(`${dir}/t.ssl-ds`, "k1");
    assertEquals(back, ds);
    assertEquals(await readDatasetCache(`${dir}/t.ssl-ds`, "k2"), null);
    assertEquals(await readDatasetCache(`${dir}/missing`, "k1"), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("truncated / corrupt cache files give one-line errors; cachedDataset rebuilds them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/t.ssl-ds`;
    await writeDatasetCache(path, ds, "k");
    const bytes = await Deno.readFile(path);
    await Deno.writeFile(path, bytes.slice(0, bytes.length - 3));
    const e = await assertRejects(
      () => readDatasetCache(path, "k"),
      Error,
      `dataset cache ${path} is corrupt: SHA-256 mismatch`,
    );
    assertEquals(e.message.includes("\n"), false);
    await Deno.writeFile(path, new TextEncoder().encode("garbage garbage"));
    await assertRejects(() => readDatasetCache(path, "k"), Error, "magic");
    let built = 0;
    const got = await cachedDataset(path, "k", () => {
      built++;
      return Promise.resolve(ds);
    });
    assertEquals([built, got.name], [1, "toy"]);
    assertEquals(await readDatasetCache(path, "k"), ds);
    // the temp file is gone
    const names = [];
    for await (const f of Deno.readDir(dir)) names.push(f.name);
    assertEquals(names, ["t.ssl-ds"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a bad label in a cache file is reported with the split and label set", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = {
      ...ds,
      train: { ...ds.train, labels: { a: Int32Array.from([0, 5]), b: Int32Array.from([0, 0]) } },
    };
    await writeDatasetCache(`${dir}/b`, bad, "k");
    const e = await assertRejects(() => readDatasetCache(`${dir}/b`, "k"));
    assertStringIncludes(e.message, 'label set "a" has class 5');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cachedDataset still returns the built dataset when the cache cannot be written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // the parent "directory" is a plain file, so the cache write fails
    await Deno.writeTextFile(`${dir}/blocker`, "x");
    const got = await cachedDataset(`${dir}/blocker/t.ssl-ds`, "k", () => Promise.resolve(ds));
    assertEquals(got, ds);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("same-length corruption of pixel bytes is found by the checksum and the file rebuilt with one warning", async () => {
  const dir = await Deno.makeTempDir();
  const errors: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => void errors.push(a.join(" "));
  try {
    const path = `${dir}/t.ssl-ds`;
    await writeDatasetCache(path, ds, "k");
    const bytes = await Deno.readFile(path);
    // the test split's pixels [9, 8] sit right after the train labels; flip one to 0xFF
    const at = bytes.findIndex((b, i) => b === 9 && bytes[i + 1] === 8);
    const bad = bytes.slice();
    bad[at] = 0xff;
    await Deno.writeFile(path, bad);
    await assertRejects(() => readDatasetCache(path, "k"), Error, "SHA-256 mismatch");
    let built = 0;
    const got = await cachedDataset(path, "k", () => (built++, Promise.resolve(ds)));
    assertEquals([built, Array.from(got.test.images)], [1, [9, 8]]);
    assertEquals(errors.length, 1);
    assertStringIncludes(errors[0], `dataset cache ${path} is corrupt: SHA-256 mismatch`);
    assertEquals(await readDatasetCache(path, "k"), ds, "the rebuilt file is good");
    // a file of the previous, unchecked format is stale: a miss, rebuilt without a warning
    const old = (await Deno.readFile(path)).slice();
    old.set(new TextEncoder().encode("SSLDS01\n"), 0);
    await Deno.writeFile(path, old);
    assertEquals(await readDatasetCache(path, "k"), null);
  } finally {
    console.error = orig;
    await Deno.remove(dir, { recursive: true });
  }
});
