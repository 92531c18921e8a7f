import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { pcaeConfig } from "../../../lib/experiments/pcae/config.ts";
import {
  buildModel,
  disposeModel,
  loadModelWeights,
  modelVariables,
  trainableVariables,
} from "../../../lib/experiments/pcae/model.ts";
import { useCpu } from "./_helpers.ts";

await useCpu();

Deno.test("buildModel: MAE predicts p²·3 pixels, PCAE the encoder width with a teacher equal to the student", async () => {
  const cfg = pcaeConfig("smoke");
  const mae = buildModel(cfg, "mae", 0), pcae = buildModel(cfg, "pcae", 0);
  assertEquals(mae.teacher, null);
  assertEquals(mae.decoder.opts.outDim, 4 * 4 * 3);
  assertEquals(pcae.decoder.opts.outDim, cfg.encoder.dim);
  const s = pcae.student.namedVariables(), t = pcae.teacher!.namedVariables();
  for (const k of Object.keys(s)) {
    assertEquals(Array.from(await t[k].data()), Array.from(await s[k].data()), k);
  }
  // the optimiser never sees the teacher
  const trained = new Set(trainableVariables(pcae));
  assert(Object.values(t).every((v) => !trained.has(v)));
  disposeModel(mae);
  disposeModel(pcae);
});

Deno.test("modelVariables / loadModelWeights: a stored model is restored exactly", async () => {
  const cfg = pcaeConfig("smoke");
  const a = buildModel(cfg, "pcae", 1), b = buildModel(cfg, "pcae", 2);
  const stored = Object.fromEntries(Object.entries(modelVariables(a)).map(([k, v]) => [k, tf.clone(v)]));
  loadModelWeights(b, stored);
  const vb = modelVariables(b);
  for (const [k, v] of Object.entries(stored)) {
    assertEquals(Array.from(await vb[k].data()), Array.from(await v.data()));
  }
  tf.dispose(Object.values(stored));
  disposeModel(a);
  disposeModel(b);
});
