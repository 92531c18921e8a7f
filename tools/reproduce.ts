/**
 * `deno task reproduce [--paper NAME…] [--profile smoke|cpu|gpu] [--backend NAME] [--seeds N] [--fresh]
 *                      [--cell-timeout SECONDS] [--notebooks DIR] [--figures DIR]`
 *
 * Runs `notebooks/*.ipynb` (default: all, in file-name order, profile `cpu`) through the Deno Jupyter kernel,
 * writes each executed notebook and publishes its figures and results only when every cell succeeded, then
 * regenerates the claims table (`README.md` beside the figures). Only the `cpu` profile writes the checked-in
 * `figures/` and `notebooks/`; `smoke` and `gpu` write to the gitignored `out/<profile>/figures` and
 * `out/<profile>/notebooks` (see {@link outputRoots}) unless `--figures` / `--output` say otherwise. Stops at the first failing notebook with one line naming notebook, cell and
 * error, and exits 1. Ctrl-C shuts the kernel down and discards partial outputs.
 *
 * @module
 */
import { paperOf, removeActiveStaging, runNotebook } from "../lib/notebook/executor.ts";
import { shutdownAllKernels } from "../lib/notebook/kernel.ts";
import { writeReadme } from "../lib/report/readme.ts";
import { MAX_SEEDS, PROFILES } from "../lib/experiment.ts";
import { parseBackend, requestedBackend } from "../lib/backend/mod.ts";
import { probeBackend } from "../lib/backend/probe.ts";
import { CliError, helpText, type OptionTable, parseCli } from "../lib/cli.ts";
import { outputRoots, REPO_ROOT } from "../lib/paths.ts";

/** Parsed command line. */
export interface ReproduceArgs {
  papers: string[];
  profile: string;
  backend: string | null;
  seeds: number | null;
  fresh: boolean;
  cellTimeoutS: number | null;
  /** Directory of the input notebooks. */
  notebooks: string;
  /** Root of the published `<paper>/` output directories and the claims table. */
  figures: string;
  /** Directory for the executed notebooks; `null` = over the inputs (the cpu profile's default). */
  output: string | null;
  /** `--help` was given: print {@link HELP} and exit 0. */
  help: boolean;
}

/** setTimeout's limit: 2^31 - 1 ms, about 24.8 days. */
const MAX_CELL_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);

/** Every option of `deno task reproduce`; the parser and `--help` both come from this table. */
export const OPTIONS = {
  paper: {
    type: "string",
    greedy: true,
    value: "NAME…",
    help: "papers to run (e.g. pirl simclr, or pirl,simclr); default: every notebook, in order",
  },
  profile: {
    type: "string",
    value: "P",
    help: "smoke (seconds, CI) · cpu (the checked-in results, default) · gpu (larger runs)",
  },
  backend: {
    type: "string",
    value: "NAME",
    help: "auto (default) · tensorflow · webgpu · onednn · wasm · cpu; a named backend that cannot start\n" +
      "is an error before any notebook runs (also SSL_BACKEND)",
  },
  seeds: { type: "string", value: "N", help: `seeds 0..N-1 (1..${MAX_SEEDS}); default: the profile's count` },
  fresh: { type: "boolean", help: "recompute cached encoders and results made before this run" },
  "cell-timeout": {
    type: "string",
    value: "S",
    help: `fail a cell that runs longer than S seconds (1..${MAX_CELL_TIMEOUT_S})`,
  },
  notebooks: { type: "string", value: "DIR", help: "where the input notebooks are (default: notebooks/)" },
  figures: {
    type: "string",
    value: "DIR",
    help: "where outputs go (default: figures/ for cpu, out/<profile>/figures otherwise)",
  },
  output: {
    type: "string",
    value: "DIR",
    help:
      "where executed notebooks go (default: over the inputs for cpu,\nout/<profile>/notebooks otherwise)",
  },
  help: { type: "boolean", short: "h", help: "this text" },
} as const satisfies OptionTable;

const USAGE =
  "usage: deno task reproduce [--paper NAME…] [--profile smoke|cpu|gpu] [--backend NAME] [--seeds N] " +
  "[--fresh] [--cell-timeout SECONDS] [--notebooks DIR] [--figures DIR] [--output DIR]";

/** The `--help` text. */
export const HELP = helpText(
  USAGE,
  `Runs the notebooks through the Deno Jupyter kernel and publishes each one's figures and results.json only when
every cell succeeded, then rewrites the claims table (README.md in the figures directory).`,
  OPTIONS,
  "Only the cpu profile writes tracked files; smoke and gpu runs leave git status clean.",
);

/** Parse arguments; throws a one-line error on anything unknown or malformed. */
export function parseArgs(args: string[]): ReproduceArgs {
  const { values: v } = parseCli(OPTIONS, args);
  const profile = v.profile ?? "cpu";
  if (!PROFILES.includes(profile as never)) {
    throw new CliError(`unknown profile "${profile}": expected ${PROFILES.join(", ")}`);
  }
  let seeds: number | null = null;
  if (v.seeds !== undefined) {
    seeds = Number(v.seeds);
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SEEDS) {
      throw new CliError(`--seeds must be an integer in 1..${MAX_SEEDS}, got "${v.seeds}"`);
    }
  }
  let cellTimeoutS: number | null = null;
  if (v["cell-timeout"] !== undefined) {
    cellTimeoutS = Number(v["cell-timeout"]);
    if (!(cellTimeoutS > 0) || cellTimeoutS > MAX_CELL_TIMEOUT_S) {
      throw new CliError(
        `--cell-timeout must be a number of seconds in (0, ${MAX_CELL_TIMEOUT_S}], got "${
          v["cell-timeout"]
        }"`,
      );
    }
  }
  const roots = outputRoots(profile);
  const dir = (d: string | undefined) => d?.replace(/\/$/, "");
  return {
    papers: (v.paper ?? []).flatMap((p) => p.split(",")).filter(Boolean),
    profile,
    backend: v.backend === undefined ? null : parseBackend(v.backend),
    seeds,
    fresh: v.fresh ?? false,
    cellTimeoutS,
    notebooks: dir(v.notebooks) ?? `${REPO_ROOT}/notebooks`,
    figures: dir(v.figures) ?? roots.figures,
    output: dir(v.output) ?? roots.notebooks,
    help: v.help ?? false,
  };
}

