import { assert, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { hamming, maxHammingPermutations } from "../../lib/augment/permutations.ts";

function bruteForce(perms: number[][]): { min: number; mean: number } {
  let min = Infinity, sum = 0, n = 0;
  for (let a = 0; a < perms.length; a++) {
    for (let b = a + 1; b < perms.length; b++) {
      let d = 0;
      for (let i = 0; i < perms[a].length; i++) d += perms[a][i] === perms[b][i] ? 0 : 1;
      min = Math.min(min, d);
      sum += d;
      n++;
    }
  }
  return { min, mean: sum / n };
}

Deno.test("maxHammingPermutations(100): distinct permutations with the claimed min and mean distance", () => {
  const set = maxHammingPermutations(100, { seed: 3 });
  assertEquals(set.perms.length, 100);
  const ident = Array.from({ length: 9 }, (_, i) => i);
  for (const p of set.perms) assertEquals([...p].sort((a, b) => a - b), ident);
  assertEquals(new Set(set.perms.map((p) => p.join(","))).size, 100);
  const bf = bruteForce(set.perms);
  assertEquals(set.minDistance, bf.min);
  assert(Math.abs(set.meanDistance - bf.mean) < 1e-9);
  // Max-min greedy is far better than random permutations (whose min distance over 100 is ~2-3).
  assert(set.minDistance >= 6, `min distance ${set.minDistance}`);
  assert(set.meanDistance > 8, `mean distance ${set.meanDistance}`);
});

Deno.test("maxHammingPermutations: deterministic by seed, seeds differ, 'mean' criterion, small sizes", () => {
  assertEquals(maxHammingPermutations(30, { seed: 1 }), maxHammingPermutations(30, { seed: 1 }));
  assertNotEquals(
    maxHammingPermutations(30, { seed: 1 }).perms,
    maxHammingPermutations(30, { seed: 2 }).perms,
  );
  const mean = maxHammingPermutations(30, { seed: 1, criterion: "mean" });
  assertEquals(mean.minDistance, bruteForce(mean.perms).min);
  assert(mean.meanDistance > 8);
  // All 4! permutations of 4 elements: the full set has min distance 2.
  const all4 = maxHammingPermutations(24, { size: 4 });
  assertEquals(new Set(all4.perms.map((p) => p.join())).size, 24);
  assertEquals(all4.minDistance, 2);
  // 4 permutations of 4 elements can be pairwise disjoint (a Latin square): the greedy finds distance 4.
  assertEquals(maxHammingPermutations(4, { size: 4, seed: 7 }).minDistance, 4);
  assertEquals(hamming([0, 1, 2], [0, 2, 1]), 2);
  assertThrows(() => maxHammingPermutations(0), Error, "n must be");
  assertThrows(() => maxHammingPermutations(25, { size: 4 }), Error, "[1, 24]");
});
