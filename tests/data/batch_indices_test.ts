import { assert, assertEquals } from "@std/assert";
import { batchIndices } from "../../lib/data/batch_indices.ts";

Deno.test("batchIndices: each epoch visits every image once, deterministically", () => {
  const seen = [0, 1, 2, 3].flatMap((s) => batchIndices(7, s, 5, 20));
  assertEquals([...seen].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  assertEquals(batchIndices(7, 5, 5, 20), batchIndices(7, 5, 5, 20));
  assert(JSON.stringify(batchIndices(7, 4, 5, 20)) !== JSON.stringify(batchIndices(8, 4, 5, 20)));
});

Deno.test("batchIndices: a batch crossing an epoch boundary continues with the next epoch's permutation", () => {
  // 3 images, batch 2: steps 0..2 cover epochs 0 and 1 exactly twice over
  const all = [0, 1, 2].flatMap((s) => batchIndices(1, s, 2, 3));
  assertEquals([...all.slice(0, 3)].sort(), [0, 1, 2]);
  assertEquals([...all.slice(3)].sort(), [0, 1, 2]);
});
