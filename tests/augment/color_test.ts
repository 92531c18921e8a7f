import { assert, assertAlmostEquals, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import {
  adjustBrightness,
  adjustContrast,
  adjustHue,
  adjustSaturation,
  applyJitter,
  colorDistortion,
  colorJitter,
  type JitterParams,
  sampleJitterParams,
} from "../../lib/augment/color.ts";
import { grayscale } from "../../lib/augment/grayscale.ts";
import { assertAllClose, assertInRange, assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

// Independent scalar HSV reference (Python colorsys style, sector by sector).
function rgb2hsv(r: number, g: number, b: number): [number, number, number] {
  const mx = Math.max(r, g, b), mn = Math.min(r, g, b);
  if (mx === mn) return [0, 0, mx];
  const s = (mx - mn) / mx;
  const rc = (mx - r) / (mx - mn), gc = (mx - g) / (mx - mn), bc = (mx - b) / (mx - mn);
  let h = r === mx ? bc - gc : g === mx ? 2 + rc - bc : 4 + gc - rc;
  h = ((h / 6) % 1 + 1) % 1;
  return [h, s, mx];
}
function hsv2rgb(h: number, s: number, v: number): [number, number, number] {
  if (s === 0) return [v, v, v];
  const i = Math.floor(h * 6), f = h * 6 - i;
  const p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  return ([[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]] as const)[((i % 6) + 6) % 6] as [
    number,
    number,
    number,
  ];
}
function mapPixels(v: Float32Array, f: (r: number, g: number, b: number) => number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i += 3) out.push(...f(v[i], v[i + 1], v[i + 2]));
  return out;
}

Deno.test("adjustHue: 0 and 360° are the identity; 120° maps pure R -> G -> B -> R", () => {
  const x = randomImages(1, 2, 4, 4);
  const xv = take(x.clone());
  assertAllClose(take(adjustHue(x, 0)), xv, 2e-6);
  assertAllClose(take(adjustHue(x, 1)), xv, 2e-6);
  assertAllClose(take(adjustHue(x, [-1, 2])), xv, 2e-6);
  const rgb = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.6, 0.2, 0.1], [1, 1, 4, 3]);
  const once = take(adjustHue(rgb, 1 / 3));
  assertAllClose(once.slice(0, 9), [0, 1, 0, 0, 0, 1, 1, 0, 0], 1e-6);
  // An arbitrary colour: three 120° turns come back.
  let y = rgb;
  for (let i = 0; i < 3; i++) {
    const next = adjustHue(y, 1 / 3);
    if (y !== rgb) y.dispose();
    y = next;
  }
  assertAllClose(take(y), rgb.dataSync(), 2e-6);
  rgb.dispose();
  x.dispose();
});

Deno.test("adjustHue and adjustSaturation match a scalar HSV reference", () => {
  const x = randomImages(2, 2, 5, 5);
  const xv = x.dataSync() as Float32Array;
  const hue = take(adjustHue(x, [0.13, -0.41]));
  const half = xv.length / 2;
  const refHue = [
    ...mapPixels(xv.slice(0, half), (r, g, b) => {
      const [h, s, v] = rgb2hsv(r, g, b);
      return hsv2rgb(h + 0.13 - Math.floor(h + 0.13), s, v);
    }),
    ...mapPixels(xv.slice(half), (r, g, b) => {
      const [h, s, v] = rgb2hsv(r, g, b);
      return hsv2rgb(h - 0.41 - Math.floor(h - 0.41), s, v);
    }),
  ];
  assertAllClose(hue, refHue, 2e-6, "hue");
  for (const f of [0, 0.5, 1, 1.7, 3]) {
    const sat = take(adjustSaturation(x, f));
    const ref = mapPixels(xv, (r, g, b) => {
      const [h, s, v] = rgb2hsv(r, g, b);
      return hsv2rgb(h, Math.min(1, s * f), v);
    });
    assertAllClose(sat, ref, 2e-6, `saturation ${f}`);
  }
  assertThrows(() => adjustSaturation(x, -1), Error, ">= 0");
  x.dispose();
});

