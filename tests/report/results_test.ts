import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { makeClaim, type Results, validateResults, writeResults } from "../../lib/report/results.ts";
import { verdictGreater } from "../../lib/report/verdict.ts";
import { meanCI } from "../../lib/stats/confidence.ts";

function sample(): Results {
  const ours = meanCI([0.8, 0.82, 0.81]);
  return {
    paper: "demo",
    profile: "smoke",
    backend: "cpu",
    device: "pure JS",
    versions: {},
    seeds: [0, 1, 2],
    commit: "abc",
    dirty: false,
    startedAt: "2024-01-01T00:00:00.000Z",
    wallSeconds: 1.5,
    claims: [makeClaim({ id: "c1", claim: "ours > 0.5", paper: 0.9, ours }, verdictGreater(ours, 0.5))],
    metrics: { single: meanCI([1]) },
  };
}

Deno.test("makeClaim copies verdict and rule from the judgement", () => {
  const c = sample().claims[0];
  assertEquals(c.verdict, "reproduced");
  assertStringIncludes(c.rule, "lies entirely above");
});

Deno.test("validateResults finds missing fields, bad verdicts and duplicate ids", () => {
  assertEquals(validateResults(sample()), []);
  const r = sample() as unknown as Record<string, unknown>;
  const claims = r.claims as Record<string, unknown>[];
  claims.push({ ...claims[0] });
  claims[0].verdict = "probably";
  delete r.commit;
  const errors = validateResults(r);
  assertEquals(errors.length, 3, errors.join("; "));
});

Deno.test("writeResults writes valid JSON (NaN → null) and refuses invalid results", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await writeResults(dir, sample());
    const back = JSON.parse(await Deno.readTextFile(path));
    assertEquals(back.metrics.single.ci95, [null, null]);
    assertEquals(validateResults(back), []);
    // an undefined estimate (e.g. Spearman ρ of all-tie rankings) survives the round trip
    const undef = sample();
    undef.claims[0].ours = { mean: NaN, ci95: [NaN, NaN], n: 0 };
    const back2 = JSON.parse(await Deno.readTextFile(await writeResults(dir, undef)));
    assertEquals(back2.claims[0].ours.mean, null);
    assertEquals(validateResults(back2), []);
    await writeResults(dir, sample());
    const bad = sample();
    bad.claims[0].id = "";
    await assertRejects(() => writeResults(dir, bad), Error, "results for demo: claim 1: id");
    assertEquals(JSON.parse(await Deno.readTextFile(path)).claims[0].id, "c1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
