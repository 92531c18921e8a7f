/**
 * Wall time of one training step of each paper notebook's main self-supervised runs, at a profile's
 * configuration (default `cpu`, the checked-in figures), on one thread, per CPU backend:
 *
 *     deno task step-time [--backends wasm,onednn] [--papers pirl,simclr,pcae,transfer] [--steps N]
 *                         [--warmup N] [--profile cpu] [--threads 1] [--json]
 *
 * **Why.** `deno task bench` times fixed models (cnn3, ResNet-18) at batch 256 and its threads follow the main
 * thread's default; the notebooks train other shapes (64 pairs of 16-px SimCLR views, PIRL's 9 × 8-px jigsaw
 * patches, a width-64 ViT at 24 px) and the run pools give each run one core. This tool answers "how much
 * faster does a notebook's training get with `onednn`": it times exactly the step a run-pool worker takes.
 *
 * **What is timed.** Each paper's own training function, with the profile's configuration unchanged except
 * for the number of steps (`warmup + steps + 1`; the learning-rate and EMA schedules shrink with it, which does
 * not change what a step costs):
 *
 * | paper      | runs timed (seed 0)                         | function (`lib/experiments/…`)                   |
 * | ---------- | ------------------------------------------- | ------------------------------------------------ |
 * | `pirl`     | Jigsaw, NPID++ (λ = 0), PIRL (the base λ)   | `pirl/pretrain.ts` `pretrainPirl`                |
 * | `simclr`   | the base run every ablation departs from    | `simclr/pretrain.ts` `pretrain`                  |
 * | `pcae`     | MAE and PCAE (base mask ratio)              | `pcae/pretrain.ts` `pretrain`                    |
 * | `transfer` | finetuning on the first task (part B's own) | `lib/eval/finetune.ts` as `transfer/evaluate.ts` |
 *
 * Part B of the transfer notebook trains no encoder of its own: its zoo is runs of the SimCLR notebook
 * (shared through the cache), so the SimCLR row is their step; what it trains itself is the short finetune
 * (encoder + new linear head, SGD) of every (model, seed, task), timed with the random-init encoder of the
 * zoo (same shapes as a trained one). Part A (the published tables) trains nothing.
 *
 * A step is the interval between the starts of two consecutive steps of `lib/train/loop.ts` `trainLoop`
 * (which calls tfjs' `ENGINE.gradients` once per step; the tool wraps that method to note the times): the
 * batch and its views, forward, backward, the loss read-back, the optimizer update and the loop's `onStep`
 * (PIRL's memory-bank update, PCAE's EMA teacher). Set-up before the loop (building the model, PIRL's
 * estimate of Z) is not. The first `--warmup` steps (kernel set-up, heap growth) are dropped and the median
 * of the next `--steps` is reported.
 *
 * **How.** Each (paper, backend) is measured in its own subprocess (`--in-process`, with `SSL_BACKEND` and
 * `SSL_THREADS`), so every backend starts clean (kernels registered, wasm heap) and the oneDNN kernels use
 * `--threads` threads (default 1, as inside a run pool's Worker; the wasm backend always has one). Papers run
 * one after the other, each on every backend in turn, so a machine whose load drifts affects both columns
 * alike. Datasets come from the cache (`.cache/datasets`) or are generated on first use.
 *
 * Output: a markdown table (paper | method/run | batch | ms/step per backend | speed-up = wasm ÷ onednn),
 * or with `--json` one object per line: {@link StepResult} (or `{paper, backend, error}` when a backend
 * could not run, e.g. oneDNN is not installed).
 *
 * @module
 */
