import { assert, assertEquals, assertGreater, assertLess, assertNotEquals, assertThrows } from "@std/assert";
import {
  hsvToRgb,
  HUE_JITTER,
  loadShapes,
  renderShapes,
  rgbHue,
  SHAPES_LABEL_SETS,
  shapeSdf,
} from "../../lib/data/shapes.ts";
import { classCounts, validateSplit } from "../../lib/data/types.ts";

const N = 600;
const r = renderShapes(N, 7);
const S = 32;

Deno.test("shapes: deterministic by seed, different across seeds and splits", () => {
  const again = renderShapes(N, 7);
  assertEquals(again.split.images, r.split.images);
  assertEquals(again.split.labels, r.split.labels);
  assertNotEquals(renderShapes(50, 8).split.images, renderShapes(50, 7).split.images);
  assertNotEquals(renderShapes(50, 7, { split: "test" }).split.images, renderShapes(50, 7).split.images);
});

Deno.test("shapes: geometry, ≥ 6 shape classes, every label set exactly balanced", () => {
  validateSplit(r.split, SHAPES_LABEL_SETS, "shapes");
  assertEquals([r.split.height, r.split.width, r.split.channels], [32, 32, 3]);
  assert(SHAPES_LABEL_SETS.shape.length >= 6);
  for (const [name, classes] of Object.entries(SHAPES_LABEL_SETS)) {
    const counts = classCounts(r.split.labels[name], classes.length);
    assertLess(Math.max(...counts) - Math.min(...counts), 2, `${name}: ${counts}`);
  }
});

/** 8-connected components of a binary image. */
function components(mask: Uint8Array, side: number): number {
  const seen = new Uint8Array(mask.length);
  let n = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p] || seen[p]) continue;
    n++;
    const stack = [p];
    seen[p] = 1;
    while (stack.length) {
      const q = stack.pop()!;
      const x = q % side, y = Math.floor(q / side);
      for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]]) {
        const nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= side || ny >= side) continue;
        const t = ny * side + nx;
        if (mask[t] && !seen[t]) {
          seen[t] = 1;
          stack.push(t);
        }
      }
    }
  }
  return n;
}

Deno.test("shapes: count label = number of connected object regions and of instance ids in the mask", () => {
  for (let i = 0; i < N; i++) {
    const m = r.masks.subarray(i * S * S, (i + 1) * S * S);
    const count = r.split.labels.count[i] + 1;
    assertEquals(new Set(m.filter((v) => v > 0)).size, count, `image ${i}`);
    assertEquals(components(Uint8Array.from(m, (v) => (v > 0 ? 1 : 0)), S), count, `image ${i}`);
    assertEquals(r.objects[i].length, count);
  }
});

Deno.test("shapes: colour label = circular mean hue of interior object pixels", () => {
  let checked = 0;
  for (let i = 0; i < N; i++) {
    const m = r.masks.subarray(i * S * S, (i + 1) * S * S);
    let sx = 0, sy = 0;
    for (let y = 1; y < S - 1; y++) {
      for (let x = 1; x < S - 1; x++) {
        const p = y * S + x;
        // interior: the pixel and its 4 neighbours belong to an object
        if (!m[p] || !m[p - 1] || !m[p + 1] || !m[p - S] || !m[p + S]) continue;
        const o = (i * S * S + p) * 3;
        const h = rgbHue(r.split.images[o], r.split.images[o + 1], r.split.images[o + 2]);
        if (Number.isNaN(h)) continue;
        sx += Math.cos((h * Math.PI) / 180);
        sy += Math.sin((h * Math.PI) / 180);
      }
    }
    if (sx === 0 && sy === 0) continue;
    const mean = ((Math.atan2(sy, sx) * 180) / Math.PI + 360) % 360;
    const centre = r.split.labels.colour[i] * 60;
    const diff = Math.abs(((mean - centre + 540) % 360) - 180);
    assertLess(
      diff,
      HUE_JITTER + 5,
      `image ${i}: mean hue ${mean}, label ${SHAPES_LABEL_SETS.colour[r.split.labels.colour[i]]}`,
    );
    checked++;
  }
  assertGreater(checked, N * 0.95);
});

