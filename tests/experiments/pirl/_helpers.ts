/**
 * Shared fixtures of the PIRL experiment tests: the wasm backend, the smoke configuration with overrides and
 * its data, and synthetic run results for the pure summary and claim code.
 *
 * @module
 */
import { initBackend } from "../../../lib/backend/mod.ts";
import { type Method, type PirlConfig, pirlConfig } from "../../../lib/experiments/pirl/config.ts";
import { loadPirlData, type PirlRunResult } from "../../../lib/experiments/pirl/run.ts";
import type { PirlData } from "../../../lib/experiments/pirl/pretrain.ts";

/** The smoke configuration with the given overrides, and its data (wasm backend). */
export async function tiny(override: Partial<PirlConfig> = {}): Promise<{ cfg: PirlConfig; data: PirlData }> {
  await initBackend("wasm", { quiet: true });
  const cfg = { ...pirlConfig("smoke"), ...override };
  return { cfg, data: await loadPirlData(cfg) };
}

/** A synthetic run result: the given per-stage accuracies (fractions) and invariance distances. */
export function fakeRun(
  method: Method,
  seed: number,
  stages: number[],
  distances: number[] = [0.5],
  lambda = 0.5,
): PirlRunResult {
  return {
    run: { method, lambda, negatives: 16, lr: 1e-3, seed },
    label: `${method} ${seed}`,
    steps: 1,
    status: "done",
    trainSeconds: 0,
    z: null,
    lossCurve: [],
    eval: {
      stages: stages.map((a, s) => ({
        stage: s,
        dim: 4,
        accuracy: { mean: a, ci95: [a, a], n: 100 },
        bestL2: 1,
        valAccuracy: a,
      })),
      invariance: { encoder: distances, heads: null, headsOther: null },
      pretext: method === "jigsaw" ? { accuracy: 0.5, chance: 0.01, n: 100 } : null,
    },
  };
}
