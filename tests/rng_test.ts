import { assert, assertAlmostEquals, assertEquals, assertNotEquals } from "@std/assert";
import { Rng } from "../lib/rng.ts";

Deno.test("Rng: same seed gives the same stream, different seeds differ", () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 8 }, () => a.u32());
  assertEquals(xa, Array.from({ length: 8 }, () => b.u32()));
  assertNotEquals(xa, Array.from({ length: 8 }, () => c.u32()));
});

Deno.test("Rng: uniform moments and normal moments", () => {
  const r = new Rng(1);
  const n = 200_000;
  let s = 0, s2 = 0, g = 0, g2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
    const z = r.normal();
    g += z;
    g2 += z * z;
  }
  assertAlmostEquals(s / n, 0.5, 0.005);
  assertAlmostEquals(s2 / n - (s / n) ** 2, 1 / 12, 0.002);
  assertAlmostEquals(g / n, 0, 0.01);
  assertAlmostEquals(g2 / n, 1, 0.01);
});

Deno.test("Rng: permutation is a permutation; fork is independent and reproducible", () => {
  const r = new Rng(7);
  const p = r.permutation(100);
  assertEquals([...p].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  const f1 = new Rng(7).fork("aug"), f2 = new Rng(7).fork("aug"), f3 = new Rng(7).fork("data");
  assertEquals(f1.u32(), f2.u32());
  assertNotEquals(new Rng(7).fork("aug").u32(), f3.u32());
  const counts = new Array(10).fill(0);
  for (let i = 0; i < 10000; i++) counts[r.int(10)]++;
  for (const c of counts) assert(c > 850 && c < 1150, `int(10) bucket count ${c}`);
});
