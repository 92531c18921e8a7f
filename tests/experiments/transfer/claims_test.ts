import { assert, assertEquals } from "@std/assert";
import {
  colourArmsOf,
  colourClaims,
  crossDomainClaims,
  finetuneSanityClaim,
  learnedZoo,
  modelChoiceNote,
  noSingleBestClaim,
  POOLED_SETTINGS,
  predictorClaims,
  publishedClaims,
  STRONG_CORRELATION,
  supervisedClaims,
  weakCorrelationClaims,
  zooArms,
  zooClaims,
} from "../../../lib/experiments/transfer/claims.ts";
import { loadEricssonTables, setting } from "../../../lib/experiments/transfer/published.ts";
import { transferConfig } from "../../../lib/experiments/transfer/config.ts";
import type { ProtocolCorrelation } from "../../../lib/experiments/transfer/study.ts";
import { validateResults } from "../../../lib/report/results.ts";
import type { Estimate } from "../../../lib/stats/confidence.ts";

const opts = { resamples: 300 };

/** The verdict a "greater than" (or, with `below`, "less than") rule must give for a CI against a threshold. */
function expectedVerdict(ci: [number, number], threshold: number, below = false): string {
  const [lo, hi] = below ? [-ci[1], -ci[0]] : ci, t = below ? -threshold : threshold;
  return lo > t ? "reproduced" : hi < t ? "not-reproduced" : "inconclusive";
}

Deno.test("predictorClaims: one per natural-image setting, the verdict follows the CI vs the threshold", async () => {
  const t = await loadEricssonTables();
  const cs = predictorClaims(t, opts);
  assertEquals(cs.map((c) => c.id), [
    "a-imagenet-predicts-many-shot-linear",
    "a-imagenet-predicts-many-shot-finetune",
    "a-imagenet-predicts-few-shot-5",
    "a-imagenet-predicts-few-shot-20",
    "a-imagenet-predicts-few-shot-50",
  ]);
  for (const c of cs) {
    assertEquals([c.verdict, c.ours.n], [expectedVerdict(c.ours.ci95, STRONG_CORRELATION), 13], c.id);
  }
});

Deno.test("crossDomainClaims, supervisedClaims, noSingleBestClaim: ids, counts and rules", async () => {
  const t = await loadEricssonTables();
  const cd = crossDomainClaims(t, opts);
  assertEquals(cd.map((c) => c.id), [
    "a-weaker-cross-domain-5shot",
    "a-weaker-cross-domain-20shot",
    "a-weaker-cross-domain-50shot",
    "a-weaker-chestx",
    "a-weaker-isic",
  ]);
  const sup = supervisedClaims(t, opts);
  // 40 pooled datasets: 11 + 11 + 10 + 4 + 1 + 1 + 1 + 1
  assertEquals(POOLED_SETTINGS.map(setting).length, 8);
  assertEquals(sup[0].ours.n, 40);
  assertEquals(sup[1].ours.n, 22);
  assert(sup.every((c) => c.ours.mean >= 0 && c.ours.mean <= 1));
  const one = noSingleBestClaim(t, opts);
  assert(one.ours.mean < 1 && one.ours.n === 40);
  const all = publishedClaims(t, opts);
  assertEquals(all.length, 5 + cd.length + 4 + sup.length + 1);
  assertEquals(validateResults({ ...fakeProvenance, claims: all }), []);
});

const fakeProvenance = {
  paper: "transfer",
  profile: "smoke",
  backend: "cpu",
  device: "cpu",
  versions: {},
  seeds: [0],
  commit: "x",
  dirty: false,
  startedAt: "now",
  wallSeconds: 0,
  metrics: {},
};

Deno.test("zooClaims: two claims per protocol, verdicts from the near ρ and the near − far gap", () => {
  const e = (mean: number, lo: number, hi: number): Estimate => ({ mean, ci95: [lo, hi], n: 10 });
  const corr = (rho: Estimate) => ({ pearson: rho, spearman: rho });
  const rows: ProtocolCorrelation[] = [
    {
      protocol: "linear",
      near: corr(e(0.9, 0.7, 1)),
      far: corr(e(0.2, -0.3, 0.6)),
      spearmanGap: e(0.7, 0.2, 1.2),
      pearsonGap: e(0.7, 0.2, 1.2),
    },
    {
      protocol: "finetune",
      near: corr(e(0.3, -0.2, 0.8)),
      far: corr(e(0.8, 0.6, 0.95)),
      spearmanGap: e(-0.5, -0.9, -0.1),
      pearsonGap: e(-0.5, -0.9, -0.1),
    },
  ];
  const c = zooClaims(rows, 10);
  assertEquals(c.map((x) => [x.id, x.verdict]), [
    ["b-upstream-predicts-near-linear", "reproduced"],
    ["b-near-beats-far-linear", "reproduced"],
    ["b-upstream-predicts-near-finetune", "inconclusive"],
    ["b-near-beats-far-finetune", "not-reproduced"],
  ]);
});

