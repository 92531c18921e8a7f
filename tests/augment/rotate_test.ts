import { assert, assertEquals, assertThrows } from "@std/assert";
import { Rng } from "../../lib/rng.ts";
import { allRotations, randomRot90, rot90 } from "../../lib/augment/rotate.ts";
import { assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

Deno.test("rot90: one quarter turn is np.rot90 (counter-clockwise); four turns are the identity", () => {
  const [h, w] = [3, 4];
  const x = randomImages(1, 1, h, w, 1);
  const xv = x.dataSync();
  const r1 = rot90(x, 1);
  assertEquals(r1.shape, [1, w, h, 1]);
  const rv = r1.dataSync();
  // np.rot90: out[i, j] = in[j, W-1-i], out has shape [W, H].
  for (let i = 0; i < w; i++) {
    for (let j = 0; j < h; j++) assertEquals(rv[i * h + j], xv[j * w + (w - 1 - i)]);
  }
  r1.dispose();
  let y = x.clone();
  for (let k = 0; k < 4; k++) {
    const next = rot90(y, 1);
    y.dispose();
    y = next;
  }
  assertEquals(take(y), Float32Array.from(xv));
  assertEquals(take(rot90(x, 2)), take(rot90(rot90(x, 1), 1)));
  assertEquals(take(rot90(x, -1)), take(rot90(x, 3)));
  x.dispose();
});

Deno.test("rot90 per sample equals whole-batch rotation of each sample; odd/even mix needs squares", () => {
  const x = randomImages(2, 4, 5, 5);
  const out = take(rot90(x, [0, 1, 2, 3]));
  const per = 75;
  for (let k = 0; k < 4; k++) {
    assertEquals(out.slice(k * per, (k + 1) * per), take(rot90(x, k)).slice(k * per, (k + 1) * per));
  }
  assertThrows(() => rot90(randomImages(1, 2, 4, 6), [0, 1]), Error, "square");
  assertEquals(rot90(randomImages(1, 2, 4, 6), [0, 2]).shape, [2, 4, 6, 3]);
  x.dispose();
});

Deno.test("randomRot90 labels undo the rotation; allRotations shape and labels; no leaks", () => {
  const x = randomImages(3, 16, 6, 6);
  const { images, labels } = randomRot90(x, new Rng(1));
  assert(new Set(labels).size > 1 && labels.every((l) => l >= 0 && l < 4));
  assertEquals(take(rot90(images, [...labels].map((l) => 4 - l))), take(x.clone()));
  assertEquals(randomRot90(x, new Rng(1)).labels, labels);
  const all = allRotations(x);
  assertEquals(all.images.shape, [64, 6, 6, 3]);
  assertEquals([...all.labels.slice(14, 18)], [0, 0, 1, 1]);
  assertNoLeak(() => randomRot90(x, new Rng(2)));
  [images, all.images, x].forEach((t) => t.dispose());
});
