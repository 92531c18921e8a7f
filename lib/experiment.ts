/**
 * Experiment parameters and provenance for notebooks.
 *
 * `deno task reproduce` passes its options to the kernel as environment variables, so notebooks never need
 * editing; under plain Jupyter the same calls fall back to defaults (profile `cpu`, backend `auto`, the
 * profile's seeds, outputs written straight to `figures/<paper>/`).
 *
 * | variable         | meaning                                                  | default              |
 * | ---------------- | -------------------------------------------------------- | -------------------- |
 * | `SSL_PROFILE`    | `smoke` (seconds, CI) · `cpu` (minutes) · `gpu` (full)   | `cpu`                |
 * | `SSL_BACKEND`    | `auto` · `tensorflow` · `webgpu` · `wasm` · `cpu`        | `auto`               |
 * | `SSL_SEEDS`      | number of seeds N → seeds 0..N-1, at any profile          | the paper's count    |
 * | `SSL_FRESH`      | `1`: ignore cached artifacts from before this run         | off                  |
 * | `SSL_PAPER`      | paper the executor is running (must match the notebook)  | —                    |
 * | `SSL_OUT_DIR`    | where figures/results go (the executor's staging dir)     | see below            |
 *
 * Seeds are decided once, here: a notebook passes its paper's seeds per profile to {@link startExperiment}
 * (e.g. `PIRL_SEEDS`), `SSL_SEEDS` overrides them at any profile, and `exp.params.seeds` is what every run of
 * the notebook uses and what `results.json` records. The backend is started once here too.
 *
 * Without `SSL_OUT_DIR` (plain Jupyter) a `cpu` notebook writes to `figures/<paper>/` and any other profile to
 * the gitignored `out/<profile>/figures/<paper>/` ({@link outputRoots}), so only the cpu profile touches
 * checked-in results.
 *
 * @module
 */
import { type BackendInfo, type BackendRequest, initBackend, requestedBackend } from "./backend/mod.ts";
import { outputRoots, REPO_ROOT } from "./paths.ts";
import { type Claim, type Provenance, type Results, writeResults } from "./report/results.ts";
import type { ArmRecords } from "./report/gate.ts";
import type { FigureMeta, FigureOptions, VegaLiteSpec } from "./report/figure.ts";

/** Run sizes: how much compute a notebook may spend. */
export type Profile = "smoke" | "cpu" | "gpu";
/** All profiles. */
export const PROFILES: readonly Profile[] = ["smoke", "cpu", "gpu"];
/** The most seeds a run may ask for (`SSL_SEEDS`, `--seeds`): one limit, checked where the value enters. */
export const MAX_SEEDS = 1000;
/** Seeds per profile when `SSL_SEEDS` is not set. */
export const DEFAULT_SEED_COUNT: Record<Profile, number> = { smoke: 2, cpu: 5, gpu: 5 };

/** The parameters of one notebook run. */
export interface ExperimentParams {
  /** Run size, from `SSL_PROFILE` (default "cpu"). */
  profile: Profile;
  /** Requested tensorflow.js backend, from `SSL_BACKEND` (default "auto"). */
  backend: BackendRequest;
  /** Seeds to run: 0..N-1 with N from `SSL_SEEDS` or the profile's {@link DEFAULT_SEED_COUNT}. */
  seeds: number[];
  /** Ignore cached artifacts created before this run (`SSL_FRESH=1`). */
  fresh: boolean;
  /** Paper name (lower-case, `[a-z0-9_-]`): the argument, else `SSL_PAPER`, else "scratch". */
  paper: string;
  /** Directory for this paper's figures and results.json. */
  outDir: string;
}

const PAPER_RE = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Read the run parameters from the environment (see the module docs), with defaults for plain Jupyter.
 * @param paper the paper name; defaults to `SSL_PAPER`, else "scratch".
 * @param env the environment to read (default: the process environment).
 */
export function experimentParams(
  paper?: string,
  env: (k: string) => string | undefined = (k) => Deno.env.get(k),
  seedCounts: Readonly<Record<Profile, number>> = DEFAULT_SEED_COUNT,
): ExperimentParams {
  const rawProfile = env("SSL_PROFILE") || "cpu";
  if (!PROFILES.includes(rawProfile as Profile)) {
    throw new Error(`unknown profile "${rawProfile}": expected one of ${PROFILES.join(", ")}`);
  }
  const profile = rawProfile as Profile;
  const backendEnv = env("SSL_BACKEND");
  const backend = requestedBackend(backendEnv ? ["--backend", backendEnv] : ["--backend", "auto"]);
  const rawSeeds = env("SSL_SEEDS");
  const n = rawSeeds ? Number(rawSeeds) : seedCounts[profile];
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEEDS) {
    throw new Error(`SSL_SEEDS must be an integer in 1..${MAX_SEEDS}, got "${rawSeeds}"`);
  }
  const fresh = /^(1|true|yes)$/i.test(env("SSL_FRESH") ?? "");
  const envPaper = env("SSL_PAPER") || undefined;
  const name = paper ?? envPaper ?? "scratch";
  if (!PAPER_RE.test(name)) throw new Error(`paper name "${name}" must match ${PAPER_RE.source}`);
  if (paper && envPaper && paper !== envPaper) {
    throw new Error(
      `notebook declares paper "${paper}" but is being run as "${envPaper}" (name it NN_${paper}.ipynb)`,
    );
  }
  const outDir = env("SSL_OUT_DIR") || `${outputRoots(profile).figures}/${name}`;
  return { profile, backend, seeds: Array.from({ length: n }, (_, i) => i), fresh, paper: name, outDir };
}

