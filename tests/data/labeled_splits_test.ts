import { assertEquals, assertRejects } from "@std/assert";
import { loadLabeledSplits } from "../../lib/data/labeled_splits.ts";
import { loadDataset } from "../../lib/data/mod.ts";

const spec = { name: "shapes" as const, nTrain: 12, nTest: 6, label: "shape", seed: 3 };

Deno.test("loadLabeledSplits: shapes splits of the asked sizes, with the label set's class count", async () => {
  const d = await loadLabeledSplits(spec, { size: 16 });
  assertEquals([d.train.n, d.test.n], [12, 6]);
  assertEquals([d.train.height, d.train.width, d.train.channels], [16, 16, 3]);
  const ref = await loadDataset("shapes", { seed: 3, nTrain: 12, nTest: 6, size: 16, quiet: true });
  assertEquals(d.numClasses, ref.labelSets.shape.length);
  assertEquals(d.label, "shape");
  // the same images as loading the dataset directly
  assertEquals(d.test.images, ref.test.images);
});

Deno.test("loadLabeledSplits: other datasets keep their first nTrain / nTest images", async () => {
  const d = await loadLabeledSplits({ name: "mnist", nTrain: 20, nTest: 10, label: "label", seed: 0 });
  const ref = await loadDataset("mnist", { quiet: true });
  assertEquals([d.train.n, d.test.n], [20, 10]);
  assertEquals(Array.from(d.test.labels.label), Array.from(ref.test.labels.label).slice(0, 10));
});

Deno.test("loadLabeledSplits: an unknown label set is a one-line error naming it", async () => {
  await assertRejects(
    () => loadLabeledSplits({ ...spec, label: "flavour" }),
    Error,
    'dataset shapes has no label set "flavour"',
  );
});
