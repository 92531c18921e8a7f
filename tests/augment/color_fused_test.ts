/**
 * The fused CPU colour distortion (lib/augment/color_fused.ts) against the tensor-op path of color.ts: equal
 * within float32 tolerance for every operation, order, grayscale, clipping and hue wrap-around, on random and
 * edge-case pixels, with the same random draws from the Rng.
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import type { Tensor4D } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import {
  applyJitter,
  applyJitterTensorOps,
  colorDistortion,
  colorDistortionFused,
  type ColorDistortionOptions,
  colorDistortionTensorOps,
  colorJitter,
  JITTER_OPS,
  type JitterOp,
  type JitterParams,
  sampleJitterParams,
} from "../../lib/augment/color.ts";
import { fusedColorDistortion, fusedColorDistortionData } from "../../lib/augment/color_fused.ts";
import { grayscale } from "../../lib/augment/grayscale.ts";
import { isCpuBackend, whereSamples } from "../../lib/augment/common.ts";
import { assertAllClose, assertInRange, assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

const TOL = 1e-5;

/**
 * Images mixing uniform random pixels with the edge cases of the hue / saturation / clip formulas: black,
 * white, greys (zero chroma), near-greys, saturated primaries and secondaries, two-way ties for the max and
 * the min, channels at exactly 0 and 1; plus one constant (flat) sample, whose contrast mean is its value.
 */
function edgeImages(seed: number, b: number, h: number, w: number, lo = 0, hi = 1): Tensor4D {
  const r = new Rng(seed);
  const special: number[][] = [
    [0, 0, 0],
    [1, 1, 1],
    [0.5, 0.5, 0.5],
    [0.25, 0.25, 0.25],
    [0.5, 0.5, 0.5 + 1e-6],
    [0.3 + 1e-7, 0.3, 0.3],
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 1, 0],
    [0, 1, 1],
    [1, 0, 1],
    [0.8, 0.8, 0.2],
    [0.2, 0.8, 0.8],
    [0.8, 0.2, 0.8],
    [0.3, 0.3, 0.9],
    [0.9, 0.3, 0.9],
    [1, 0.5, 0],
    [0, 0.5, 1],
    [0.999999, 1e-6, 0.5],
  ];
  const v = new Float32Array(b * h * w * 3);
  for (let s = 0; s < b; s++) {
    const flat = s === b - 1 ? [r.next(), r.next(), r.next()] : null;
    for (let p = 0; p < h * w; p++) {
      const i = (s * h * w + p) * 3;
      const px = flat ??
        (r.bernoulli(0.4)
          ? special[r.int(special.length)]
          : [r.next(), r.next(), r.next()].map((u) => lo + (hi - lo) * u));
      v.set(px, i);
    }
  }
  return tf.tensor4d(v, [b, h, w, 3]);
}

/** Factors at the range ends and beyond, or uniform. */
function drawFactor(r: Rng): number {
  return r.bernoulli(0.5) ? [0, 1e-4, 0.2, 1, 1.8, 2, 3.5][r.int(7)] : r.uniform(0, 2.5);
}

/** Hue deltas including 0, whole and half turns, tiny ones around 0, and values that wrap. */
function drawDelta(r: Rng): number {
  return r.bernoulli(0.5)
    ? [0, 1e-9, -1e-9, 0.5, -0.5, 1, -1, 1 / 3, -0.2, 0.2, 0.99, -0.99][r.int(12)]
    : r.uniform(-1.2, 1.2);
}

function drawParams(r: Rng, n: number): JitterParams[] {
  return Array.from({ length: n }, () => ({
    apply: r.bernoulli(0.85),
    order: r.permutation(4).map((k) => JITTER_OPS[k]),
    brightness: drawFactor(r),
    contrast: drawFactor(r),
    saturation: drawFactor(r),
    hue: drawDelta(r),
  }));
}

function compare(x: Tensor4D, params: readonly JitterParams[], gray: boolean[], msg: string): void {
  const fused = take(fusedColorDistortion(x, params, gray));
  // The tensor path: jitter, then randomGrayscale's per-sample select with these decisions.
  const ref = take(tf.tidy(() => {
    const j = applyJitterTensorOps(x, params);
    return whereSamples(gray, grayscale(j), j);
  }));
  assertAllClose(fused, ref, TOL, msg);
}

