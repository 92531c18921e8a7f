import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import {
  lambdaClaims,
  loadPirlPapers,
  methodClaims,
  pairedDiff,
  withinRuns,
} from "../../../lib/experiments/pirl/claims.ts";
import { type PirlStudy, summarize } from "../../../lib/experiments/pirl/experiments.ts";
import { fakeRun } from "./_helpers.ts";

const seeds = [0, 1, 2];

function study(pirlLast: number, jigsawDistance: number): PirlStudy {
  const cfgOf = (name: string, make: (s: number) => ReturnType<typeof fakeRun>) =>
    summarize(name, seeds.map(make));
  return {
    methods: [
      cfgOf("random init", (s) => fakeRun("random", s, [0.3, 0.35, 0.4 + 0.01 * s])),
      cfgOf("supervised", (s) => fakeRun("supervised", s, [0.4, 0.5, 0.7])),
      cfgOf("Jigsaw", (s) => fakeRun("jigsaw", s, [0.3, 0.5 + 0.01 * s, 0.45], [jigsawDistance])),
      cfgOf("NPID++", (s) => fakeRun("pirl", s, [0.3, 0.4, 0.5 + 0.01 * s], [0.5], 0)),
      cfgOf("PIRL", (s) => fakeRun("pirl", s, [0.3, 0.45, pirlLast + 0.02 * s], [0.3 + 0.01 * s])),
    ],
    lambdas: [],
    pixels: cfgOf("raw pixels", (s) => fakeRun("pixels", s, [0.25 + 0.01 * s])),
  };
}

Deno.test("pairedDiff / withinRuns: per-seed differences over common seeds", () => {
  const a = seeds.map((s) => fakeRun("pirl", s, [0.5 + 0.1 * s]));
  const b = [0, 1].map((s) => fakeRun("jigsaw", s, [0.4]));
  const d = pairedDiff(a, b, (r) => r.eval.stages[0].accuracy.mean);
  assertEquals(d.n, 2);
  assertAlmostEquals(d.mean, 15, 1e-9); // (10 + 20) / 2 pp
  const w = withinRuns(a, (r) => r.eval.stages[0].accuracy.mean - 0.5);
  assertAlmostEquals(w.mean, 10, 1e-9);
});

Deno.test("methodClaims: paper values from the CSVs; verdicts follow the measurements", async () => {
  const papers = await loadPirlPapers();
  const good = methodClaims(study(0.7, 0.8), papers);
  const byId = Object.fromEntries(good.map((c) => [c.id, c]));
  assertEquals(byId["t2-pirl-beats-jigsaw"].paper, 17.9); // 63.6 − 45.7
  assertEquals(byId["t2-pirl-beats-npid"].paper, 4.6); // 63.6 − 59.0
  assertEquals(byId["t7-jigsaw-drops-at-last-stage"].paper, 11.5); // 45.7 − 34.2
  assertEquals(byId["t7-pirl-rises-to-last-stage"].paper, 7); // 63.6 − 56.6
  for (const c of good) assertEquals(c.verdict, "reproduced", c.id);
  // PIRL far below Jigsaw and less invariant: the comparison claims flip
  const bad = Object.fromEntries(methodClaims(study(0.2, 0.1), papers).map((c) => [c.id, c]));
  assertEquals(bad["t2-pirl-beats-jigsaw"].verdict, "not-reproduced");
  assertEquals(bad["t7-pirl-rises-to-last-stage"].verdict, "not-reproduced");
  assertEquals(bad["fig3-pirl-more-invariant"].verdict, "not-reproduced");
  assert(bad["t2-pirl-beats-jigsaw"].rule.includes("95% CI"));
});

Deno.test("lambdaClaims: the base λ against the best other λ; none without an ablation", () => {
  const at = (lambda: number, acc: number) => ({
    lambda,
    result: summarize(`λ=${lambda}`, seeds.map((s) => fakeRun("pirl", s, [acc + 0.01 * s], [0.5], lambda))),
  });
  const s = study(0.7, 0.8);
  assertEquals(lambdaClaims(s, 0.5), []);
  const claims = lambdaClaims({ ...s, lambdas: [at(0, 0.5), at(0.5, 0.6), at(1, 0.55)] }, 0.5);
  assertEquals(claims.length, 1);
  assert(claims[0].claim.includes("(1)"), claims[0].claim);
  assertAlmostEquals(claims[0].ours.mean, 5, 1e-9);
  assertEquals(claims[0].verdict, "reproduced");
});