/** The notebooks to run, in file-name order; throws when a requested paper has no notebook. */
export function selectNotebooks(dir: string, papers: string[]): string[] {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".ipynb")).map((e) => e.name)
      .sort();
  } catch (e) {
    throw new Error(`cannot list notebooks in ${dir}: ${(e as Error).message}`);
  }
  const byPaper = new Map(names.map((n) => [paperOf(n), `${dir}/${n}`]));
  if (papers.length === 0) return [...byPaper.values()];
  return papers.map((p) => {
    const path = byPaper.get(p.toLowerCase());
    if (!path) {
      throw new Error(`no notebook for paper "${p}" (have: ${[...byPaper.keys()].join(", ") || "none"})`);
    }
    return path;
  });
}

/** The kernel environment for the parsed options. */
export function kernelEnv(a: ReproduceArgs, runStarted = Date.now()): Record<string, string> {
  const env: Record<string, string> = { SSL_PROFILE: a.profile, SSL_RUN_STARTED: String(runStarted) };
  if (a.backend) env.SSL_BACKEND = a.backend;
  if (a.seeds !== null) env.SSL_SEEDS = String(a.seeds);
  if (a.fresh) env.SSL_FRESH = "1";
  return env;
}

/** Parent pid from /proc (Linux), or null where unavailable. */
function currentParent(): number | null {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/**
 * Call `onGone` once our parent (e.g. the `deno task` wrapper) has died, even by SIGKILL: we are then re-parented,
 * and a run nobody waits for must not go on publishing.
 */
function watchParent(onGone: () => void): void {
  const first = currentParent();
  if (first === null) return;
  const timer = setInterval(() => {
    if (currentParent() !== first) {
      clearInterval(timer);
      onGone();
    }
  }, 1000);
  Deno.unrefTimer(timer);
}

async function main(): Promise<number> {
  let args: ReproduceArgs;
  let notebooks: string[];
  try {
    args = parseArgs(Deno.args);
    if (args.help) {
      console.log(HELP);
      return 0;
    }
    notebooks = selectNotebooks(args.notebooks, args.papers);
  } catch (e) {
    console.error(`reproduce: ${(e as Error).message}`);
    return 2;
  }
  if (notebooks.length === 0) {
    console.error(`reproduce: no notebooks in ${args.notebooks}`);
    return 2;
  }
  // a named backend must start before any notebook runs: the kernels never fall back to another one
  let backend: string;
  try {
    backend = args.backend ?? requestedBackend([]);
  } catch (e) {
    console.error(`reproduce: SSL_BACKEND: ${(e as Error).message}`);
    return 2;
  }
  if (backend !== "auto") {
    try {
      await probeBackend(backend);
    } catch (e) {
      console.error(`reproduce: backend ${backend} cannot start: ${(e as Error).message}`);
      return 2;
    }
  }
  let interrupted = false;
  const stop = (signal: string, code: number) => {
    if (interrupted) Deno.exit(code);
    interrupted = true;
    console.error(`reproduce: ${signal}; shutting the kernel down (published outputs left untouched)`);
    removeActiveStaging();
    shutdownAllKernels().finally(() => Deno.exit(code));
  };
  Deno.addSignalListener("SIGINT", () => stop("interrupted", 130));
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", () => stop("terminated", 143));
  watchParent(() => stop("parent process gone", 129));
  const env = kernelEnv(args);
  console.error(
    `reproduce: ${notebooks.length} notebook(s), profile ${args.profile}` +
      `${args.backend ? `, backend ${args.backend}` : ""}${args.seeds ? `, ${args.seeds} seeds` : ""}${
        args.fresh ? ", fresh" : ""
      }; outputs in ${args.figures.replace(`${REPO_ROOT}/`, "")}`,
  );
  if (args.output !== null) await Deno.mkdir(args.output, { recursive: true });
  let status = 0;
  for (const nb of notebooks) {
    try {
      await runNotebook(nb, {
        env,
        figuresRoot: args.figures,
        output: args.output === null ? undefined : `${args.output}/${nb.split("/").pop()}`,
        cellTimeoutMs: args.cellTimeoutS ? args.cellTimeoutS * 1000 : undefined,
        live: true,
      });
    } catch (e) {
      // a signal also reaches the kernel (same process group): its death is not the error to report
      if (interrupted) await new Promise(() => {});
      console.error(`reproduce: ${(e as Error).message.replaceAll(`${REPO_ROOT}/`, "")}`);
      status = 1;
      break;
    }
  }
  try {
    // the claims table lists the papers in the notebooks' order (01_pirl, 02_simclr, …)
    const order = selectNotebooks(args.notebooks, []).map(paperOf);
    const readme = await writeReadme(args.figures, order);
    console.error(`reproduce: wrote ${readme.replace(`${REPO_ROOT}/`, "")}`);
  } catch (e) {
    console.error(`reproduce: cannot write ${args.figures}/README.md: ${(e as Error).message}`);
    status ||= 1;
  }
  return status;
}

if (import.meta.main) Deno.exit(await main());
