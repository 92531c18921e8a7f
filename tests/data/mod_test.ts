import { assert, assertEquals, assertRejects } from "@std/assert";
import { DATASET_NAMES, loadDataset } from "../../lib/data/mod.ts";
import type { DatasetName } from "../../lib/data/mod.ts";
import { loadShapes } from "../../lib/data/shapes.ts";

Deno.test("registry: names, unknown names and missing folder root", async () => {
  assertEquals([...DATASET_NAMES].sort(), [
    "cifar10",
    "cifar100",
    "fashion-mnist",
    "folder",
    "mnist",
    "shapes",
    "stl10",
  ]);
  await assertRejects(() => loadDataset("imagenet" as DatasetName), Error, 'unknown dataset "imagenet"');
  await assertRejects(() => loadDataset("folder", { cache: false }), Error, "needs opts.root");
});

Deno.test("registry: mnist as 3-channel 32x32 (padded), cached under the given cache dir", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await loadDataset("mnist", { cacheDir: dir, size: 32, channels: 3 });
    assertEquals([a.train.height, a.train.width, a.train.channels], [32, 32, 3]);
    assertEquals(a.train.n + a.test.n, 10000);
    const files = [];
    for await (const f of Deno.readDir(dir)) files.push(f.name);
    assertEquals(files.length, 1);
    const b = await loadDataset("mnist", { cacheDir: dir }); // from the cache
    assertEquals([b.train.height, b.train.channels], [28, 1]);
    // the padded image is the original in the centre with a 2-pixel black border
    const i = 5, row = 10, col = 11;
    assertEquals(
      a.train.images[((i * 32 + row + 2) * 32 + col + 2) * 3],
      b.train.images[(i * 28 + row) * 28 + col],
    );
    assertEquals(a.train.images[(i * 32 * 32) * 3], 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("registry: shapes with sizes and seed", async () => {
  const ds = await loadDataset("shapes", { nTrain: 30, nTest: 10, seed: 2, cache: false });
  assertEquals([ds.train.n, ds.test.n, ds.defaultLabel], [30, 10, "shape"]);
  const small = await loadDataset("shapes", { nTrain: 8, nTest: 8, size: 16, cache: false });
  assertEquals(small.train.height, 16);
});

Deno.test("registry: shapes generation options are forwarded (and equal loadShapes')", async () => {
  const shapes = { maxObjects: 1, backgrounds: ["flat"], rotate: false };
  const ds = await loadDataset("shapes", { nTrain: 12, nTest: 4, seed: 1, shapes, cache: false });
  assert(ds.train.labels["count"].every((c) => c === 0), "one object per image");
  const direct = loadShapes({ seed: 1, nTrain: 12, nTest: 4, ...shapes });
  assertEquals(ds.train.images, direct.train.images);
  const plain = await loadDataset("shapes", { nTrain: 12, nTest: 4, seed: 1, cache: false });
  assert(plain.train.images.some((v, i) => v !== ds.train.images[i]));
});