/** The next few raw draws of a stream: equal tails mean equal consumption. */
function tail(r: Rng): number[] {
  return Array.from({ length: 4 }, () => r.u32());
}

Deno.test("fused jitter: each operation alone matches the tensor path over many random factors", () => {
  const x = edgeImages(1, 8, 6, 5);
  const r = new Rng(2);
  for (const op of JITTER_OPS) {
    for (let trial = 0; trial < 25; trial++) {
      const params = drawParams(r, 8).map((p) => ({ ...p, apply: true, order: [op] as JitterOp[] }));
      compare(x, params, new Array(8).fill(false), `${op} trial ${trial}`);
    }
  }
  x.dispose();
});

Deno.test("fused jitter: random per-sample orders, grayscale and skipped samples match the tensor path", () => {
  const r = new Rng(3);
  for (let trial = 0; trial < 60; trial++) {
    const b = 1 + r.int(12);
    const x = edgeImages(100 + trial, b, 1 + r.int(7), 1 + r.int(7));
    const gray = Array.from({ length: b }, () => r.bernoulli(0.3));
    compare(x, drawParams(r, b), gray, `trial ${trial}`);
    x.dispose();
  }
});

Deno.test("fused jitter: every one of the 24 orders, and every op last before grayscale", () => {
  const x = edgeImages(4, 24, 5, 5);
  const perms: JitterOp[][] = [];
  const permute = (rest: JitterOp[], acc: JitterOp[]) => {
    if (rest.length === 0) perms.push(acc);
    rest.forEach((op, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, op]));
  };
  permute([...JITTER_OPS], []);
  assertEquals(perms.length, 24);
  const r = new Rng(5);
  for (let trial = 0; trial < 6; trial++) {
    const params = drawParams(r, 24).map((p, i) => ({ ...p, apply: true, order: perms[i] }));
    compare(x, params, perms.map((_, i) => (i + trial) % 2 === 0), `trial ${trial}`);
  }
  x.dispose();
});

Deno.test("fused jitter: clipping of input outside [0, 1] and of overshooting factors matches", () => {
  const r = new Rng(6);
  for (let trial = 0; trial < 20; trial++) {
    const x = edgeImages(200 + trial, 6, 4, 4, -0.5, 1.5);
    const params = drawParams(r, 6).map((p) => ({ ...p, brightness: 3.5, contrast: 3.5, saturation: 3.5 }));
    compare(x, params, [false, true, false, false, true, false], `trial ${trial}`);
    x.dispose();
  }
});

Deno.test("fused jitter: repeated or unknown steps are treated as the tensor path treats them", () => {
  const x = edgeImages(7, 3, 4, 4);
  const base = { apply: true, brightness: 1.7, contrast: 0.4, saturation: 2.2, hue: 0.37 };
  const params = [
    { ...base, order: ["contrast", "brightness", "contrast", "hue"] },
    { ...base, order: ["hue", "hue"] },
    { ...base, order: ["saturation", "nope", "brightness", "contrast", "hue"] },
  ] as unknown as JitterParams[];
  compare(x, params, [false, false, true], "odd orders");
  x.dispose();
});

Deno.test("colorDistortion: fused and tensor paths give the same images and consume the same draws", () => {
  const x = edgeImages(8, 16, 8, 8);
  const optsList: ColorDistortionOptions[] = [
    {},
    { strength: 0.5 },
    { strength: 2 },
    { strength: 0 },
    { p: 0 },
    { p: 1, grayP: 0 },
    { grayP: 1 },
    { strength: 1.5, p: 0.5, grayP: 0.5 },
    { randomOrder: false, strength: 1 },
  ];
  for (const opts of optsList) {
    for (let seed = 0; seed < 8; seed++) {
      const a = new Rng(seed), b = new Rng(seed), c = new Rng(seed);
      const fused = take(colorDistortionFused(x, a, opts));
      const ref = take(colorDistortionTensorOps(x, b, opts));
      assertAllClose(fused, ref, TOL, `${JSON.stringify(opts)} seed ${seed}`);
      assertInRange(fused);
      // The dispatching entry point takes the fused path on cpu.
      assertEquals(take(colorDistortion(x, c, opts)), fused);
      const ta = tail(a);
      assertEquals(ta, tail(b), "rng state after the call");
      assertEquals(ta, tail(c), "rng state after the call");
    }
  }
  x.dispose();
});