import { type BackendName, initBackend, parseBackend } from "../lib/backend/mod.ts";
import { onednnThreads } from "../lib/backend/onednn/mod.ts";
import { CliError, helpText, type OptionTable, parseCli } from "../lib/cli.ts";
import { type Profile, PROFILES } from "../lib/experiment.ts";
import { tf } from "../lib/tf.ts";
import { Rng } from "../lib/rng.ts";
import { subsetSplit } from "../lib/data/types.ts";
import { linearHead } from "../lib/models/heads.ts";
import { finetune } from "../lib/eval/finetune.ts";
import { makeRun, pirlConfig, runLabel as pirlRunLabel } from "../lib/experiments/pirl/config.ts";
import { disposePirlModel } from "../lib/experiments/pirl/model.ts";
import { pretrainPirl, stepsOfRun } from "../lib/experiments/pirl/pretrain.ts";
import { loadPirlData } from "../lib/experiments/pirl/run.ts";
import {
  baseRun as simclrBaseRun,
  runLabel as simclrRunLabel,
  simclrConfig,
  stepsOf,
} from "../lib/experiments/simclr/config.ts";
import { disposeModel as disposeSimclrModel } from "../lib/experiments/simclr/model.ts";
import { pretrain as pretrainSimclr } from "../lib/experiments/simclr/pretrain.ts";
import { loadSimclrData } from "../lib/experiments/simclr/run.ts";
import { baseRun as pcaeBaseRun, pcaeConfig } from "../lib/experiments/pcae/config.ts";
import { disposeModel as disposePcaeModel } from "../lib/experiments/pcae/model.ts";
import { pretrain as pretrainPcae } from "../lib/experiments/pcae/pretrain.ts";
import { loadPcaeData } from "../lib/experiments/pcae/run.ts";
import { transferConfig } from "../lib/experiments/transfer/config.ts";
import { loadTask } from "../lib/experiments/transfer/tasks.ts";
import { zooEncoder } from "../lib/experiments/transfer/zoo.ts";

/** The paper notebooks, in notebook order. */
export const PAPERS = ["pirl", "simclr", "pcae", "transfer"] as const;
/** A paper notebook. */
export type Paper = typeof PAPERS[number];

/** The backends timed when `--backends` is not given (the table's ms/step columns, in this order). */
export const DEFAULT_BACKENDS: readonly BackendName[] = ["wasm", "onednn"];

/** The timing of one run's step on one backend (one `--json` line). */
export interface StepResult {
  /** The paper notebook. */
  paper: Paper;
  /** The method / run timed, e.g. "PIRL λ=0.5 · 512 negatives". */
  run: string;
  /** Images per step (pairs for SimCLR, whose step encodes 2 × batch views). */
  batch: number;
  /** The backend. */
  backend: BackendName;
  /** The backend's device line (library versions, ISA, threads). */
  device: string;
  /** Threads of the oneDNN kernels (1 for wasm). */
  threads: number;
  /** Median milliseconds per step over the timed steps. */
  msPerStep: number;
  /** Every timed step's milliseconds, in order. */
  msSteps: number[];
  /** Untimed steps before them. */
  warmup: number;
  /** Steps the profile's run trains (so msPerStep × profileSteps ≈ the run's training time). */
  profileSteps: number;
}

/** A (paper, backend) that could not be measured. */
export interface StepFailure {
  paper: Paper;
  backend: BackendName;
  /** One line. */
  error: string;
}

/** Parsed command line. */
export interface Args {
  help: boolean;
  json: boolean;
  backends: BackendName[];
  papers: Paper[];
  steps: number;
  warmup: number;
  profile: Profile;
  threads: number;
  /** Measure in this process, on the one backend of `backends` (what each subprocess does). */
  inProcess: boolean;
}

/** Every option of `deno task step-time`; the parser and `--help` both come from this table. */
export const OPTIONS = {
  backends: {
    type: "string",
    value: "NAME[,NAME]",
    help: `backends to time, one column each (default ${DEFAULT_BACKENDS.join(",")}; also cpu)`,
  },
  papers: { type: "string", value: "P[,P]", help: `papers to time (default ${PAPERS.join(",")})` },
  steps: { type: "string", value: "N", help: "timed steps per run; the median is reported (default 5)" },
  warmup: { type: "string", value: "N", help: "untimed steps first (default 2)" },
  profile: {
    type: "string",
    value: "NAME",
    help: `configuration to time: ${PROFILES.join(" · ")} (default cpu)`,
  },
  threads: {
    type: "string",
    value: "N",
    help: "threads of the oneDNN kernels (default 1, as a run-pool worker; SSL_THREADS)",
  },
  json: { type: "boolean", help: "one JSON object per line: {paper, run, batch, backend, msPerStep, …}" },
  "in-process": {
    type: "boolean",
    help: "time here, on the one backend of --backends (what each subprocess runs)",
  },
  help: { type: "boolean", short: "h", help: "this text" },
} as const satisfies OptionTable;

