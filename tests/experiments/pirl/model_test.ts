import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { makeRun } from "../../../lib/experiments/pirl/config.ts";
import {
  buildPirlModel,
  disposePirlModel,
  loadPirlWeights,
  PATCHES,
  patchFeatures,
  pirlModelVariables,
  pirlTrainableVariables,
} from "../../../lib/experiments/pirl/model.ts";
import { tiny } from "./_helpers.ts";

Deno.test("buildPirlModel: heads per method; every method of a seed starts from the same encoder", async () => {
  const { cfg } = await tiny();
  const heads = (m: ReturnType<typeof buildPirlModel>) => Object.keys(m.heads).sort();
  const pirl = buildPirlModel(cfg, makeRun(cfg, "pirl", 0), 8);
  const npid = buildPirlModel(cfg, makeRun(cfg, "pirl", 0, { lambda: 0 }), 8);
  const jig = buildPirlModel(cfg, makeRun(cfg, "jigsaw", 0), 8);
  const sup = buildPirlModel(cfg, makeRun(cfg, "supervised", 0), 8);
  const rnd = buildPirlModel(cfg, makeRun(cfg, "random", 0), 8);
  assertEquals([heads(pirl), heads(npid), heads(jig), heads(sup), heads(rnd)], [
    ["f", "g"],
    ["f"],
    ["jigsaw"],
    ["classifier"],
    [],
  ]);
  assertEquals(pirl.heads.g!.outDim, cfg.embedDim);
  assertEquals(jig.heads.jigsaw!.outDim, cfg.jigsaw.permutations);
  const w = async (m: typeof pirl) => Array.from(await pirlModelVariables(m)["encoder.conv1.weight"].data());
  assertEquals(await w(pirl), await w(jig));
  assertEquals(await w(pirl), await w(rnd));
  const other = buildPirlModel(cfg, makeRun(cfg, "pirl", 1), 8);
  assert(JSON.stringify(await w(other)) !== JSON.stringify(await w(pirl)));
  assertEquals(pirlTrainableVariables(rnd).length, rnd.encoder.trainableVariables().length);
  [pirl, npid, jig, sup, rnd, other].forEach(disposePirlModel);
});

Deno.test("patchFeatures: the encoder's h of each slot, concatenated in slot order", async () => {
  const { cfg } = await tiny();
  const m = buildPirlModel(cfg, makeRun(cfg, "pirl", 0), 8);
  const p = tf.randomUniform([2, PATCHES, 8, 8, 3], 0, 1, "float32", 5) as tf.Tensor5D;
  const eval_ = { training: false };
  const cat = patchFeatures(m.encoder, p, eval_);
  const d = m.encoder.outDim;
  assertEquals(cat.shape, [2, PATCHES * d]);
  const got = await cat.data();
  for (const [s, j] of [[0, 0], [1, 7]]) {
    const one = tf.slice(p, [s, j, 0, 0, 0], [1, 1, 8, 8, 3]).reshape([1, 8, 8, 3]) as tf.Tensor4D;
    const h = m.encoder.apply(one, eval_).h;
    const ref = await h.data();
    for (let k = 0; k < d; k++) assertAlmostEquals(got[s * PATCHES * d + j * d + k], ref[k], 1e-5);
    tf.dispose([one, h]);
  }
  tf.dispose([p, cat]);
  disposePirlModel(m);
});

Deno.test("loadPirlWeights: round trip by name; a missing variable is named", async () => {
  const { cfg } = await tiny();
  const a = buildPirlModel(cfg, makeRun(cfg, "pirl", 0), 8);
  const b = buildPirlModel(cfg, makeRun(cfg, "pirl", 3), 8);
  const saved = Object.fromEntries(Object.entries(pirlModelVariables(a)).map(([k, v]) => [k, tf.clone(v)]));
  loadPirlWeights(b, saved);
  for (const [k, v] of Object.entries(pirlModelVariables(b))) {
    assertEquals(await v.data(), await saved[k].data(), k);
  }
  const { ["f.fc0.weight"]: gone, ...rest } = saved;
  assert(gone !== undefined);
  assertThrows(() => loadPirlWeights(b, rest), Error, "f.fc0.weight");
  tf.dispose(Object.values(saved));
  disposePirlModel(a);
  disposePirlModel(b);
});
