import { assert, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { Rng } from "../../lib/rng.ts";
import {
  ablationPipelines,
  compose,
  pipelineFor,
  simclrAugment,
  simclrPipeline,
  transform,
  TRANSFORM_NAMES,
  twoViews,
} from "../../lib/augment/pipeline.ts";
import { randomResizedCrop } from "../../lib/augment/crop.ts";
import { colorDistortion } from "../../lib/augment/color.ts";
import { assertInRange, assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

Deno.test("every registry transform keeps shape and range, is seeded and leak-free", () => {
  const x = randomImages(1, 3, 20, 20);
  assertEquals([...TRANSFORM_NAMES].sort(), [
    "blur",
    "color",
    "crop",
    "cutout",
    "flip",
    "grayscale",
    "noise",
    "rotate",
    "sobel",
  ]);
  for (const name of TRANSFORM_NAMES) {
    const t = transform(name);
    const y = t(x, new Rng(4));
    assertEquals(y.shape, x.shape, name);
    const v = take(y);
    assertInRange(v);
    assertEquals(v, take(t(x, new Rng(4))), name);
    assertNoLeak(() => t(x, new Rng(5)));
  }
  assertThrows(() => transform("warp" as never), Error, 'unknown transform "warp"');
  x.dispose();
});

Deno.test("compose / pipelineFor: equal to applying the steps in order with one stream", () => {
  const x = randomImages(2, 4, 16, 16);
  const piped = take(pipelineFor(["crop", "color"], { crop: { size: 12 } })(x, new Rng(7)));
  const rng = new Rng(7);
  const c = randomResizedCrop(x, rng, { size: 12 });
  assertEquals(piped, take(colorDistortion(c, rng)));
  c.dispose();
  assertEquals(take(compose([])(x, new Rng(1))), take(x.clone()));
  assertNoLeak(() => pipelineFor(["crop", "flip", "color", "blur", "cutout"])(x, new Rng(2)));
  x.dispose();
});

Deno.test("simclrAugment and twoViews: shapes, two different views, reproducible", () => {
  const x = randomImages(3, 4, 24, 24);
  const a = simclrAugment(x, new Rng(1), { strength: 0.5, size: 16, blur: true });
  assertEquals(a.shape, [4, 16, 16, 3]);
  assertInRange(take(a));
  const [v1, v2] = twoViews(x, new Rng(2), simclrPipeline({ strength: 0.5 }));
  const [w1, w2] = twoViews(x, new Rng(2), simclrPipeline({ strength: 0.5 }));
  const [a1, a2] = [take(v1), take(v2)];
  assertNotEquals(a1, a2);
  assertEquals(a1, take(w1));
  assertEquals(a2, take(w2));
  assertNoLeak(() => twoViews(x, new Rng(3)));
  x.dispose();
});

Deno.test("ablationPipelines: crop + tested transforms on one branch, identity on the other", () => {
  const x = randomImages(4, 2, 16, 16);
  const [branch, other] = ablationPipelines(["color", "sobel"]);
  const [v1, v2] = twoViews(x, new Rng(1), branch, other);
  assertEquals(take(v2), take(x.clone()));
  const ref = take(pipelineFor(["crop", "color", "sobel"])(x, new Rng(1)));
  assertEquals(take(v1), ref);
  const [, cropOther] = ablationPipelines(["crop"], { other: "crop" });
  const co = cropOther(x, new Rng(1));
  assert(co.shape[1] === 16);
  co.dispose();
  assertThrows(() => ablationPipelines([]), Error, "one or two");
  x.dispose();
});
