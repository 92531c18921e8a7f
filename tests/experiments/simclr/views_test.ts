import { assert, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { Rng } from "../../../lib/rng.ts";
import { randomResizedCrop } from "../../../lib/augment/crop.ts";
import { makeSingleView, makeViews, viewBlurKernelSize } from "../../../lib/experiments/simclr/views.ts";
import { backend } from "./_helpers.ts";

const images = () => tf.randomUniform([4, 32, 32, 3], 0, 1, "float32", 7) as tf.Tensor4D;
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

Deno.test("makeViews (Figure 5): branch 2 is the shared crop unchanged, branch 1 is transformed", async () => {
  await backend();
  const x = images();
  const [v1, v2] = makeViews(x, new Rng(3), { kind: "pair", tested: ["color"] }, 16, [0.2, 1]);
  const crop = randomResizedCrop(x, new Rng(3), { size: 16, scale: [0.2, 1] }); // the same first draws
  assertEquals(v2.shape, [4, 16, 16, 3]);
  assertEquals(maxDiff(v2, crop), 0);
  assert(maxDiff(v1, v2) > 0.01, "colour distortion must change branch 1");
  tf.dispose([x, v1, v2, crop]);
});

Deno.test("makeViews (Figure 5): the crop-only cell re-crops branch 1 from the shared crop", async () => {
  await backend();
  const x = images();
  const [v1, v2] = makeViews(x, new Rng(5), { kind: "pair", tested: ["crop"] }, 16);
  assertEquals(v1.shape, v2.shape);
  assert(maxDiff(v1, v2) > 0.01);
  assertThrows(() => makeViews(x, new Rng(5), { kind: "pair", tested: [] }, 16), Error, "one or two");
  tf.dispose([x, v1, v2]);
});

Deno.test("makeViews: deterministic by seed, different across seeds; SimCLR views differ from each other", async () => {
  await backend();
  const x = images();
  const aug = { kind: "simclr" as const, strength: 1, blur: true };
  const [a1, a2] = makeViews(x, new Rng(9), aug, 16);
  const [b1, b2] = makeViews(x, new Rng(9), aug, 16);
  const [c1] = makeViews(x, new Rng(10), aug, 16);
  assertEquals(maxDiff(a1, b1), 0);
  assertEquals(maxDiff(a2, b2), 0);
  assert(maxDiff(a1, c1) > 0.01);
  assert(maxDiff(a1, a2) > 0.01);
  const s = makeSingleView(x, new Rng(1), aug, 16);
  assertEquals(s.shape, [4, 16, 16, 3]);
  tf.dispose([x, a1, a2, b1, b2, c1, s]);
});

Deno.test("makeViews: every tested transform changes branch 1 at the 16-px view size (blur included)", async () => {
  await backend();
  assertEquals([viewBlurKernelSize(16), viewBlurKernelSize(32), viewBlurKernelSize(224)], [3, 3, 23]);
  const x = images();
  for (const t of ["crop", "cutout", "color", "sobel", "noise", "blur", "rotate"] as const) {
    for (const other of ["color", "blur"] as const) {
      const tested = t === other ? [t] : [other, t];
      const [v1, v2] = makeViews(x, new Rng(11), { kind: "pair", tested }, 16, [0.2, 1]);
      assert(maxDiff(v1, v2) > 1e-3, `${tested.join("+")} must change branch 1`);
      tf.dispose([v1, v2]);
    }
  }
  // the last transform of a composition must act too (blur after colour was a silent no-op at 16 px)
  const [a] = makeViews(x, new Rng(11), { kind: "pair", tested: ["color"] }, 16);
  const [b] = makeViews(x, new Rng(11), { kind: "pair", tested: ["color", "blur"] }, 16);
  assert(maxDiff(a, b) > 1e-3, "color+blur must differ from color");
  tf.dispose([x, a, b]);
});
