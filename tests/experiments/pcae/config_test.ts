import { assert, assertEquals } from "@std/assert";
import { baseRun, pcaeConfig, runLabel } from "../../../lib/experiments/pcae/config.ts";
import { loadPaperTable } from "../../../lib/papers.ts";

Deno.test("pcaeConfig: every profile is consistent (patches divide the image, heads the widths)", () => {
  for (const p of ["smoke", "cpu", "gpu"] as const) {
    const c = pcaeConfig(p);
    assertEquals(c.imageSize % c.encoder.patchSize, 0);
    assertEquals(c.encoder.dim % c.encoder.heads, 0);
    assertEquals(c.encoder.dim % 4, 0, "sin-cos embedding");
    assertEquals(c.decoder.dim % c.decoder.heads, 0);
    assert(c.teacher.dropBefore.every((b) => b >= 1 && b < c.encoder.depth));
    assertEquals(c.dropRatios[0], 0);
    assert(c.randomDropRatios.every((r) => c.dropRatios.includes(r)));
  }
  assertEquals(pcaeConfig("cpu", { seeds: 5 }).seeds, 5);
});

Deno.test("pcaeConfig: the compared drop ratios are rows of Table 5; base runs and labels", async () => {
  const table = await loadPaperTable("pcae2023", "drop_ratio.csv");
  const rows = table.rows.map((r) => r.drop_ratio);
  for (const p of ["smoke", "cpu", "gpu"] as const) {
    for (const r of pcaeConfig(p).dropRatios) assert(rows.includes(String(r)), `${p}: ${r}`);
  }
  const cfg = pcaeConfig("cpu");
  const run = baseRun(cfg, "pcae", 2, { steps: 7 });
  assertEquals(run, { method: "pcae", maskRatio: 0.75, steps: 7, seed: 2 });
  assertEquals(runLabel(run), "pcae · mask 0.75 · 7 steps · seed 2");
});
