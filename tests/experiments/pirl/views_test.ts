import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { Rng } from "../../../lib/rng.ts";
import { toBatch } from "../../../lib/data/batch.ts";
import { imageView, jigsawView, patchBatch, permutationSet } from "../../../lib/experiments/pirl/views.ts";
import { tiny } from "./_helpers.ts";

Deno.test("views: shapes, permutation labels, determinism by seed, no leaks", async () => {
  const { cfg, data } = await tiny();
  const perms = permutationSet(cfg);
  assertEquals(perms.length, cfg.jigsaw.permutations);
  const x = toBatch(data.train, [0, 1, 2, 3]);
  const before = tf.memory().numTensors;
  const v = imageView(x, new Rng(1), cfg);
  assertEquals(v.shape, [4, cfg.imageSize, cfg.imageSize, 3]);
  const a = jigsawView(x, new Rng(1), cfg, perms), b = jigsawView(x, new Rng(1), cfg, perms);
  const t = cfg.jigsaw.tile;
  assertEquals(a.patches.shape, [4, 9, t, t, 3]);
  assert(Array.from(a.permIndex).every((i) => i >= 0 && i < perms.length));
  assertEquals(Array.from(a.permIndex), Array.from(b.permIndex));
  assertEquals(await a.patches.data(), await b.patches.data());
  tf.dispose([v, a.patches, b.patches]);
  assertEquals(tf.memory().numTensors, before);
  x.dispose();
});

Deno.test("patchBatch: row s·9 + j is slot j of sample s", async () => {
  const p = tf.randomUniform([2, 9, 3, 3, 3], 0, 1, "float32", 3) as tf.Tensor5D;
  const flat = patchBatch(p);
  assertEquals(flat.shape, [18, 3, 3, 3]);
  const direct = tf.slice(p, [1, 4, 0, 0, 0], [1, 1, 3, 3, 3]).reshape([27]);
  const viaFlat = tf.slice(flat, [13, 0, 0, 0], [1, 3, 3, 3]).reshape([27]);
  assertEquals(await viaFlat.data(), await direct.data());
  tf.dispose([p, flat, direct, viaFlat]);
});