Deno.test("adjustBrightness and adjustContrast: definitions, per-channel mean preserved", () => {
  const x = randomImages(3, 2, 4, 4);
  const xv = x.dataSync();
  const br = take(adjustBrightness(x, [0.5, 1.5]));
  for (let i = 0; i < xv.length; i++) assertAlmostEquals(br[i], xv[i] * (i < 48 ? 0.5 : 1.5), 1e-6);
  const ct = adjustContrast(x, [0, 2]);
  const means = take(tf.mean(x, [1, 2]));
  assertAllClose(take(tf.mean(ct, [1, 2])), means, 1e-6);
  const cv = take(ct);
  for (let p = 0; p < 16; p++) {
    for (let c = 0; c < 3; c++) {
      assertAlmostEquals(cv[p * 3 + c], means[c], 1e-6); // factor 0: the channel mean
      const j = 48 + p * 3 + c;
      assertAlmostEquals(cv[j], (xv[j] - means[3 + c]) * 2 + means[3 + c], 1e-6);
    }
  }
  x.dispose();
});

Deno.test("colorJitter: strength 0 and p=0 are exact identities; range, seeding, no leaks", () => {
  const x = randomImages(4, 6, 8, 8);
  const xv = take(x.clone());
  assertEquals(take(colorJitter(x, new Rng(1), { strength: 0 })), xv);
  assertEquals(take(colorJitter(x, new Rng(1), { p: 0 })), xv);
  assertEquals(take(colorDistortion(x, new Rng(1), { strength: 0, grayP: 0 })), xv);
  const a = take(colorJitter(x, new Rng(2), { strength: 1, p: 1 }));
  assertInRange(a);
  assertEquals(a, take(colorJitter(x, new Rng(2), { strength: 1, p: 1 })));
  assertNotEquals(a, take(colorJitter(x, new Rng(3), { strength: 1, p: 1 })));
  assertNoLeak(() => colorJitter(x, new Rng(4)));
  assertNoLeak(() => colorDistortion(x, new Rng(4)));
  assertThrows(() => colorJitter(x, new Rng(1), { strength: -1 }), Error, "strength");
  x.dispose();
});

Deno.test("sampleJitterParams: SimCLR ranges, random order, p", () => {
  const s = 0.5;
  const ps = sampleJitterParams(new Rng(1), 4000, { strength: s });
  let applied = 0;
  const firsts = new Set<string>();
  for (const p of ps) {
    if (p.apply) applied++;
    for (const k of ["brightness", "contrast", "saturation"] as const) {
      assert(p[k] >= 1 - 0.8 * s && p[k] <= 1 + 0.8 * s, `${k} ${p[k]}`);
    }
    assert(Math.abs(p.hue) <= 0.2 * s);
    assertEquals([...p.order].sort(), ["brightness", "contrast", "hue", "saturation"]);
    firsts.add(p.order[0]);
  }
  assert(Math.abs(applied / 4000 - 0.8) < 0.03, `applied fraction ${applied / 4000}`);
  assertEquals(firsts.size, 4);
});

Deno.test("applyJitter: batched random-order application equals per-sample sequential application", () => {
  const x = randomImages(5, 8, 6, 6);
  const params = sampleJitterParams(new Rng(11), 8, { strength: 1.5, p: 0.75 });
  const batched = take(applyJitter(x, params));
  const ops = {
    brightness: adjustBrightness,
    contrast: adjustContrast,
    saturation: adjustSaturation,
    hue: adjustHue,
  };
  const per = 6 * 6 * 3;
  for (let b = 0; b < 8; b++) {
    const p: JitterParams = params[b];
    let y = x.slice([b, 0, 0, 0], [1, 6, 6, 3]);
    if (p.apply) {
      for (const op of p.order) {
        const next = tf.tidy(() => tf.clipByValue(ops[op](y, p[op]), 0, 1));
        y.dispose();
        y = next;
      }
    }
    assertAllClose(batched.slice(b * per, (b + 1) * per), take(y), 1e-6, `sample ${b}`);
  }
  // Order matters: brightness x1.6 then contrast differs from contrast then brightness (clipping).
  const base = { apply: true, brightness: 1.6, contrast: 1.6, saturation: 1, hue: 0 };
  const one = x.slice([0, 0, 0, 0], [1, 6, 6, 3]);
  const bc = take(applyJitter(one, [{ ...base, order: ["brightness", "contrast", "saturation", "hue"] }]));
  const cb = take(applyJitter(one, [{ ...base, order: ["contrast", "brightness", "saturation", "hue"] }]));
  assertNotEquals(bc, cb);
  one.dispose();
  x.dispose();
});

Deno.test("colorDistortion: jitter off and grayscale p=1 gives the grayscale image", () => {
  const x = randomImages(6, 3, 4, 4);
  assertEquals(take(colorDistortion(x, new Rng(1), { p: 0, grayP: 1 })), take(grayscale(x)));
  x.dispose();
});
