/**
 * The per-paper results file `figures/<paper>/results.json`: claims with verdicts, metrics and provenance.
 *
 * @module
 */
import { writeJsonAtomic } from "./atomic.ts";
import type { Estimate } from "../stats/confidence.ts";
import { type Judgement, type Verdict, VERDICTS } from "./verdict.ts";
import { type ArmRecords, ceilingReason, untrainedArms } from "./gate.ts";

/**
 * `headline`: a claim the paper makes, counted as reproduced / not reproduced / inconclusive. `sanity`: a check
 * of the pipeline, or true by construction (analytic FLOPs, throughput rising when tokens are dropped): shown,
 * never counted as a reproduction.
 */
export type ClaimKind = "headline" | "sanity";
/** All claim kinds. */
export const CLAIM_KINDS: readonly ClaimKind[] = ["headline", "sanity"];

/** One claim of a paper, our measurement of it and the verdict. */
export interface Claim {
  /** Stable identifier, unique within the paper (e.g. "pirl-beats-jigsaw"). */
  id: string;
  /** The claim in words. */
  claim: string;
  /** What the paper reports (a number or a short phrase), or null. */
  paper: number | string | null;
  /** Our measurement. */
  ours: Estimate;
  /** The outcome, from the rule (or `inconclusive` when an arm it depends on has not learned). */
  verdict: Verdict;
  /** The rule that turned `ours` into `verdict`. */
  rule: string;
  /** Headline claim of the paper or sanity check (absent in results from before kinds existed). */
  kind?: ClaimKind;
  /** The trained arms the claim depends on (empty for re-analyses of published tables). */
  arms?: string[];
  /** Why the verdict is not `reproduced`, computed from the numbers; null when reproduced. */
  reason?: string | null;
}

/** Where and how the numbers were produced. */
export interface Provenance {
  /** Paper name (see `ExperimentParams.paper`). */
  paper: string;
  /** Run profile: "smoke", "cpu" or "gpu". */
  profile: string;
  /** tensorflow.js backend that computed the numbers (e.g. "wasm"). */
  backend: string;
  /** Human-readable device of that backend (e.g. "wasm SIMD, 1 thread"). */
  device: string;
  /** Library and runtime versions (tfjs, deno, backend packages). */
  versions: Record<string, string>;
  /** Seeds the notebook used. */
  seeds: number[];
  /** `git rev-parse HEAD`, or "unknown" outside a git checkout. */
  commit: string;
  /** Whether the code had uncommitted changes (outside figures/ and notebooks/, which reproduce rewrites). */
  dirty: boolean;
  /** ISO timestamp of `startExperiment`. */
  startedAt: string;
}

/** The content of results.json. */
export interface Results extends Provenance {
  /** Seconds from `startExperiment` to writing the file (rounded to ms). */
  wallSeconds: number;
  /** Every claim the notebook judged, with its verdict. */
  claims: Claim[];
  /** Free-form measurements the notebook publishes beside the claims (any JSON). */
  metrics: Record<string, unknown>;
  /** The training gate's record of every trained arm (see `gate.ts`). */
  arms?: ArmRecords;
}

/** What a notebook states about a claim; the verdict comes from a rule of `verdict.ts`. */
export interface ClaimDef {
  /** Stable identifier, unique within the paper (see {@link Claim.id}). */
  id: string;
  /** The claim in words. */
  claim: string;
  /** What the paper reports (a number or a short phrase), or null. */
  paper: number | string | null;
  /** Our measurement. */
  ours: Estimate;
  /** Headline claim or sanity check (see {@link ClaimKind}). */
  kind?: ClaimKind;
  /** Trained arms the comparison depends on; each must have a record in `gate`. */
  arms?: string[];
}

/**
 * Build a claim; the verdict and rule come from a rule helper of `verdict.ts`. When the claim names `arms`,
 * the training gate applies: if any of them has not learned (see `gate.ts`), the verdict is `inconclusive`
 * whatever the comparison said, and the reason names the arm.
 * @example
 * ```ts
 * import { makeClaim } from "./results.ts";
 * import { armRecord } from "./gate.ts";
 * import { verdictGreater } from "./verdict.ts";
 * import { meanCI } from "../stats/confidence.ts";
 * const gate = { pirl: armRecord([0.5, 0.51, 0.49], [0.5, 0.5, 0.5]) }; // no better than random init
 * const c = makeClaim(
 *   { id: "pirl-gt-jigsaw", claim: "PIRL > Jigsaw", paper: null, ours: meanCI([0.1, 0.12]), arms: ["pirl"] },
 *   verdictGreater(meanCI([0.1, 0.12]), 0),
 *   gate,
 * );
 * c.verdict; // "inconclusive": arm "pirl" has not learned
 * ```
 */