Deno.test("zooClaims: an undefined correlation (NaN) makes no claim", () => {
  const nan: Estimate = { mean: NaN, ci95: [NaN, NaN], n: 4 };
  const ok: Estimate = { mean: 0.6, ci95: [0.1, 0.9], n: 4 };
  const c = zooClaims([{
    protocol: "linear",
    near: { pearson: nan, spearman: nan },
    far: { pearson: ok, spearman: ok },
    spearmanGap: nan,
    pearsonGap: nan,
  }, {
    protocol: "finetune",
    near: { pearson: ok, spearman: ok },
    far: { pearson: ok, spearman: ok },
    spearmanGap: ok,
    pearsonGap: ok,
  }], 4);
  assertEquals(c.map((x) => x.id), ["b-upstream-predicts-near-finetune", "b-near-beats-far-finetune"]);
});

Deno.test("zooArms gates the Part-B claims on every trained model beating random init", () => {
  const up = (m: number) => ({ mean: m, ci95: [m, m] as [number, number], n: 100 });
  const runs = (accs: number[]) =>
    accs.map((a, seed) => ({ model: "", seed, upstream: up(a), tasks: [], trainSeconds: 0 }));
  const zoo = [
    { model: "random init", runs: runs([0.4, 0.42, 0.41]) },
    { model: "SimCLR", runs: runs([0.6, 0.63, 0.61]) },
    { model: "SimCLR crop only", runs: runs([0.39, 0.43, 0.41]) }, // no better than random init
  ];
  const gate = zooArms(zoo);
  assertEquals(gate.arms, ["SimCLR", "SimCLR crop only"]);
  assertEquals([gate.records.SimCLR.learned, gate.records["SimCLR crop only"].learned], [true, false]);
  const e = (mean: number, lo: number, hi: number): Estimate => ({ mean, ci95: [lo, hi], n: 3 });
  const rows: ProtocolCorrelation[] = [{
    protocol: "linear",
    near: { pearson: e(0.9, 0.7, 1), spearman: e(0.9, 0.7, 1) },
    far: { pearson: e(0.2, -0.3, 0.6), spearman: e(0.2, -0.3, 0.6) },
    spearmanGap: e(0.7, 0.2, 1.2),
    pearsonGap: e(0.7, 0.2, 1.2),
  }];
  const c = zooClaims(rows, 3, gate);
  assertEquals(c.map((x) => [x.kind, x.verdict]), [["headline", "inconclusive"], [
    "headline",
    "inconclusive",
  ]]);
  assert(c[0].reason!.includes('arm "SimCLR crop only" has not learned'));
  assertEquals(zooClaims(rows, 3, zooArms(zoo.slice(0, 2))).map((x) => x.verdict), [
    "reproduced",
    "reproduced",
  ]);
});

Deno.test("colourClaims: SimCLR below both references on the colour probe, stronger colour keeps less", () => {
  const est = (m: number) => ({ mean: m, ci95: [m, m] as [number, number], n: 100 });
  const model = (name: string, upstream: number, colour: number[]) => ({
    model: name,
    runs: colour.map((c, seed) => ({
      model: name,
      seed,
      upstream: est(upstream + 0.01 * seed),
      trainSeconds: 0,
      tasks: [{
        task: "shapes-colour",
        domain: "attribute" as const,
        linear: est(c),
        fewShot: [],
        finetune: est(c),
      }],
    })),
  });
  const cfg = transferConfig("cpu");
  const arms = colourArmsOf(cfg)!;
  assertEquals(arms.simclr.map((a) => a.strength), [1 / 8, 1 / 4, 1 / 2, 1]);
  assertEquals(arms.simclr[2].model, "SimCLR", "the base run is the 1/2 arm");
  assert(arms.simclr.every((a) => cfg.zoo.some((m) => m.name === a.model)));
  assertEquals(colourArmsOf(transferConfig("smoke")), null);
  const zoo = [
    model("random init", 0.5, [0.9, 0.92, 0.91]),
    model("supervised", 0.95, [0.8, 0.82, 0.81]),
    model("SimCLR colour 0.125", 0.8, [0.7, 0.71, 0.72]),
    model("SimCLR colour 0.25", 0.8, [0.6, 0.61, 0.62]),
    model("SimCLR", 0.8, [0.5, 0.51, 0.52]),
    model("SimCLR colour 1", 0.8, [0.3, 0.31, 0.32]),
  ];
  const claims = colourClaims(zoo, arms, zooArms(zoo));
  assertEquals(claims.map((c) => [c.id, c.verdict]), [
    ["b-colour-ssl-below-random-init", "reproduced"],
    ["b-colour-ssl-below-supervised", "reproduced"],
    ["b-colour-stronger-keeps-less", "reproduced"],
  ]);
  assertEquals(claims[0].ours.mean, -40);
  // every compared model at the colour probe's ceiling: nothing can be ranked
  const top = zoo.map((m) => model(m.model, 0.8, [0.99, 0.991, 0.992]));
  assertEquals(colourClaims(top, arms, zooArms(top)).map((c) => c.verdict), [
    "inconclusive",
    "inconclusive",
    "inconclusive",
  ]);
  // colour rising with strength: the ranking claim is not reproduced
  const rising = zoo.map((m, i) =>
    i < 2 ? m : model(m.model, 0.8, [0.3 + 0.1 * i, 0.31 + 0.1 * i, 0.32 + 0.1 * i])
  );
  assertEquals(colourClaims(rising, arms, zooArms(rising))[2].verdict, "not-reproduced");
});

