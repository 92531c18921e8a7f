import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { armRecord, ceilingReason, seedsNeeded, untrainedArms } from "../../lib/report/gate.ts";
import { makeClaim, validateResults } from "../../lib/report/results.ts";
import { verdictGreater, verdictLess, verdictRankAgreement } from "../../lib/report/verdict.ts";
import { meanCI } from "../../lib/stats/confidence.ts";
import { Rng } from "../../lib/rng.ts";

Deno.test("armRecord: learned iff the paired gain over random init has a 95% CI above zero", () => {
  const learned = armRecord([0.61, 0.63, 0.6, 0.62, 0.64], [0.48, 0.5, 0.49, 0.5, 0.51]);
  assert(learned.learned);
  assertEquals(learned.vsRandomInit.n, 5);
  assert(Math.abs(learned.vsRandomInit.mean - 0.124) < 1e-9);
  // same means, but the gain is noise around zero
  assert(!armRecord([0.5, 0.52, 0.48], [0.5, 0.5, 0.5]).learned);
  // pairing matters: random init varies with the seed and the arm tracks it a little above
  const rand = [0.3, 0.5, 0.7, 0.4, 0.6];
  const paired = armRecord(rand.map((r) => r + 0.02), rand);
  assert(paired.learned, "a consistent paired gain is detected even when seeds vary a lot");
  // one seed: no CI, so not learned
  assert(!armRecord([0.9], [0.1]).learned);
  assertThrows(() => armRecord([1, 2], [1]), Error, "2 probe values but 1 random-init values");
});

Deno.test("untrainedArms names unlearned and missing arms", () => {
  const arms = {
    a: armRecord([0.7, 0.71, 0.72], [0.5, 0.5, 0.5]),
    b: armRecord([0.5, 0.5, 0.51], [0.5, 0.5, 0.5]),
  };
  assertEquals(untrainedArms(arms, ["a"]), []);
  const why = untrainedArms(arms, ["a", "b", "c"]);
  assertEquals(why.length, 2);
  assert(why[0].startsWith('arm "b" has not learned'));
  assertEquals(why[1], 'arm "c" has no gate record');
});

Deno.test("a claim whose arm is no better than random init is never reproduced or not reproduced", () => {
  const r = new Rng(7);
  const rng = () => r.next();
  for (let trial = 0; trial < 200; trial++) {
    const rand = Array.from({ length: 5 }, () => 0.4 + 0.1 * rng());
    // an arm at random init plus zero-mean noise: its gain CI covers zero (or lies below it)
    const noise = Array.from({ length: 5 }, () => 0.02 * (rng() - 0.5));
    const mean = noise.reduce((a, b) => a + b, 0) / 5;
    const arm = armRecord(rand.map((r, i) => r + noise[i] - mean), rand);
    assert(!arm.learned);
    const ours = meanCI(Array.from({ length: 5 }, () => (rng() - 0.5) * 2));
    for (const j of [verdictGreater(ours, 0), verdictLess(ours, 0), verdictGreater(ours, -10)]) {
      const c = makeClaim(
        { id: "c", claim: "A > B", paper: null, ours, kind: "headline", arms: ["a"] },
        j,
        { a: arm },
      );
      assertEquals(c.verdict, "inconclusive");
      assert(c.reason!.startsWith('arm "a" has not learned'), c.reason!);
    }
  }
});

Deno.test("makeClaim: learned arms keep the rule's verdict; reasons come from the numbers", () => {
  const gate = { a: armRecord([0.7, 0.71, 0.72], [0.5, 0.5, 0.5]) };
  const def = { id: "c", claim: "A > 0", paper: null, kind: "headline" as const, arms: ["a"] };
  const up = meanCI([1, 1.1, 1.2]);
  const yes = makeClaim({ ...def, ours: up }, verdictGreater(up, 0), gate);
  assertEquals([yes.verdict, yes.reason], ["reproduced", null]);
  const flat = meanCI([-0.1, 0.1, 0.05]);
  const maybe = makeClaim({ ...def, ours: flat }, verdictGreater(flat, 0), gate);
  assertEquals(maybe.verdict, "inconclusive");
  assert(/CIs overlap .* about \d+ seeds/.test(maybe.reason!), maybe.reason!);
  assertThrows(() => makeClaim({ ...def, ours: up }, verdictGreater(up, 0)), Error, "no gate records");
  assertEquals(
    validateResults({ claims: [{ ...yes, kind: "bogus" }] }).some((e) => e.includes("kind")),
    true,
  );
});

Deno.test("seedsNeeded: the smallest n whose t interval excludes zero at the observed mean and spread", () => {
  assertEquals(seedsNeeded([1]), null);
  assertEquals(seedsNeeded([0.1, -0.1]), null); // mean 0
  const d = [0.01, 0.03, -0.005, 0.02];
  const n = seedsNeeded(d)!;
  // n = 2 would need t(0.975, 1) = 12.7 times se < mean: far more seeds here
  assert(n > 4 && n < 100, String(n));
});

Deno.test("verdictRankAgreement: an undefined ρ (all ties) is inconclusive, never 0", () => {
  const j = verdictRankAgreement([[1, 1, 1], [2, 2, 2]], [3, 2, 1]);
  assertEquals(j.verdict, "inconclusive");
  assertEquals(j.reason, "ρ is undefined: every ranking is all ties");
  assertEquals(j.rho.n, 0);
  // a tied seed is left out, not counted as ρ = 0
  const k = verdictRankAgreement([[3, 2, 1], [1, 1, 1]], [3, 2, 1]);
  assertEquals([k.rho.mean, k.rho.n], [1, 1]);
});

Deno.test("a comparison of arms at the metric's ceiling is inconclusive with that reason", () => {
  const records = {
    a: armRecord([99.8, 99.9, 100], [40, 41, 42]),
    b: armRecord([99.9, 99.7, 100], [40, 41, 42]),
    c: armRecord([0.71, 0.72, 0.7], [0.5, 0.5, 0.5]),
  };
  assertEquals([records.a.max, records.c.max], [100, 1]);
  assertEquals(ceilingReason(records, ["c"]), null);
  assertStringIncludes(ceilingReason(records, ["a", "b"])!, "ceiling");
  const diff = meanCI([-0.1, 0.2, 0]);
  const claim = makeClaim(
    { id: "a-gt-b", claim: "a beats b", paper: null, ours: diff, kind: "headline", arms: ["a", "b"] },
    verdictGreater(diff, 0),
    records,
  );
  assertEquals(claim.verdict, "inconclusive");
  assertStringIncludes(claim.reason!, "the arms sit at the metric's ceiling (a 99.9, b 99.9 of 100)");
});
