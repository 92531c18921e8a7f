import { assert, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { jigsaw, jigsawGeometry, reassembleJigsaw } from "../../lib/augment/jigsaw.ts";
import { maxHammingPermutations } from "../../lib/augment/permutations.ts";
import { assertInRange, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

const perms = maxHammingPermutations(20, { seed: 0 }).perms;
const identity = [[0, 1, 2, 3, 4, 5, 6, 7, 8]];

Deno.test("jigsaw: shapes, defaults for 32x32 (8 px tiles in 10 px cells), patches lie in their cells", () => {
  assertEquals(jigsawGeometry(32, 32), { cellH: 10, cellW: 10, y0: 1, x0: 1 });
  const x = randomImages(1, 3, 32, 32);
  const xv = x.dataSync();
  const { patches, permIndex, origins } = jigsaw(x, new Rng(2), { perms });
  assertEquals(patches.shape, [3, 9, 8, 8, 3]);
  assert(permIndex.every((p) => p >= 0 && p < perms.length));
  const pv = take(patches);
  for (let s = 0; s < 3; s++) {
    const perm = perms[permIndex[s]];
    for (let slot = 0; slot < 9; slot++) {
      const cell = perm[slot];
      const [top, left] = origins[s][cell];
      const cy = 1 + Math.floor(cell / 3) * 10, cx = 1 + (cell % 3) * 10;
      assert(top >= cy && top + 8 <= cy + 10 && left >= cx && left + 8 <= cx + 10, `cell ${cell} origin`);
      // Independent extraction of slot `slot` from the image.
      for (let y = 0; y < 8; y++) {
        for (let i = 0; i < 8; i++) {
          for (let c = 0; c < 3; c++) {
            const got = pv[((((s * 9 + slot) * 8 + y) * 8 + i) * 3) + c];
            assertEquals(got, xv[((s * 32 + top + y) * 32 + left + i) * 3 + c]);
          }
        }
      }
    }
  }
  x.dispose();
});

Deno.test("jigsaw: reassembly with the inverse permutation recovers the unshuffled tiles", () => {
  const x = randomImages(2, 4, 32, 32);
  const shuffled = jigsaw(x, new Rng(5), { perms });
  const plain = jigsaw(x, new Rng(5), { perms: identity }); // same draws, no shuffle
  assertEquals(shuffled.origins, plain.origins);
  assert(new Set(shuffled.permIndex).size > 1);
  const back = take(reassembleJigsaw(shuffled.patches, shuffled.permIndex, perms));
  const ref = take(reassembleJigsaw(plain.patches, plain.permIndex, identity));
  assertEquals(back, ref);
  // With no jitter and tile = cell, the reassembled grid is the centre 30x30 of the image.
  const exact = jigsaw(x, new Rng(6), { perms, jitter: false, tile: 10 });
  const grid = reassembleJigsaw(exact.patches, exact.permIndex, perms);
  assertEquals(take(grid), take(x.slice([0, 1, 1, 0], [4, 30, 30, 3])));
  [shuffled.patches, plain.patches, exact.patches, x].forEach((t) => t.dispose());
});

Deno.test("jigsaw: determinism, per-patch colour jitter, no leaks, errors", () => {
  const x = randomImages(3, 2, 32, 32);
  const a = jigsaw(x, new Rng(1), { perms });
  const b = jigsaw(x, new Rng(1), { perms });
  const c = jigsaw(x, new Rng(2), { perms });
  assertEquals(a.permIndex, b.permIndex);
  const av = take(a.patches);
  assertEquals(av, take(b.patches));
  assertNotEquals(av, take(c.patches));
  const before = tf.memory().numTensors;
  const col = jigsaw(x, new Rng(1), { perms, color: { strength: 1, p: 1 } });
  assertEquals(tf.memory().numTensors, before + 1);
  assertEquals(col.patches.shape, [2, 9, 8, 8, 3]);
  const cv = take(col.patches);
  assertInRange(cv);
  assertNotEquals(cv, av);
  assertThrows(() => jigsaw(x, new Rng(1), { perms: [[0, 1, 2]] }), Error, "not a permutation of 0..8");
  assertThrows(() => jigsaw(x, new Rng(1), { perms, tile: 11 }), Error, "tile");
  assertThrows(() => jigsaw(randomImages(1, 1, 2, 2), new Rng(1), { perms }), Error, "too small");
  x.dispose();
});