Deno.test("shapes: position label = quadrant of the object-mask centroid; size bins order mask areas", () => {
  let agree = 0;
  const areaSum = [0, 0, 0], areaN = [0, 0, 0];
  for (let i = 0; i < N; i++) {
    const m = r.masks.subarray(i * S * S, (i + 1) * S * S);
    let cx = 0, cy = 0, area = 0;
    for (let p = 0; p < S * S; p++) {
      if (!m[p]) continue;
      cx += (p % S) + 0.5;
      cy += Math.floor(p / S) + 0.5;
      area++;
    }
    cx /= area;
    cy /= area;
    const q = (cy > S / 2 ? 2 : 0) + (cx > S / 2 ? 1 : 0);
    if (q === r.split.labels.position[i]) agree++;
    const count = r.split.labels.count[i] + 1;
    areaSum[r.split.labels.size[i]] += area / count;
    areaN[r.split.labels.size[i]]++;
  }
  assertGreater(agree / N, 0.97);
  const mean = areaSum.map((a, k) => a / areaN[k]);
  assertLess(mean[0], mean[1]);
  assertLess(mean[1], mean[2]);
});

Deno.test("shapes: objects stay inside the image and never overlap", () => {
  for (const objs of r.objects) {
    for (const [j, o] of objs.entries()) {
      assert(o.x - o.r >= 0 && o.x + o.r <= S && o.y - o.r >= 0 && o.y + o.r <= S);
      for (const p of objs.slice(j + 1)) assertGreater(Math.hypot(o.x - p.x, o.y - p.y), o.r + p.r + 2.4);
    }
  }
});

Deno.test("shapes: signed distance functions are negative at the centre (except ring) and positive outside", () => {
  for (let s = 0; s < SHAPES_LABEL_SETS.shape.length; s++) {
    const name = SHAPES_LABEL_SETS.shape[s];
    if (name === "ring") {
      assertGreater(shapeSdf(s, 0, 0), 0);
      assertLess(shapeSdf(s, 0.7, 0), 0);
    } else assertLess(shapeSdf(s, 0, 0.05), 0, name);
    for (let a = 0; a < 16; a++) assertGreater(shapeSdf(s, 1.01 * Math.cos(a), 1.01 * Math.sin(a)), 0, name);
  }
});

Deno.test("shapes: colour helpers round-trip hue", () => {
  for (const h of [0, 30, 59, 120, 200, 300, 350]) {
    const [r_, g, b] = hsvToRgb(h, 0.8, 0.9);
    const back = rgbHue(r_, g, b);
    assertLess(Math.abs(((back - h + 540) % 360) - 180), 1e-9);
  }
  assert(Number.isNaN(rgbHue(5, 5, 5)));
});

Deno.test("shapes: loadShapes gives disjoint train/test streams with all label sets", () => {
  const ds = loadShapes({ nTrain: 40, nTest: 20, seed: 3 });
  assertEquals([ds.train.n, ds.test.n], [40, 20]);
  assertEquals(ds.defaultLabel, "shape");
  assertEquals(Object.keys(ds.train.labels).sort(), Object.keys(SHAPES_LABEL_SETS).sort());
  assertNotEquals(ds.train.images.subarray(0, 3072), ds.test.images.subarray(0, 3072));
});

/** FNV-1a hash of a byte/int array (hex), for golden checks of the generator's output. */
function fnv(a: ArrayLike<number>): string {
  let x = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) {
    x ^= a[i];
    x = Math.imul(x, 0x01000193) >>> 0;
  }
  return x.toString(16);
}

Deno.test("shapes options: the defaults (given or omitted) keep the generator's bytes", () => {
  // Golden hashes of the generator before the distribution options existed.
  const golden = renderShapes(300, 7);
  assertEquals(fnv(golden.split.images), "49249b8a");
  assertEquals(fnv(golden.masks), "3b8fd953");
  const explicit = renderShapes(300, 7, {
    objectScale: 1,
    maxObjects: 3,
    backgrounds: [...SHAPES_LABEL_SETS.background],
    textures: [...SHAPES_LABEL_SETS.texture],
    sizes: [...SHAPES_LABEL_SETS.size],
    rotate: true,
    hueJitter: HUE_JITTER,
  });
  assertEquals(explicit.split.images, golden.split.images);
  assertEquals(explicit.split.labels, golden.split.labels);
  assertEquals(
    loadShapes({ nTrain: 10, nTest: 5 }).provenance,
    "procedural shapes v1 (lib/data/shapes.ts), seed=0, 32x32 RGB, 10 train / 5 test",
  );
});