export function makeClaim(def: ClaimDef, judgement: Judgement, gate?: ArmRecords): Claim {
  const arms = def.arms ?? [];
  const claim: Claim = {
    ...def,
    verdict: judgement.verdict,
    rule: judgement.rule,
    reason: judgement.verdict === "reproduced"
      ? null
      : judgement.reason ?? "the rule's condition was not met",
  };
  if (arms.length) {
    if (!gate) {
      throw new Error(`claim ${def.id} names arms ${arms.join(", ")} but no gate records were given`);
    }
    const untrained = untrainedArms(gate, arms);
    if (untrained.length) {
      claim.verdict = "inconclusive";
      claim.reason = untrained.join("; ");
      claim.rule =
        `${judgement.rule}; gated: inconclusive unless every arm beats random init (paired 95% CI > 0)`;
    }
    const ceiling = claim.verdict !== "reproduced" && !untrained.length ? ceilingReason(gate, arms) : null;
    if (ceiling) claim.reason = ceiling;
  }
  return claim;
}

/** Problems with a results object (empty when valid). */
export function validateResults(r: unknown): string[] {
  const errors: string[] = [];
  if (typeof r !== "object" || r === null) return ["results is not an object"];
  const o = r as Record<string, unknown>;
  for (const k of ["paper", "profile", "backend", "device", "commit", "startedAt"]) {
    if (typeof o[k] !== "string") errors.push(`results.${k} must be a string`);
  }
  if (!Array.isArray(o.seeds)) errors.push("results.seeds must be a list");
  if (typeof o.wallSeconds !== "number") errors.push("results.wallSeconds must be a number");
  if (typeof o.metrics !== "object" || o.metrics === null) errors.push("results.metrics must be an object");
  if (o.arms !== undefined) {
    if (typeof o.arms !== "object" || o.arms === null) errors.push("results.arms must be an object");
    else {
      for (const [name, a] of Object.entries(o.arms as Record<string, Record<string, unknown>>)) {
        if (
          typeof a?.learned !== "boolean" || typeof a?.probe !== "object" ||
          typeof a?.vsRandomInit !== "object"
        ) {
          errors.push(`results.arms.${name} must be {probe, vsRandomInit, learned}`);
        }
      }
    }
  }
  if (!Array.isArray(o.claims)) return [...errors, "results.claims must be a list"];
  const ids = new Set<string>();
  o.claims.forEach((c: Record<string, unknown>, i: number) => {
    const where = `claim ${i + 1}${typeof c?.id === "string" && c.id ? ` (${c.id})` : ""}`;
    if (typeof c?.id !== "string" || !c.id) errors.push(`${where}: id must be a non-empty string`);
    else if (ids.has(c.id)) errors.push(`${where}: duplicate id`);
    else ids.add(c.id);
    if (typeof c?.claim !== "string") errors.push(`${where}: claim must be a string`);
    if (!VERDICTS.includes(c?.verdict as Verdict)) {
      errors.push(`${where}: verdict must be one of ${VERDICTS.join("|")}`);
    }
    if (typeof c?.rule !== "string" || !c.rule) errors.push(`${where}: rule must be a non-empty string`);
    if (c?.kind !== undefined && !CLAIM_KINDS.includes(c.kind as ClaimKind)) {
      errors.push(`${where}: kind must be one of ${CLAIM_KINDS.join("|")}`);
    }
    if (c?.arms !== undefined && !(Array.isArray(c.arms) && c.arms.every((a) => typeof a === "string"))) {
      errors.push(`${where}: arms must be a list of arm names`);
    }
    const ours = c?.ours as Estimate | undefined;
    // An undefined estimate (NaN) is written as null, JSON having no NaN; it reads back as such.
    if (!ours || (typeof ours.mean !== "number" && ours.mean !== null) || typeof ours.n !== "number") {
      errors.push(`${where}: ours must be {mean, ci95, n}`);
    }
  });
  return errors;
}

/** Validate and write `<dir>/results.json` atomically. Throws one line naming the first problem. */
export async function writeResults(dir: string, results: Results): Promise<string> {
  const errors = validateResults(results);
  if (errors.length) throw new Error(`results for ${results.paper}: ${errors[0]}`);
  const path = `${dir}/results.json`;
  await writeJsonAtomic(path, results); // NaN / Infinity become null, as JSON has no such numbers

  return path;
}