Deno.test("colorJitter / applyJitter: dispatch to the fused path on cpu, same params and draws", () => {
  assert(isCpuBackend());
  const x = edgeImages(9, 10, 6, 6);
  for (let seed = 0; seed < 10; seed++) {
    const a = new Rng(seed), b = new Rng(seed);
    const fused = take(colorJitter(x, a, { strength: 1.2 }));
    const params = sampleJitterParams(b, 10, { strength: 1.2 });
    assertAllClose(fused, take(applyJitterTensorOps(x, params)), TOL, `seed ${seed}`);
    assertEquals(fused, take(applyJitter(x, params)));
    assertEquals(tail(a), tail(b));
  }
  x.dispose();
});

Deno.test("fused path: untouched samples are bit-exact copies; the input is not modified; no leaks", () => {
  const x = randomImages(10, 6, 5, 5);
  const xv = take(x.clone());
  const params = drawParams(new Rng(11), 6).map((p, i) => ({ ...p, apply: i % 2 === 0 }));
  const out = take(fusedColorDistortion(x, params, [false, false, false, true, false, false]));
  const per = 5 * 5 * 3;
  for (const s of [1, 5]) assertEquals(out.slice(s * per, (s + 1) * per), xv.slice(s * per, (s + 1) * per));
  assertEquals(take(x.clone()), xv, "input unchanged");
  assertNoLeak(() => fusedColorDistortion(x, params));
  assertNoLeak(() => colorDistortionFused(x, new Rng(1)));
  assertNoLeak(() => colorDistortion(x, new Rng(1)));
  x.dispose();
});

Deno.test("fused path: the tensor path's errors for bad factors, counts and probabilities", () => {
  const x = randomImages(12, 2, 3, 3);
  const ok = drawParams(new Rng(13), 2).map((p) => ({ ...p, apply: true }));
  const cases: [JitterParams[], string][] = [
    [[{ ...ok[0], brightness: NaN }, ok[1]], "adjustBrightness: factors must be finite"],
    [[ok[0], { ...ok[1], saturation: -0.5 }], "adjustSaturation: factors must be finite and >= 0"],
    [[{ ...ok[0], hue: Infinity }, ok[1]], "adjustHue: factors must be finite"],
    [[ok[0]], "colorJitter: got 1 parameter sets for 2 samples"],
  ];
  for (const [params, msg] of cases) {
    assertThrows(() => fusedColorDistortion(x, params), Error, msg);
    assertThrows(() => applyJitterTensorOps(x, params), Error, msg);
  }
  // A bad factor of a sample that is not jittered is never used, on either path.
  const skipped = [{ ...ok[0], apply: false, contrast: NaN }, ok[1]];
  assertAllClose(take(fusedColorDistortion(x, skipped)), take(applyJitterTensorOps(x, skipped)), TOL);
  assertThrows(() => fusedColorDistortion(x, ok, [true]), Error, "grayscale decisions");
  assertThrows(() => fusedColorDistortionData(new Float32Array(5), 1, 2, ok.slice(0, 1)), Error, "values");
  for (const f of [colorDistortionFused, colorDistortionTensorOps]) {
    assertThrows(() => f(x, new Rng(1), { grayP: 2 }), Error, "randomGrayscale: p must be in [0, 1]");
    assertThrows(() => f(x, new Rng(1), { strength: -1 }), Error, "strength");
    assertThrows(() => f(tf.zeros([1, 2, 2, 1]) as Tensor4D, new Rng(1)), Error, "channels");
  }
  x.dispose();
});

Deno.test("fused path on wasm: matches the tensor path there and the cpu result", async () => {
  const run = () => {
    const x = edgeImages(14, 12, 8, 8);
    const out: Float32Array[] = [];
    for (let seed = 0; seed < 4; seed++) {
      const fused = take(colorDistortion(x, new Rng(seed), { strength: 1 }));
      assertAllClose(
        fused,
        take(colorDistortionTensorOps(x, new Rng(seed), { strength: 1 })),
        TOL,
        `seed ${seed}`,
      );
      out.push(fused);
    }
    x.dispose();
    return out;
  };
  const cpu = run();
  await useBackend("wasm");
  try {
    assert(isCpuBackend());
    const before = tf.memory().numTensors;
    const wasm = run();
    assertEquals(tf.memory().numTensors, before, "wasm leak");
    wasm.forEach((v, i) => assertEquals(v, cpu[i], "fused path is backend-independent"));
  } finally {
    await useBackend("cpu");
  }
});
