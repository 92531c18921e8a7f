import { assert, assertEquals, assertLess, assertNotEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { resnet, resnet18 } from "../../lib/models/resnet.ts";
import { linearHead } from "../../lib/models/heads.ts";
import { countParameters } from "../../lib/models/layers.ts";
import { maxAbsDiff, randomImages, useCpu } from "./_helpers.ts";

await useCpu();

/** PyTorch parameter count of the reference CIFAR ResNet (BN has 2 parameters per channel), plus Linear(8w, 10). */
function torchCount(w: number, blocks: number[], classes = 10): number {
  const conv = (ci: number, co: number, k: number) => ci * co * k * k;
  const bn = (c: number) => 2 * c;
  let n = conv(3, w, 3) + bn(w);
  let ci = w;
  blocks.forEach((nb, i) => {
    const co = w * 2 ** i;
    for (let j = 0; j < nb; j++) {
      const stride = j === 0 && i > 0 ? 2 : 1;
      n += conv(ci, co, 3) + bn(co) + conv(co, co, 3) + bn(co);
      if (stride !== 1 || ci !== co) n += conv(ci, co, 1) + bn(co);
      ci = co;
    }
  });
  return n + ci * classes + classes;
}

Deno.test("ResNet-18 width 64 with a 10-class head has 11,173,962 parameters", () => {
  const enc = resnet18(new Rng(0), { width: 64 });
  const head = linearHead(new Rng(1), enc.outDim, 10);
  assertEquals(enc.outDim, 512);
  assertEquals(enc.name, "resnet18-w64");
  assertEquals(countParameters(enc) + countParameters(head), 11_173_962);
  assertEquals(torchCount(64, [2, 2, 2, 2]), 11_173_962);
  enc.dispose();
  head.dispose();
});

Deno.test("other depths and widths match the formula", () => {
  for (
    const [depth, blocks, w] of [[10, [1, 1, 1, 1], 8], [34, [3, 4, 6, 3], 4], [
      18,
      [2, 2, 2, 2],
      16,
    ]] as const
  ) {
    const enc = resnet(new Rng(0), { depth, width: w });
    const head = linearHead(new Rng(1), enc.outDim, 10);
    assertEquals(countParameters(enc) + countParameters(head), torchCount(w, [...blocks]), `depth ${depth}`);
    assertEquals(enc.name, `resnet${depth}-w${w}`);
    enc.dispose();
    head.dispose();
  }
});

Deno.test("ResNet forward: per-stage features and h = GAP(stage 4)", () => {
  const enc = resnet(new Rng(0), { depth: 10, width: 4 });
  const x = randomImages(3, [2, 16, 16, 3]);
  tf.tidy(() => {
    const { h, stages } = enc.apply(x, { training: true });
    assertEquals(stages.map((s) => s.shape), [
      [2, 16, 16, 4],
      [2, 16, 16, 4],
      [2, 8, 8, 8],
      [2, 4, 4, 16],
      [2, 2, 2, 32],
    ]);
    assertEquals(enc.stageChannels, [4, 4, 8, 16, 32]);
    assertEquals(h.shape, [2, 32]);
    assertLess(maxAbsDiff(h.dataSync(), tf.mean(stages[4], [1, 2]).dataSync()), 1e-6);
    // all stage outputs are post-ReLU
    for (const s of stages) assert(tf.min(s).dataSync()[0] >= 0);
  });
  x.dispose();
  enc.dispose();
});

Deno.test("ResNet: training updates BN running stats, eval does not; eval output differs from training", () => {
  const enc = resnet(new Rng(0), { depth: 10, width: 4 });
  const x = randomImages(4, [4, 8, 8, 3]);
  const named = enc.namedVariables();
  assert(
    "stage2.0.shortcut.conv.weight" in named && "stage1.0.bn2.runningVar" in named &&
      "stem.bn.gamma" in named,
  );
  assert(!("stage1.0.shortcut.conv.weight" in named), "stage 1 has identity shortcuts");
  const rm = named["stem.bn.runningMean"];
  const before = Array.from(rm.dataSync());
  const hEval = tf.tidy(() => enc.apply(x, { training: false }).h);
  assertEquals(Array.from(rm.dataSync()), before);
  const hTrain = tf.tidy(() => enc.apply(x, { training: true }).h);
  assertNotEquals(Array.from(rm.dataSync()), before);
  assert(maxAbsDiff(hEval.dataSync(), hTrain.dataSync()) > 1e-4);
  tf.dispose([x, hEval, hTrain]);
  enc.dispose();
});

Deno.test("ResNet: same seed gives identical outputs; different seeds differ", () => {
  const x = randomImages(5, [2, 8, 8, 3]);
  const out = (seed: number) => {
    const enc = resnet(new Rng(seed), { depth: 10, width: 4 });
    const h = tf.tidy(() => enc.apply(x, { training: false }).h);
    const d = Array.from(h.dataSync());
    h.dispose();
    enc.dispose();
    return d;
  };
  assertEquals(out(7), out(7));
  assertNotEquals(out(7), out(8));
  x.dispose();
});

Deno.test("ResNet rejects bad input and bad configuration with one-line errors", () => {
  const enc = resnet(new Rng(0), { depth: 10, width: 2 });
  assertThrows(
    () => enc.apply(tf.zeros([1, 8, 8, 1]) as tf.Tensor4D, { training: false }),
    Error,
    "3 channels",
  );
  assertThrows(() => resnet(new Rng(0), { blocks: [2, 0] }), Error, "unsupported depth");
  assertThrows(() => resnet(new Rng(0), { width: 1.5 }), Error, "width must be");
  enc.dispose();
});
