import { assert, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { Rng } from "../../lib/rng.ts";
import {
  flipLeftRight,
  flipSamples,
  randomFlip,
  randomFlipFused,
  randomFlipTensorOps,
} from "../../lib/augment/flip.ts";
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

Deno.test("randomFlip: the fused CPU pass equals the tensor path bit for bit, with the same draws", async () => {
  const check = () => {
    const r = new Rng(6);
    for (let trial = 0; trial < 40; trial++) {
      const [b, h, w, c] = [1 + r.int(9), 1 + r.int(6), 1 + r.int(6), [1, 2, 3][r.int(3)]];
      const x = randomImages(100 + trial, b, h, w, c);
      const xv = take(x.clone());
      const p = [0, 0.3, 0.5, 1][trial % 4];
      const a = new Rng(trial), t = new Rng(trial), d = new Rng(trial);
      const fused = take(randomFlipFused(x, a, { p }));
      assertEquals(fused, take(randomFlipTensorOps(x, t, { p })), `trial ${trial} [${b},${h},${w},${c}]`);
      assertEquals(take(randomFlip(x, d, { p })), fused, "dispatch");
      const next = [a.u32(), a.u32()];
      assertEquals([t.u32(), t.u32()], next, "rng state");
      assertEquals([d.u32(), d.u32()], next, "rng state");
      assertEquals(take(x.clone()), xv, "input unchanged");
      x.dispose();
    }
  };
  check();
  await useBackend("wasm");
  try {
    check();
  } finally {
    await useBackend("cpu");
  }
  const x = randomImages(7, 3, 4, 4);
  assertNoLeak(() => randomFlipFused(x, new Rng(1)));
  assertThrows(() => flipSamples(x, [true]), Error, "mask has 1 entries");
  assertThrows(() => randomFlipFused(x, new Rng(1), { p: -1 }), Error, "p must be in [0, 1]");
  x.dispose();
});
