import { assert, assertEquals } from "@std/assert";
import { Rng } from "../../../lib/rng.ts";
import { loadTask, randomSubset } from "../../../lib/experiments/transfer/tasks.ts";
import { defaultTasks } from "../../../lib/experiments/transfer/config.ts";
import { CPU_SHAPES } from "../../../lib/experiments/simclr/config.ts";
import { toBatch } from "../../../lib/data/batch.ts";
import { initBackend } from "../../../lib/backend/mod.ts";
import { tf } from "../../../lib/tf.ts";

Deno.test("randomSubset: k distinct sorted indices, seeded; all when k ≥ n", () => {
  const a = randomSubset(100, 10, new Rng(1)), b = randomSubset(100, 10, new Rng(1));
  assertEquals(a, b);
  assertEquals(new Set(a).size, 10);
  assert(a.every((v, i) => v >= 0 && v < 100 && (i === 0 || v > a[i - 1])));
  assertEquals(randomSubset(3, 5, new Rng(0)), [0, 1, 2]);
});

Deno.test("loadTask: shapes and mnist tasks at the requested sizes, as 3-channel views of the encoder's size", async () => {
  await initBackend("wasm", { quiet: true });
  const tasks = defaultTasks(CPU_SHAPES, 60, 40);
  const [gradient, mnist] = ["shapes-gradient", "mnist"].map((n) => tasks.find((t) => t.name === n)!);
  const s = await loadTask(gradient, 16);
  assertEquals([s.train.n, s.test.n, s.numClasses], [60, 40, 8]);
  // every image of the near task has the gradient background (class 1 of the background label set)
  assert(s.train.labels.background.every((b) => b === 1));
  const m = await loadTask(mnist, 16);
  assertEquals([m.train.n, m.test.n, m.numClasses, m.train.channels], [60, 40, 10, 1]);
  // the colour attribute task: the upstream images themselves, labelled by hue
  const colour = await loadTask(tasks.find((t) => t.name === "shapes-colour")!, 16);
  assertEquals(colour.numClasses, 6);
  const x = toBatch(m.test, [0, 1], m.batch);
  assertEquals(x.shape, [2, 16, 16, 3]);
  // the grey channel is replicated
  const v = await x.data();
  assertEquals(v[0], v[1]);
  tf.dispose(x);
  // the same spec gives the same images
  const again = await loadTask(mnist, 16);
  assertEquals(again.test.images, m.test.images);
});
