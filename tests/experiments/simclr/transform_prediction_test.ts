import { assertEquals, assertThrows } from "@std/assert";
import { loadDataset } from "../../../lib/data/mod.ts";
import { CPU_SHAPES } from "../../../lib/data/cpu_shapes.ts";
import { SHAPES_LABEL_SETS } from "../../../lib/data/shapes.ts";
import { tf } from "../../../lib/tf.ts";
import { Rng } from "../../../lib/rng.ts";
import { grayscale } from "../../../lib/augment/grayscale.ts";
import {
  applyTaskTransform,
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

Deno.test("applyTaskTransform: strength s blends label-1 images to (1 − s)·x + s·T(x); label 0 is untouched", async () => {
  const x = tf.randomUniform([4, 5, 5, 3], 0, 1, "float32", 7) as tf.Tensor4D;
  const labels = Int32Array.from([0, 1, 0, 1]);
  const out = applyTaskTransform("color vs grayscale", x, labels, new Rng(1), 0.25);
  const want = tf.tidy(() => {
    const g = grayscale(x);
    const mixed = tf.add(tf.mul(0.75, x), tf.mul(0.25, g));
    const m = tf.tensor4d([0, 1, 0, 1], [4, 1, 1, 1]);
    return tf.add(tf.mul(m, mixed), tf.mul(tf.sub(1, m), x));
  });
  const [a, b] = [await out.data(), await want.data()];
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(a[i] - b[i]) > 1e-6) throw new Error(`element ${i}: ${a[i]} vs ${b[i]}`);
  }
  const full = applyTaskTransform("color vs grayscale", x, labels, new Rng(1));
  const g = grayscale(x);
  const [f, gd] = [await full.data(), await g.data()];
  assertEquals(f.slice(75, 150), gd.slice(75, 150)); // label 1 at strength 1 is the transformation itself
  for (const s of [0, -0.1, 1.5, NaN]) {
    assertThrows(() => applyTaskTransform("orig vs sobel", x, labels, new Rng(1), s), Error, "strength");
  }
  tf.dispose([x, out, want, full, g]);
});
