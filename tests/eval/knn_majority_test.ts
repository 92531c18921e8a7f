import { assertEquals } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { knnClassify } from "../../lib/eval/knn.ts";
import { majorityKnnOptions } from "../../lib/eval/knn_majority.ts";

Deno.test("majorityKnnOptions: more votes win even against fewer, far more similar voters", async () => {
  await tf.setBackend("cpu");
  // one query [1, 0]; its 3 nearest: one class-1 neighbour almost identical, two class-0 neighbours less similar
  const rows = [[1, 0.01], [0.6, 0.8], [0.6, -0.8], [-1, 0]];
  const train = {
    features: Float32Array.from(rows.flat()),
    n: 4,
    dim: 2,
    labels: Int32Array.from([1, 0, 0, 1]),
  };
  const test = { features: Float32Array.from([1, 0]), n: 1, dim: 2, labels: Int32Array.from([0]) };
  const r = await knnClassify(train, test, majorityKnnOptions(3, 2));
  assertEquals(Array.from(r.predictions), [0], "two votes for class 0 beat one very close vote for class 1");
  // with a small temperature the close neighbour alone decides: the options are what makes it a majority vote
  const sharp = await knnClassify(train, test, { k: 3, temperature: 0.1, numClasses: 2 });
  assertEquals(Array.from(sharp.predictions), [1]);
});
