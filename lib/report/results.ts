/**
 * The per-paper results file `figures/<paper>/results.json`: claims with verdicts, metrics and provenance.
 *
 * @module
 */
import { writeJsonAtomic } from "./atomic.ts";
import type { Estimate } from "../stats/confidence.ts";
import { type Judgement, type Verdict, VERDICTS } from "./verdict.ts";

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
  verdict: Verdict;
  /** The rule that turned `ours` into `verdict`. */
  rule: string;
}

/** Where and how the numbers were produced. */
export interface Provenance {
  paper: string;
  profile: string;
  backend: string;
  device: string;
  versions: Record<string, string>;
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
  wallSeconds: number;
  claims: Claim[];
  metrics: Record<string, unknown>;
}

/** Build a claim; the verdict and rule come from a rule helper of `verdict.ts`. */
export function makeClaim(
  def: { id: string; claim: string; paper: number | string | null; ours: Estimate },
  judgement: Judgement,
): Claim {
  return { ...def, verdict: judgement.verdict, rule: judgement.rule };
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
    const ours = c?.ours as Estimate | undefined;
    if (!ours || typeof ours.mean !== "number" || typeof ours.n !== "number") {
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
