import { assert, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { Rng } from "../../lib/rng.ts";
import { cutout, cutoutSide, sampleCutoutBoxes } from "../../lib/augment/cutout.ts";
import { assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

Deno.test("cutout erases exactly the sampled square (clipped) and nothing else", () => {
  const [b, h, w] = [6, 12, 10];
  const x = randomImages(1, b, h, w);
  const xv = take(x.clone());
  const boxes = sampleCutoutBoxes(new Rng(4), b, h, w, { size: 0.5 });
  const out = take(cutout(x, new Rng(4), { size: 0.5, fill: 0.25 }));
  boxes.forEach((bx, i) => {
    assert(bx !== null);
    assert(bx.height <= cutoutSide(h, 0.5) && bx.width <= cutoutSide(h, 0.5));
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const inside = y >= bx.top && y < bx.top + bx.height && xx >= bx.left && xx < bx.left + bx.width;
        for (let c = 0; c < 3; c++) {
          const j = ((i * h + y) * w + xx) * 3 + c;
          assertEquals(out[j], inside ? 0.25 : xv[j]);
        }
      }
    }
  });
  x.dispose();
});

Deno.test("cutout: p=0 identity, square side, determinism, no leaks, errors", () => {
  const x = randomImages(2, 4, 16, 16);
  const xv = take(x.clone());
  assertEquals(take(cutout(x, new Rng(1), { p: 0 })), xv);
  assertEquals(cutoutSide(32), 16);
  assertEquals(cutoutSide(32, 8), 8);
  // A square well inside the image is full size.
  const full = sampleCutoutBoxes(new Rng(2), 500, 32, 32, { size: 8 }).filter((bx) =>
    bx!.top > 0 && bx!.top < 24
  );
  assert(full.some((bx) => bx!.height === 8 && bx!.width === 8));
  const a = take(cutout(x, new Rng(3)));
  assertEquals(a, take(cutout(x, new Rng(3))));
  assertNotEquals(a, take(cutout(x, new Rng(4))));
  assertNoLeak(() => cutout(x, new Rng(5)));
  assertThrows(() => cutout(x, new Rng(1), { size: -1 }), Error, "size");
  x.dispose();
});
