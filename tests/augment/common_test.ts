import { assert, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import {
  assertImages,
  assertProbability,
  assertRange,
  drawMask,
  isCpuBackend,
  joinChannels,
  splitChannels,
  whereSamples,
} from "../../lib/augment/common.ts";
import { assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

Deno.test("assertImages: one-line errors naming the op and the cause", () => {
  const cases: [unknown, string][] = [
    [null, "got null"],
    [tf.zeros([2, 3]), "rank 4"],
    [tf.zeros([1, 2, 2, 3], "int32"), "float32"],
    [tf.zeros([1, 2, 2, 4]), "3 channels"],
  ];
  for (const [x, msg] of cases) {
    const e = assertThrows(() => assertImages(x, "myop", [3]), Error, msg);
    assert(e.message.startsWith("myop: ") && !e.message.includes("\n"), e.message);
    if (x instanceof tf.Tensor) x.dispose();
  }
  const d = tf.zeros([1, 2, 2, 3]);
  d.dispose();
  assertThrows(() => assertImages(d, "myop"), Error, "disposed");
  assertThrows(() => assertProbability(-0.1, "op"), Error, "p must be in [0, 1]");
  assertThrows(() => assertRange([2, 1], "op", "scale"), Error, "scale must be a range");
  assertThrows(() => assertRange([-1, 1], "op", "scale", 0), Error, "0 <= lo");
});

Deno.test("drawMask: Bernoulli frequency and one draw per sample regardless of p", () => {
  const m = drawMask(new Rng(1), 10000, 0.3);
  const frac = m.filter(Boolean).length / 10000;
  assert(Math.abs(frac - 0.3) < 0.02, `${frac}`);
  const r1 = new Rng(2), r2 = new Rng(2);
  drawMask(r1, 5, 0);
  drawMask(r2, 5, 1);
  assertEquals(r1.u32(), r2.u32());
});

Deno.test("whereSamples selects whole samples exactly; split/joinChannels round-trip", () => {
  const a = randomImages(1, 4, 3, 3), b = randomImages(2, 4, 3, 3);
  const out = take(whereSamples([true, false, false, true], a, b));
  const av = a.dataSync(), bv = b.dataSync();
  for (let s = 0; s < 4; s++) {
    const src = s === 0 || s === 3 ? av : bv;
    assertEquals(out.slice(s * 27, (s + 1) * 27), Float32Array.from(src.slice(s * 27, (s + 1) * 27)));
  }
  assertThrows(() => whereSamples([true], a, b), Error, "mask has 1 entries");
  const chs = splitChannels(a);
  assertEquals(chs[1].shape, [4, 3, 3, 1]);
  const ch1 = chs[1].dataSync();
  for (let p = 0; p < 36; p++) assertEquals(ch1[p], av[3 * p + 1]);
  assertEquals(take(joinChannels(chs)), Float32Array.from(av));
  chs.forEach((t) => t.dispose());
  assertNoLeak(() => whereSamples([true, false, true, false], a, b));
  a.dispose();
  b.dispose();
});

Deno.test("isCpuBackend: true on cpu and wasm (the backends that take the fused JS paths)", async () => {
  assert(isCpuBackend());
  await useBackend("wasm");
  try {
    assert(isCpuBackend());
  } finally {
    await useBackend("cpu");
  }
});
