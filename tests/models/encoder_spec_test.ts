import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { buildEncoder, type EncoderSpec } from "../../lib/models/encoder_spec.ts";

const backend = () => tf.setBackend("cpu");

const BN_SPEC: EncoderSpec = {
  kind: "cnn3",
  widths: [4, 6, 8],
  init: "he-fan-in",
  centerInput: true,
  batchNorm: true,
};

function images(seed: number, n = 6, size = 16): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * size * size * 3 }, () => r.uniform(0, 1)), [
    n,
    size,
    size,
    3,
  ]);
}

Deno.test("cnn3 with batch norm: shapes, running statistics, eval mode, variable names", async () => {
  await backend();
  const enc = buildEncoder(BN_SPEC, new Rng(0));
  assertEquals(enc.outDim, 8);
  assert(enc.name.startsWith("cnn3bn"));
  const names = Object.keys(enc.namedVariables()).sort();
  assertEquals(names.length, 3 + 3 * 4);
  assert(names.includes("bn2.runningMean") && names.includes("conv3.weight"));
  const x = images(1);
  const mean0 = Array.from(enc.namedVariables()["bn1.runningMean"].dataSync());
  const train = tf.tidy(() => enc.apply(x, { training: true }).h);
  assertEquals(train.shape, [6, 8]);
  assertNotEquals(Array.from(enc.namedVariables()["bn1.runningMean"].dataSync()), mean0);
  const ev1 = tf.tidy(() => enc.apply(x, { training: false }).h);
  const ev2 = tf.tidy(() => enc.apply(x, { training: false }).h);
  assertEquals(Array.from(ev1.dataSync()), Array.from(ev2.dataSync()), "eval mode is deterministic");
  tf.dispose([x, train, ev1, ev2]);
  enc.dispose();
});

Deno.test("buildEncoder: the plain cnn3 spec is unchanged by the optional fields' defaults", async () => {
  await backend();
  const x = images(3);
  const plain = buildEncoder({ kind: "cnn3", widths: [4, 6, 8] }, new Rng(5));
  const same = buildEncoder(
    { kind: "cnn3", widths: [4, 6, 8], centerInput: false, batchNorm: false },
    new Rng(5),
  );
  const centred = buildEncoder({ kind: "cnn3", widths: [4, 6, 8], centerInput: true }, new Rng(5));
  const h = (e: typeof plain) => tf.tidy(() => Array.from(e.apply(x, { training: false }).h.dataSync()));
  assertEquals(h(same), h(plain));
  assertNotEquals(h(centred), h(plain));
  x.dispose();
  [plain, same, centred].forEach((e) => e.dispose());
});

Deno.test("buildEncoder: a resnet spec builds the ResNet of that depth and width", async () => {
  await backend();
  const enc = buildEncoder({ kind: "resnet", depth: 10, width: 2 }, new Rng(0));
  assertEquals(enc.name, "resnet10-w2");
  const x = images(4, 2);
  const h = tf.tidy(() => enc.apply(x, { training: false }).h);
  assertEquals(h.shape, [2, enc.outDim]);
  tf.dispose([x, h]);
  enc.dispose();
});

Deno.test("cnn4: four stages, the last unpooled (an 8-px input keeps a 1×1 map), cnn3bn's first three", async () => {
  await backend();
  const spec: EncoderSpec = { kind: "cnn4", widths: [4, 6, 8, 10], init: "he-fan-in", centerInput: true };
  const enc = buildEncoder(spec, new Rng(0));
  assertEquals([enc.outDim, enc.name], [10, "cnn4bn-4-6-8-10"]);
  assertEquals(Object.keys(enc.namedVariables()).length, 4 + 4 * 4);
  const x = images(2, 3, 16), patch = images(3, 3, 8);
  const out = tf.tidy(() => enc.apply(x, { training: false }).stages.map((s) => s.shape));
  assertEquals(out, [[3, 8, 8, 4], [3, 4, 4, 6], [3, 2, 2, 8], [3, 2, 2, 10]]);
  // the first three stages are exactly cnn3bn's with the same seed (the fourth conv is drawn after them)
  const three = buildEncoder({ ...spec, kind: "cnn3", widths: [4, 6, 8], batchNorm: true }, new Rng(0));
  const s3 = (e: typeof enc) =>
    tf.tidy(() => Array.from(e.apply(x, { training: false }).stages[2].dataSync()));
  assertEquals(s3(enc), s3(three));
  const p = tf.tidy(() => enc.apply(patch, { training: true }).stages.at(-1)!.shape);
  assertEquals(p, [3, 1, 1, 10]);
  tf.dispose([x, patch]);
  enc.dispose();
  three.dispose();
});
