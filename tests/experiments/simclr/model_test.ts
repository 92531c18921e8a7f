import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { Rng } from "../../../lib/rng.ts";
import { baseRun, type EncoderSpec, simclrConfig } from "../../../lib/experiments/simclr/config.ts";
import {
  buildModel,
  disposeModel,
  loadModelWeights,
  modelVariables,
} from "../../../lib/experiments/simclr/model.ts";
import { backend } from "./_helpers.ts";

const BN_SPEC: EncoderSpec = {
  kind: "cnn3",
  widths: [4, 6, 8],
  init: "he-fan-in",
  centerInput: true,
  batchNorm: true,
  headBatchNorm: true,
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

Deno.test("buildModel: BN encoder and BN head round-trip through modelVariables / loadModelWeights", async () => {
  await backend();
  const cfg = { ...simclrConfig("smoke"), encoder: BN_SPEC };
  const a = buildModel(cfg, baseRun(cfg, 0), 8), b = buildModel(cfg, baseRun(cfg, 1), 8);
  assert(Object.keys(modelVariables(a)).some((k) => k.startsWith("head.") && k.includes("runningVar")));
  const x = images(2);
  const out = (m: typeof a) =>
    tf.tidy(() =>
      Array.from(m.head.apply(m.encoder.apply(x, { training: false }).h, { training: false }).dataSync())
    );
  assertNotEquals(out(a), out(b));
  loadModelWeights(b, modelVariables(a));
  assertEquals(out(b), out(a));
  x.dispose();
  disposeModel(a);
  disposeModel(b);
});
