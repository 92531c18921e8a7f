import { assert, assertEquals } from "@std/assert";
import { trainingStudy } from "../../../lib/experiments/pcae/study.ts";
import { tiny } from "./_helpers.ts";

Deno.test("trainingStudy: timings, runs, fine-tunes and the equal-time pair of every seed, from one call", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  try {
    const ctx = { cfg, data, cache: { dir, fresh: false }, log: null };
    const { timings, runs, ft, eq } = await trainingStudy(ctx);
    assertEquals(timings.map((t) => t.seed), ft.seeds);
    assert(timings.every((t) => t.mae > 0 && t.pcae > 0 && t.train.mae > 0 && t.train.pcae > 0));
    assertEquals(runs.mae.length, cfg.seeds);
    assertEquals(ft.pcae.length, cfg.seeds);
    // whichever method trained longer, the other arm is the base fine-tune itself
    assert(eq.mae === ft.mae || eq.pcae === ft.pcae, "one arm reuses the base runs");
    assertEquals(eq.mae.length, cfg.seeds);
    assertEquals(eq.pcae.length, cfg.seeds);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