Deno.test("shapes options: label subsets are drawn balanced over the listed classes only", () => {
  const n = 240;
  const v = renderShapes(n, 3, {
    maxObjects: 1,
    backgrounds: ["flat", "noise"],
    textures: ["solid"],
    sizes: ["large"],
  });
  validateSplit(v.split, SHAPES_LABEL_SETS, "shapes variant");
  assertEquals(classCounts(v.split.labels.count, 3), [n, 0, 0]);
  assertEquals(classCounts(v.split.labels.background, 3), [n / 2, 0, n / 2]);
  assertEquals(classCounts(v.split.labels.texture, 4), [n, 0, 0, 0]);
  assertEquals(classCounts(v.split.labels.size, 3), [0, 0, n]);
  // unrestricted label sets stay exactly balanced
  assertEquals(classCounts(v.split.labels.shape, 8), Array(8).fill(n / 8));
  for (let i = 0; i < n; i++) {
    assertEquals(v.objects[i].length, 1);
    let ids = 0;
    for (let p = i * S * S; p < (i + 1) * S * S; p++) ids = Math.max(ids, v.masks[p]);
    assertEquals(ids, 1);
  }
});

Deno.test("shapes options: objectScale scales the radii, rotate: false draws upright objects", () => {
  const v = renderShapes(120, 5, { objectScale: 1.8, maxObjects: 1, rotate: false });
  v.objects.forEach((objs, i) => {
    const [lo, hi] = [[3.5, 4.75], [4.75, 6], [6, 7.25]][v.split.labels.size[i]];
    for (const o of objs) {
      assert(o.r >= 1.8 * lo - 1e-9 && o.r <= 1.8 * hi + 1e-9, `radius ${o.r} outside the scaled bin`);
      assertEquals(o.angle, 0);
      assert(o.x - o.r >= 0 && o.x + o.r <= S && o.y - o.r >= 0 && o.y + o.r <= S);
    }
  });
  // Same seed, same free parameters: only the radii / angles differ, not the label draws.
  assertEquals(v.split.labels.shape, renderShapes(120, 5, { maxObjects: 1 }).split.labels.shape);
});

Deno.test("shapes options: hueJitter spreads hues to the bin edges and changes nothing else", () => {
  const n = 240;
  const base = renderShapes(n, 9), wide = renderShapes(n, 9, { hueJitter: 30 });
  assertEquals(wide.split.labels, base.split.labels);
  const offsets = (v: typeof base) =>
    v.objects.flatMap((objs, i) =>
      objs.map((o) => ((o.hue - 60 * v.split.labels.colour[i] + 540) % 360) - 180) // signed, degrees
    );
  const a = offsets(base), b = offsets(wide);
  // the same draws, scaled: offset 30/20 times the default one (same geometry, same stream)
  b.forEach((x, k) => assert(Math.abs(x - 1.5 * a[k]) < 1e-9, `offset ${x} vs 1.5 × ${a[k]}`));
  assert(Math.max(...b.map(Math.abs)) > 25 && Math.max(...b.map(Math.abs)) <= 30);
  assertEquals(
    wide.objects.map((o) => o.map((x) => [x.x, x.y, x.r])),
    base.objects.map((o) => o.map((x) => [x.x, x.y, x.r])),
  );
  assertThrows(() => renderShapes(4, 0, { hueJitter: 31 }), Error, "hueJitter");
  assert(loadShapes({ nTrain: 4, nTest: 4, hueJitter: 30 }).provenance.includes("hueJitter=30"));
});

Deno.test("shapes options: invalid options throw one-line errors; loadShapes names the variant", () => {
  assertThrows(() => renderShapes(4, 0, { maxObjects: 4 }), Error, "maxObjects");
  assertThrows(() => renderShapes(4, 0, { objectScale: 0 }), Error, "objectScale");
  assertThrows(() => renderShapes(4, 0, { backgrounds: ["plaid"] }), Error, "unknown background");
  assertThrows(() => renderShapes(4, 0, { textures: [] }), Error, "texture");
  assertThrows(() => renderShapes(30, 0, { objectScale: 2 }), Error, "could not place");
  const ds = loadShapes({ nTrain: 16, nTest: 8, maxObjects: 1, sizes: ["large"], rotate: false });
  assert(ds.provenance.includes("maxObjects=1") && ds.provenance.includes("upright"), ds.provenance);
  assertEquals(ds.train.n, 16);
});
