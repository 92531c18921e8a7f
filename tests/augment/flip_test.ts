import { assert, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { Rng } from "../../lib/rng.ts";
import { flipLeftRight, randomFlip } from "../../lib/augment/flip.ts";
import { assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

Deno.test("flipLeftRight mirrors the width axis", () => {
  const x = randomImages(1, 2, 3, 4, 2);
  const xv = x.dataSync();
  const out = take(flipLeftRight(x));
  for (let b = 0; b < 2; b++) {
    for (let y = 0; y < 3; y++) {
      for (let i = 0; i < 4; i++) {
        for (let c = 0; c < 2; c++) {
          assertEquals(out[((b * 3 + y) * 4 + i) * 2 + c], xv[((b * 3 + y) * 4 + 3 - i) * 2 + c]);
        }
      }
    }
  }
  x.dispose();
});

Deno.test("randomFlip: p=0 identity, p=1 flips all, mixed per sample, seeded", () => {
  const x = randomImages(2, 16, 4, 4);
  const xv = take(x.clone());
  const fv = take(flipLeftRight(x));
  assertEquals(take(randomFlip(x, new Rng(1), { p: 0 })), xv);
  assertEquals(take(randomFlip(x, new Rng(1), { p: 1 })), fv);
  const out = take(randomFlip(x, new Rng(3)));
  const n = 4 * 4 * 3;
  let flipped = 0;
  for (let b = 0; b < 16; b++) {
    const s = out.slice(b * n, (b + 1) * n);
    const isX = s.every((v, i) => v === xv[b * n + i]);
    const isF = s.every((v, i) => v === fv[b * n + i]);
    assert(isX || isF, `sample ${b} is neither the input nor its mirror`);
    if (isF) flipped++;
  }
  assert(flipped > 0 && flipped < 16, `flipped ${flipped} of 16`);
  assertEquals(out, take(randomFlip(x, new Rng(3))));
  assertNotEquals(out, take(randomFlip(x, new Rng(4))));
  assertNoLeak(() => randomFlip(x, new Rng(5)));
  assertThrows(() => randomFlip(x, new Rng(1), { p: 2 }), Error, "p must be in [0, 1]");
  x.dispose();
});
