import { assertEquals, assertThrows } from "@std/assert";
import { loadDataset } from "../../../lib/data/mod.ts";
import { CPU_SHAPES } from "../../../lib/data/cpu_shapes.ts";
import { SHAPES_LABEL_SETS } from "../../../lib/data/shapes.ts";
import {
  ORIENTED_SHAPES,
  rotationSubsetFor,
  subsetIndices,
} from "../../../lib/experiments/simclr/transform_prediction.ts";

Deno.test("rotation subset: the oriented shapes of upright shapes only; none for rotated shapes or CIFAR", () => {
  const upright = rotationSubsetFor({ name: "shapes", shapes: CPU_SHAPES });
  assertEquals(upright?.labelSet, "shape");
  assertEquals(upright?.classes.map((c) => SHAPES_LABEL_SETS.shape[c]), [...ORIENTED_SHAPES]);
  assertEquals(rotationSubsetFor({ name: "shapes" }), null); // rotated objects: invariant under quarter turns
  assertEquals(rotationSubsetFor({ name: "shapes", shapes: { rotate: true } }), null);
  assertEquals(rotationSubsetFor({ name: "cifar10" }), null);
});

Deno.test("subsetIndices keeps exactly the images of the listed classes, in order", async () => {
  const ds = await loadDataset("shapes", { seed: 3, nTrain: 64, nTest: 8, shapes: CPU_SHAPES, quiet: true });
  const subset = rotationSubsetFor({ name: "shapes", shapes: CPU_SHAPES })!;
  const idx = subsetIndices(ds.train, subset);
  const labels = ds.train.labels.shape;
  const expected = Array.from({ length: ds.train.n }, (_, i) => i).filter((i) =>
    subset.classes.includes(labels[i])
  );
  assertEquals(idx, expected);
  assertEquals(idx.length > 0 && idx.length < ds.train.n, true);
  assertEquals(subsetIndices(ds.train, null).length, ds.train.n);
  assertThrows(
    () => subsetIndices(ds.train, { labelSet: "nope", classes: [0] }),
    Error,
    'no label set "nope"',
  );
});