Deno.test("weakCorrelationClaims: r below the strong threshold for detection-finetune and dense, frozen > finetuned", async () => {
  const t = await loadEricssonTables();
  const cs = weakCorrelationClaims(t, opts);
  assertEquals(cs.map((c) => c.id), [
    "a-weak-detection-finetune",
    "a-weak-normals",
    "a-weak-segmentation",
    "a-frozen-detection-stronger",
  ]);
  for (const c of cs.slice(0, 3)) {
    assertEquals([c.verdict, c.ours.n], [expectedVerdict(c.ours.ci95, STRONG_CORRELATION, true), 13], c.id);
  }
  assertEquals(cs[3].verdict, expectedVerdict(cs[3].ours.ci95, 0));
});

Deno.test("modelChoiceNote: empty when 13 and 14 models agree, both verdicts when they differ", async () => {
  const t = await loadEricssonTables();
  const e = { mean: 0.4, ci95: [0.1, 0.7] as [number, number], n: 14 };
  assertEquals(modelChoiceNote(() => ({ verdict: "reproduced", estimate: e }), t), "");
  const flip = modelChoiceNote(
    (ms) => ({ verdict: ms.length === 14 ? "inconclusive" : "reproduced", estimate: e }),
    t,
  );
  assertEquals(flip, " [with the supervised model too (14 models): inconclusive, 0.40 [0.10, 0.70]]");
});

Deno.test("finetuneSanityClaim: the worst trained encoder's near-task fine-tune vs random init, within 2 pp", () => {
  const est = (m: number) => ({ mean: m, ci95: [m, m] as [number, number], n: 100 });
  const model = (name: string, ft: number[]) => ({
    model: name,
    runs: ft.map((f, seed) => ({
      model: name,
      seed,
      upstream: est(0.5),
      trainSeconds: 0,
      tasks: [
        { task: "near-a", domain: "near" as const, linear: est(0.5), fewShot: [], finetune: est(f) },
        { task: "far-a", domain: "far" as const, linear: est(0.5), fewShot: [], finetune: est(0) },
      ],
    })),
  });
  const ok = finetuneSanityClaim([
    model("random init", [0.8, 0.81, 0.82]),
    model("A", [0.9, 0.91, 0.92]),
    model("B", [0.79, 0.8, 0.815]),
  ]);
  assertEquals([ok!.kind, ok!.verdict], ["sanity", "reproduced"]);
  assert(ok!.claim.includes("worst: B"), ok!.claim);
  const bad = finetuneSanityClaim([model("random init", [0.8, 0.81, 0.82]), model("A", [0.5, 0.52, 0.51])]);
  assertEquals(bad!.verdict, "not-reproduced");
  assertEquals(finetuneSanityClaim([model("A", [0.5])]), null);
});

Deno.test("learnedZoo: keeps random init and the models that passed the gate, names the others", () => {
  const up = (m: number) => ({ mean: m, ci95: [m, m] as [number, number], n: 100 });
  const runs = (accs: number[]) =>
    accs.map((a, seed) => ({ model: "", seed, upstream: up(a), tasks: [], trainSeconds: 0 }));
  const zoo = [
    { model: "random init", runs: runs([0.4, 0.42, 0.41]) },
    { model: "SimCLR", runs: runs([0.6, 0.63, 0.61]) },
    { model: "SimCLR short", runs: runs([0.39, 0.43, 0.41]) },
  ];
  const l = learnedZoo(zoo, zooArms(zoo), "random init", 2);
  assertEquals(l.models.map((m) => m.model), ["random init", "SimCLR"]);
  assertEquals(l.excluded, ["SimCLR short"]);
  assertEquals(l.gate.arms, ["SimCLR"]);
  // with too few learned models nothing is left out, and every arm stays gated
  const all = learnedZoo(zoo, zooArms(zoo), "random init", 3);
  assertEquals(all.models.length, 2 + 1);
  assertEquals(all.gate.arms, ["SimCLR", "SimCLR short"]);
});