/** The `--help` text. */
export const HELP = helpText(
  "usage: deno task step-time [options]",
  "Milliseconds per training step of each paper notebook's main self-supervised runs at the cpu profile's\n" +
    "configuration, on one thread, per backend (wasm, onednn), as a markdown table; see tools/step_time.ts\n" +
    "for the runs timed.",
  OPTIONS,
);

function intOption(name: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= min)) {
    throw new CliError(`--${name}: expected an integer >= ${min}, got "${v}"`);
  }
  return n;
}

/** The distinct comma-separated words of `value`, in order. */
function list(value: string): string[] {
  return [...new Set(value.split(",").map((s) => s.trim()).filter((s) => s !== ""))];
}

/** Parse the command line; throws a one-line {@link CliError} for anything unknown or malformed. */
export function parseArgs(argv: string[]): Args {
  const { values: v } = parseCli(OPTIONS, argv);
  let backends = [...DEFAULT_BACKENDS];
  if (v.backends !== undefined) {
    backends = list(v.backends).map((b) => {
      let name;
      try {
        name = parseBackend(b);
      } catch (e) {
        throw new CliError(`--backends: ${(e as Error).message}`);
      }
      if (name === "auto") throw new CliError(`--backends: name the backends to time, not "auto"`);
      return name;
    });
    if (backends.length === 0) throw new CliError("--backends needs a value");
  }
  let papers = [...PAPERS] as Paper[];
  if (v.papers !== undefined) {
    papers = list(v.papers) as Paper[];
    for (const p of papers) {
      if (!PAPERS.includes(p)) {
        throw new CliError(`--papers: unknown paper "${p}": expected ${PAPERS.join(", ")}`);
      }
    }
    if (papers.length === 0) throw new CliError("--papers needs a value");
  }
  const profile = (v.profile ?? "cpu") as Profile;
  if (!PROFILES.includes(profile)) {
    throw new CliError(`--profile: unknown profile "${profile}": expected ${PROFILES.join(", ")}`);
  }
  const inProcess = v["in-process"] ?? false;
  if (inProcess && backends.length !== 1) {
    throw new CliError(`--in-process times one backend: give --backends NAME (got ${backends.join(",")})`);
  }
  return {
    help: v.help ?? false,
    json: v.json ?? false,
    backends,
    papers,
    steps: intOption("steps", v.steps, 5, 1),
    warmup: intOption("warmup", v.warmup, 2, 0),
    profile,
    threads: intOption("threads", v.threads, 1, 1),
    inProcess,
  };
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median: empty list");
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** "0.84", "12.3", "153": three significant figures at most, never a trailing exponent. */
export function formatMs(ms: number): string {
  return ms < 0.995 ? ms.toFixed(2) : ms < 99.95 ? ms.toFixed(1) : ms.toFixed(0);
}

/**
 * The markdown table of `results`: one row per (paper, run) in first-seen order, one ms/step column per
 * backend of `backends`, and `speed-up` (wasm ÷ onednn) when both are among them. A cell whose backend failed
 * for that paper reads "failed"; the failures are listed under the table. Columns are padded as `deno fmt`
 * pads markdown tables, numbers right-aligned.
 */
export function formatTable(
  results: readonly StepResult[],
  backends: readonly BackendName[],
  failures: readonly StepFailure[] = [],
): string {
  const speedUp = backends.includes("wasm") && backends.includes("onednn");
  const header = ["paper", "method/run", "batch", ...backends.map((b) => `ms/step ${b}`)];
  if (speedUp) header.push("speed-up");
  const right = header.map((_, i) => i >= 2);
  const rows: string[][] = [];
  const seen = new Map<string, StepResult[]>();
  for (const r of results) {
    const key = `${r.paper}\u0000${r.run}`;
    if (!seen.has(key)) seen.set(key, []);
    seen.get(key)!.push(r);
  }
  const failed = (paper: Paper, b: BackendName) => failures.some((f) => f.paper === paper && f.backend === b);
  for (const group of seen.values()) {
    const { paper, run, batch } = group[0];
    const ms = (b: BackendName) => group.find((r) => r.backend === b)?.msPerStep;
    const row = [paper, run, String(batch)];
    for (const b of backends) {
      const m = ms(b);
      row.push(m !== undefined ? formatMs(m) : failed(paper, b) ? "failed" : "—");
    }
    if (speedUp) {
      const w = ms("wasm"), o = ms("onednn");
      row.push(w !== undefined && o !== undefined ? `${(w / o).toFixed(2)}×` : "—");
    }
    rows.push(row);
  }
  const width = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join(" | ")} |`;
  const rule = `| ${width.map((w, i) => (right[i] ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  const out = [line(header), rule, ...rows.map(line)];
  // one line per backend and error, naming its papers ("onednn failed (pirl, simclr): …")
  const byError = new Map<string, StepFailure[]>();
  for (const f of failures) {
    const key = `${f.backend}\u0000${f.error}`;
    byError.set(key, [...(byError.get(key) ?? []), f]);
  }
  if (byError.size > 0) out.push("");
  for (const group of byError.values()) {
    const { backend, error } = group[0];
    out.push(`${backend} failed (${group.map((f) => f.paper).join(", ")}): ${error}`);
  }
  return out.join("\n");
}

/** "1 warm-up step", "2 warm-up steps". */
function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

/** The text under the table: what was timed, and each backend's device. */
export function tableNotes(
  results: readonly StepResult[],
  args: Pick<Args, "profile" | "steps" | "warmup">,
): string {
  const devices = new Map<BackendName, string>();
  for (const r of results) devices.set(r.backend, r.device);
  return [
    `${args.profile} profile; median ms of ${plural(args.steps, "training step")} after ` +
    `${plural(args.warmup, "warm-up step")}, one process per paper and backend; speed-up = wasm ÷ onednn.`,
    ...[...devices].map(([b, d]) => `${b}: ${d}`),
    ...(results.some((r) => r.paper === "simclr")
      ? ["simclr: batch = images; a step encodes two views of each (2 × batch encoder inputs)."]
      : []),
    ...(results.some((r) => r.paper === "transfer")
      ? [
        "transfer: part B's encoders are SimCLR-notebook runs (the simclr row); its own training is the " +
        "finetune of each (model, seed, task), timed here.",
      ]
      : []),
  ].join("\n");
}

/** One run of a paper to time: its label, batch, the profile's steps, and a trainer of `total` steps. */
interface Case {
  run: string;
  batch: number;
  profileSteps: number;
  /** Train `total` steps with the paper's own code (then free everything); throws if training stopped early. */
  train(total: number): Promise<void>;
}

/** A run label without its seed (the table times seed 0). */
function withoutSeed(label: string): string {
  return label.replace(/ · seed \d+$/, "");
}

function checkDone(label: string, status: string, losses: number, total: number): void {
  if (status !== "done" || losses !== total) {
    throw new Error(`${label}: training stopped after ${losses} of ${total} steps (${status})`);
  }
}

/** The runs timed for `paper` at `profile` (module doc), with their data loaded. */
async function paperCases(paper: Paper, profile: Profile): Promise<Case[]> {
  if (paper === "pirl") {
    const cfg = pirlConfig(profile);
    const data = await loadPirlData(cfg);
    const runs = [makeRun(cfg, "jigsaw", 0), makeRun(cfg, "pirl", 0, { lambda: 0 }), makeRun(cfg, "pirl", 0)];
    return runs.map((run) => ({
      run: withoutSeed(pirlRunLabel(run)),
      batch: cfg.batchSize,
      profileSteps: stepsOfRun(cfg, run),
      async train(total) {
        const res = await pretrainPirl({ ...cfg, steps: total }, run, data);
        disposePirlModel(res.model);
        checkDone(pirlRunLabel(run), res.status, res.losses.length, total);
      },
    }));
  }
  if (paper === "simclr") {
    const cfg = simclrConfig(profile);
    const data = await loadSimclrData(cfg);
    const run = simclrBaseRun(cfg, 0);
    // "simclr s=0.5 · nt-xent τ=0.5 · head mlp": the label's method, batch, epochs and seed are columns or fixed
    const label = withoutSeed(simclrRunLabel(run)).replace(/^simclr · /, "").replace(
      / · B=\d+ · [\d.]+ ep$/,
      "",
    );
    return [{
      run: `SimCLR base run (${label})`,
      batch: run.batchSize,
      profileSteps: stepsOf(cfg, run),
      async train(total) {
        // steps = round(epochs · nTrain / batchSize): the epochs that give `total` steps
        const short = { ...run, epochs: (total * run.batchSize) / cfg.dataset.nTrain };
        if (stepsOf(cfg, short) !== total) throw new Error(`simclr: cannot schedule ${total} steps`);
        const res = await pretrainSimclr(cfg, short, data);
        disposeSimclrModel(res.model);
        checkDone("simclr base run", res.status, res.losses.length, total);
      },
    }];
  }
  if (paper === "pcae") {
    const cfg = pcaeConfig(profile);
    const data = await loadPcaeData(cfg);
    return (["mae", "pcae"] as const).map((method) => {
      const run = pcaeBaseRun(cfg, method, 0);
      return {
        run: `${method === "mae" ? "MAE" : "PCAE"} · mask ${run.maskRatio}`,
        batch: cfg.batchSize,
        profileSteps: run.steps,
        async train(total) {
          const res = await pretrainPcae(cfg, { ...run, steps: total }, data);
          disposePcaeModel(res.model);
          checkDone(method, res.status, res.losses.length, total);
        },
      };
    });
  }
  const cfg = transferConfig(profile);
  const upstream = await loadSimclrData(cfg.upstream);
  const task = await loadTask(cfg.tasks[0], cfg.upstream.imageSize);
  const ft = cfg.eval.finetune;
  return [{
    run: `finetune on ${task.spec.name} (encoder + linear head, SGD)`,
    batch: ft.batchSize,
    profileSteps: ft.steps,
    async train(total) {
      const zoo = await zooEncoder({ cfg: cfg.upstream, data: upstream }, {
        name: "random init",
        kind: "random",
      }, 0);
      const encoder = zoo.newEncoder();
      const head = linearHead(
        new Rng(0).fork(`finetune-head:${task.spec.name}`),
        encoder.outDim,
        task.numClasses,
      );
      try {
        // as transfer/evaluate.ts evaluateTask, but tested on one batch only (the test pass is not timed)
        const test = subsetSplit(
          task.test,
          Array.from({ length: Math.min(ft.batchSize, task.test.n) }, (_, i) => i),
        );
        const res = await finetune({
          encoder,
          head,
          train: task.train,
          test,
          steps: total,
          lr: ft.lr,
          batchSize: ft.batchSize,
          labelSet: task.spec.label,
          batch: task.batch,
          seed: 0,
        });
        checkDone("transfer finetune", "done", res.losses.length, total);
      } finally {
        encoder.dispose();
        head.dispose();
        zoo.dispose();
      }
    },
  }];
}

/**
 * Run `fn`, noting the start time of every tfjs `ENGINE.gradients` call it makes (`trainLoop` makes one per
 * step, through `tf.variableGrads`). The engine's method is put back afterwards.
 */
export async function gradientCallTimes(fn: () => Promise<void>): Promise<number[]> {
  const engine = tf.engine() as unknown as { gradients: (...args: unknown[]) => unknown };
  const own = Object.hasOwn(engine, "gradients");
  const original = engine.gradients;
  const starts: number[] = [];
  engine.gradients = function (this: unknown, ...args: unknown[]) {
    starts.push(performance.now());
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    if (own) engine.gradients = original;
    else delete (engine as { gradients?: unknown }).gradients;
  }
  return starts;
}

/**
 * Time every run of `paper` on the current backend: `warmup + steps + 1` steps, the intervals between the
 * starts of steps `warmup … warmup + steps` (the extra step only closes the last interval).
 */
async function timePaper(
  paper: Paper,
  args: Pick<Args, "profile" | "steps" | "warmup">,
  backend: { name: BackendName; device: string; threads: number },
  report: (r: StepResult) => void,
): Promise<void> {
  const cases = await paperCases(paper, args.profile);
  for (const c of cases) {
    const total = args.warmup + args.steps + 1;
    const before = tf.memory().numTensors;
    const starts = await gradientCallTimes(() => c.train(total));
    if (starts.length !== total) {
      throw new Error(
        `${paper} ${c.run}: expected ${total} gradient calls (one per step), saw ${starts.length}`,
      );
    }
    const leaked = tf.memory().numTensors - before;
    if (leaked > 0) console.error(`step-time: ${paper} ${c.run}: ${leaked} tensors left after training`);
    const msSteps = starts.slice(args.warmup + 1).map((t, i) => t - starts[args.warmup + i]);
    report({
      paper,
      run: c.run,
      batch: c.batch,
      backend: backend.name,
      device: backend.device,
      threads: backend.threads,
      msPerStep: Math.round(median(msSteps) * 10) / 10,
      msSteps: msSteps.map((m) => Math.round(m * 10) / 10),
      warmup: args.warmup,
      profileSteps: c.profileSteps,
    });
  }
}

/** `--in-process`: time the papers on the one backend of `args.backends` here; JSON lines or the table. */
async function inProcess(args: Args): Promise<boolean> {
  const name = args.backends[0];
  const results: StepResult[] = [];
  const failures: StepFailure[] = [];
  let backend: { name: BackendName; device: string; threads: number };
  try {
    const info = await initBackend(name, { quiet: true, threads: args.threads });
    backend = { name: info.name, device: info.device, threads: info.name === "onednn" ? onednnThreads() : 1 };
  } catch (e) {
    const error = (e as Error).message.split("\n")[0];
    for (const paper of args.papers) failures.push({ paper, backend: name, error });
    if (args.json) { for (const f of failures) console.log(JSON.stringify(f)); }
    else console.log(formatTable([], args.backends, failures));
    return false;
  }
  for (const paper of args.papers) {
    try {
      await timePaper(paper, args, backend, (r) => {
        results.push(r);
        if (args.json) console.log(JSON.stringify(r));
        console.error(`step-time: ${paper} on ${r.backend}: ${r.run}: ${formatMs(r.msPerStep)} ms/step`);
      });
    } catch (e) {
      const f = { paper, backend: name, error: (e as Error).message.split("\n")[0] };
      failures.push(f);
      if (args.json) console.log(JSON.stringify(f));
    }
  }
  if (!args.json) {
    console.log(`${formatTable(results, args.backends, failures)}\n\n${tableNotes(results, args)}`);
  }
  return failures.length === 0;
}

/** Time one paper on one backend in a subprocess (`--in-process --json`); its JSON lines. */
async function timeInSubprocess(
  paper: Paper,
  backend: BackendName,
  args: Args,
): Promise<(StepResult | StepFailure)[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--in-process",
      "--json",
      "--backends",
      backend,
      "--papers",
      paper,
      "--steps",
      String(args.steps),
      "--warmup",
      String(args.warmup),
      "--profile",
      args.profile,
      "--threads",
      String(args.threads),
    ],
    env: { SSL_BACKEND: backend, SSL_THREADS: String(args.threads) },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).split("\n").filter((l) => l.startsWith("{"));
  const parsed = lines.map((l) => JSON.parse(l) as StepResult | StepFailure);
  if (!out.success && !parsed.some((p) => "error" in p)) {
    parsed.push({ paper, backend, error: `subprocess exited with code ${out.code}` });
  }
  return parsed;
}

async function main(): Promise<number> {
  const args = parseArgs(Deno.args);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  if (args.inProcess) return (await inProcess(args)) ? 0 : 1;
  const results: StepResult[] = [];
  const failures: StepFailure[] = [];
  for (const paper of args.papers) {
    for (const backend of args.backends) {
      for (const r of await timeInSubprocess(paper, backend, args)) {
        if (args.json) console.log(JSON.stringify(r));
        if ("error" in r) failures.push(r);
        else results.push(r);
      }
    }
  }
  if (!args.json) {
    console.log(`${formatTable(results, args.backends, failures)}\n\n${tableNotes(results, args)}`);
  }
  return failures.length === 0 ? 0 : 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (e) {
    console.error(`step-time: ${(e as Error).message.split("\n")[0]}`);
    Deno.exit(e instanceof CliError ? 2 : 1);
  }
}
