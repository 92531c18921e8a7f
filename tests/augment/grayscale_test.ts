import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { Rng } from "../../lib/rng.ts";
import { grayscale, luma, randomGrayscale } from "../../lib/augment/grayscale.ts";
import { assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

Deno.test("grayscale: three equal channels holding the BT.601 luma", () => {
  const x = randomImages(1, 2, 3, 3);
  const xv = x.dataSync();
  const g = take(grayscale(x));
  const l = take(luma(x));
  for (let p = 0; p < 18; p++) {
    const y = 0.2989 * xv[3 * p] + 0.587 * xv[3 * p + 1] + 0.114 * xv[3 * p + 2];
    assertAlmostEquals(l[p], y, 1e-6);
    for (let c = 0; c < 3; c++) assertEquals(g[3 * p + c], l[p]);
  }
  assertThrows(() => grayscale(randomImages(1, 1, 2, 2, 4)), Error, "expected 3 channels");
  x.dispose();
});

Deno.test("randomGrayscale: p=0 identity, p=1 all gray, mixed per sample, no leaks", () => {
  const x = randomImages(2, 12, 4, 4);
  const xv = take(x.clone());
  assertEquals(take(randomGrayscale(x, new Rng(1), { p: 0 })), xv);
  assertEquals(take(randomGrayscale(x, new Rng(1), { p: 1 })), take(grayscale(x)));
  const out = take(randomGrayscale(x, new Rng(9), { p: 0.5 }));
  let gray = 0;
  for (let b = 0; b < 12; b++) {
    const s = out.slice(b * 48, (b + 1) * 48);
    let equal = true;
    for (let p = 0; p < 16; p++) equal &&= s[3 * p] === s[3 * p + 1] && s[3 * p] === s[3 * p + 2];
    if (equal) gray++;
    else assertEquals(s, xv.slice(b * 48, (b + 1) * 48));
  }
  assertEquals(gray > 0 && gray < 12, true);
  assertNoLeak(() => randomGrayscale(x, new Rng(3)));
  x.dispose();
});
