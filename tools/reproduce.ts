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
import { requestedBackend } from "../lib/backend/mod.ts";
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

const USAGE =
  "usage: deno task reproduce [--paper NAME…] [--profile smoke|cpu|gpu] [--backend NAME] [--seeds N] " +
  "[--fresh] [--cell-timeout SECONDS] [--notebooks DIR] [--figures DIR] [--output DIR]";

/** The `--help` text. */
export const HELP = `${USAGE}

Runs the notebooks through the Deno Jupyter kernel and publishes each one's figures and results.json only when
every cell succeeded, then rewrites the claims table (README.md in the figures directory).

options:
  --paper NAME…          papers to run (e.g. pirl simclr, or pirl,simclr); default: every notebook, in order
  --profile P            smoke (seconds, CI) · cpu (the checked-in results, default) · gpu (larger runs)
  --backend NAME         auto (default) · tensorflow · webgpu · wasm · cpu
  --seeds N              seeds 0..N-1 (1..${MAX_SEEDS}); default: the profile's count
  --fresh                recompute cached encoders and results made before this run
  --cell-timeout S       fail a cell that runs longer than S seconds (1..${MAX_CELL_TIMEOUT_S})
  --notebooks DIR        where the input notebooks are (default: notebooks/)
  --figures DIR          where outputs go (default: figures/ for cpu, out/<profile>/figures otherwise)
  --output DIR           where executed notebooks go (default: over the inputs for cpu,
                         out/<profile>/notebooks otherwise)
  -h, --help             this text

Only the cpu profile writes tracked files; smoke and gpu runs leave git status clean.`;

/** Parse arguments; throws a one-line error on anything unknown or malformed. */
export function parseArgs(args: string[]): ReproduceArgs {
  const out: ReproduceArgs = {
    papers: [],
    profile: "cpu",
    backend: null,
    seeds: null,
    fresh: false,
    cellTimeoutS: null,
    notebooks: `${REPO_ROOT}/notebooks`,
    figures: "",
    output: null,
    help: false,
  };
  let figures: string | null = null;
  let output: string | null = null;
  for (let i = 0; i < args.length; i++) {
    let [flag, value] = args[i].includes("=") ? args[i].split(/=(.*)/s, 2) : [args[i], undefined];
    const take = () => {
      if (value !== undefined) return value;
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--paper":
        // --paper a b c: every following non-flag word is a paper
        out.papers.push(...take().split(","));
        while (value === undefined && i + 1 < args.length && !args[i + 1].startsWith("--")) {
          out.papers.push(args[++i]);
        }
        break;
      case "--profile":
        out.profile = take();
        if (!PROFILES.includes(out.profile as never)) {
          throw new Error(`unknown profile "${out.profile}": expected ${PROFILES.join(", ")}`);
        }
        break;
      case "--backend":
        out.backend = requestedBackend(["--backend", take()]);
        break;
      case "--seeds": {
        const v = take();
        out.seeds = Number(v);
        if (!Number.isInteger(out.seeds) || out.seeds < 1 || out.seeds > MAX_SEEDS) {
          throw new Error(`--seeds must be an integer in 1..${MAX_SEEDS}, got "${v}"`);
        }
        break;
      }
      case "--fresh":
        if (value !== undefined) throw new Error("--fresh takes no value");
        out.fresh = true;
        break;
      case "--cell-timeout": {
        const v = take();
        out.cellTimeoutS = Number(v);
        if (!(out.cellTimeoutS > 0) || out.cellTimeoutS > MAX_CELL_TIMEOUT_S) {
          throw new Error(
            `--cell-timeout must be a number of seconds in (0, ${MAX_CELL_TIMEOUT_S}], got "${v}"`,
          );
        }
        break;
      }
      case "--notebooks":
        out.notebooks = take().replace(/\/$/, "");
        break;
      case "--figures":
        figures = take().replace(/\/$/, "");
        break;
      case "--output":
        output = take().replace(/\/$/, "");
        break;
      case "-h":
      case "--help":
        out.help = true;
        break;
      default:
        throw new Error(`unknown argument "${args[i]}"; ${USAGE}`);
    }
    value = undefined;
  }
  const roots = outputRoots(out.profile);
  out.figures = figures ?? roots.figures;
  out.output = output ?? roots.notebooks;
  return out;
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
