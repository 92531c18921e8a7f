import { assert, assertEquals } from "@std/assert";
import { pcaeConfig } from "../../../lib/experiments/pcae/config.ts";
import {
  blockMacs,
  decoderMacs,
  inferenceMacs,
  numPatches,
  stepMacs,
  tokensPerBlock,
} from "../../../lib/experiments/pcae/flops.ts";

Deno.test("blockMacs: qkv + q·kᵀ + attn·v + proj + MLP counted by hand", () => {
  const t = 5, d = 8, r = 4;
  const byHand = t * d * 3 * d + t * t * d + t * t * d + t * d * d + t * d * r * d + t * r * d * d;
  assertEquals(blockMacs(t, d, r), byHand);
});

Deno.test("tokensPerBlock: halving before blocks 1, 2, 3 takes 27 masked tokens to 14, 7, 4 (+ CLS)", () => {
  assertEquals(tokensPerBlock(27, 4, 0.5, [1, 2, 3]), [28, 15, 8, 5]);
  assertEquals(tokensPerBlock(36, 4, 0, [1, 2, 3]), [37, 37, 37, 37]);
  assertEquals(tokensPerBlock(10, 2, 0.5, [1], false), [10, 5]);
});

Deno.test("stepMacs: MAE = 3×(student + decoder on all tokens); PCAE adds a forward-only teacher", () => {
  const cfg = pcaeConfig("cpu");
  const n = numPatches(cfg);
  assertEquals(n, 36);
  const mae = stepMacs(cfg, "mae", 0.75), pcae = stepMacs(cfg, "pcae", 0.75);
  assertEquals(mae.student, pcae.student);
  assertEquals(mae.decoder, 3 * decoderMacs(cfg, 9, 27, 48));
  assertEquals(pcae.decoder, 3 * decoderMacs(cfg, 9, 4, 64));
  assertEquals(mae.teacher, 0);
  assert(pcae.teacher > 0 && pcae.total === pcae.student + pcae.decoder + pcae.teacher);
});

Deno.test("inferenceMacs: falls strictly as the drop ratio rises", () => {
  const cfg = pcaeConfig("cpu");
  const m = cfg.dropRatios.map((r) => inferenceMacs(cfg, r));
  for (let i = 1; i < m.length; i++) assert(m[i] < m[i - 1]);
});