/** Paths `deno task reproduce` itself rewrites (executed notebooks, figures): changes there are not "dirty". */
export const OUTPUT_PATHS: readonly string[] = ["figures", "notebooks", "out"];

/**
 * `git rev-parse HEAD` and whether the code has uncommitted changes (anything outside {@link OUTPUT_PATHS}, so that
 * the second notebook of one `deno task reproduce` run is not marked dirty by the first one's outputs);
 * "unknown" when git is unavailable.
 */
export async function gitState(cwd = REPO_ROOT): Promise<{ commit: string; dirty: boolean }> {
  const git = async (...args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "null" }).output();
    if (!out.success) throw new Error(`git ${args[0]} failed`);
    return new TextDecoder().decode(out.stdout).trim();
  };
  try {
    const commit = await git("rev-parse", "HEAD");
    const status = await git(
      "status",
      "--porcelain",
      "--",
      ".",
      ...OUTPUT_PATHS.map((p) => `:(exclude)${p}`),
    );
    return { commit, dirty: status.length > 0 };
  } catch {
    return { commit: "unknown", dirty: false };
  }
}

/** A started experiment: parameters, backend and provenance, and the way to publish results. */
export class Experiment {
  readonly #t0 = performance.now();
  /**
   * Usually made by `startExperiment`, which reads the parameters, starts the backend and records provenance.
   * The wall clock of {@link wallSeconds} starts here.
   */
  constructor(
    readonly params: ExperimentParams,
    readonly backend: BackendInfo,
    readonly provenance: Provenance,
  ) {}

  /** Seconds since the experiment started. */
  wallSeconds(): number {
    return (performance.now() - this.#t0) / 1000;
  }

  /**
   * Render a figure into this experiment's output directory with its provenance (see `renderFigure` of
   * `report/figure.ts`), and show it inline in the kernel.
   * @example
   * ```ts
   * import { startExperiment } from "./experiment.ts";
   * import { barsSpec, point } from "./report/charts.ts";
   * import { meanCI } from "./stats/confidence.ts";
   * const exp = await startExperiment("demo");
   * await exp.figure(barsSpec([point("a", "probe", meanCI([0.5, 0.6]))], { title: "t", x: "x", y: "y" }), "demo", {
   *   caption: "One bar.",
   * });
   * ```
   */
  async figure(
    spec: VegaLiteSpec,
    name: string,
    opts: Omit<FigureOptions, "outDir" | "paper" | "provenance">,
  ): Promise<FigureMeta> {
    const { versions: _v, ...provenance } = this.provenance;
    // loaded on first use: the renderer (vega, sharp) is heavy, and tools importing this module need none of it
    const { renderFigure } = await import("./report/figure.ts");
    return await renderFigure(spec, name, {
      ...opts,
      outDir: this.params.outDir,
      paper: this.params.paper,
      provenance,
    });
  }

  /** Absolute path of a file in this paper's output directory. */
  path(name: string): string {
    return `${this.params.outDir}/${name}`;
  }

  /**
   * Write `results.json` (provenance, wall time, claims, metrics) to the output directory atomically.
   * Claims are built with `makeClaim` and a rule from `report/verdict.ts`; `arms` are the training gate's
   * records (`report/gate.ts`) the claims were gated on, stored beside them.
   */
  async writeResults(
    claims: Claim[],
    metrics: Record<string, unknown> = {},
    arms?: ArmRecords,
  ): Promise<Results> {
    const named = new Set(claims.flatMap((c) => c.arms ?? []));
    const missing = [...named].filter((a) => !arms?.[a]);
    if (missing.length) {
      throw new Error(`results: claims name arms without gate records: ${missing.join(", ")}`);
    }
    const results: Results = {
      ...this.provenance,
      wallSeconds: Math.round(this.wallSeconds() * 1000) / 1000,
      claims,
      metrics,
      ...(arms ? { arms } : {}),
    };
    await writeResults(this.params.outDir, results);
    return results;
  }
}

/**
 * Start an experiment for `paper`: read the parameters, initialise the backend they ask for, and record
 * provenance (backend, device, versions, profile, seeds, git commit + dirty flag, start time).
 */
export async function startExperiment(
  paper: string,
  opts: {
    env?: (k: string) => string | undefined;
    quiet?: boolean;
    /** The paper's seeds per profile (default {@link DEFAULT_SEED_COUNT}); `SSL_SEEDS` overrides at any profile. */
    seeds?: Readonly<Record<Profile, number>>;
  } = {},
): Promise<Experiment> {
  const params = experimentParams(paper, opts.env, opts.seeds);
  const startedAt = new Date().toISOString();
  const backend = await initBackend(params.backend, { quiet: opts.quiet ?? true });
  const git = await gitState();
  await Deno.mkdir(params.outDir, { recursive: true });
  const provenance: Provenance = {
    paper: params.paper,
    profile: params.profile,
    backend: backend.name,
    device: backend.device,
    versions: { ...backend.versions },
    seeds: params.seeds,
    commit: git.commit,
    dirty: git.dirty,
    startedAt,
  };
  return new Experiment(params, backend, provenance);
}
