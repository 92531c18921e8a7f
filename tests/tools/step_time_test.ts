/**
 * `deno task step-time` (tools/step_time.ts): the command line (defaults, validation, one-line errors with exit
 * code 2) and the markdown table built from fake timings. Nothing here trains: timing real steps takes the
 * papers' cpu-profile data and is left to running the tool.
 *
 * @module
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import { CliError } from "../../lib/cli.ts";
import {
  DEFAULT_BACKENDS,
  formatMs,
  formatTable,
  HELP,
  median,
  OPTIONS,
  PAPERS,
  parseArgs,
  type StepResult,
  tableNotes,
} from "../../tools/step_time.ts";

const TOOL = new URL("../../tools/step_time.ts", import.meta.url).pathname;

Deno.test("step-time: defaults are every paper on wasm and onednn, cpu profile, 5 steps after 2, one thread", () => {
  assertEquals(parseArgs([]), {
    help: false,
    json: false,
    backends: [...DEFAULT_BACKENDS],
    papers: [...PAPERS],
    steps: 5,
    warmup: 2,
    profile: "cpu",
    threads: 1,
    inProcess: false,
  });
  assertEquals(DEFAULT_BACKENDS, ["wasm", "onednn"]);
  assertEquals(PAPERS, ["pirl", "simclr", "pcae", "transfer"]);
});

Deno.test("step-time: options are parsed, lists keep their order without duplicates", () => {
  const a = parseArgs(
    ["--backends", "onednn,wasm,onednn", "--papers=pcae,pirl", "--steps", "2", "--warmup", "0", "--json"]
      .concat(["--profile", "smoke", "--threads", "2"]),
  );
  assertEquals(a.backends, ["onednn", "wasm"]);
  assertEquals(a.papers, ["pcae", "pirl"]);
  assertEquals([a.steps, a.warmup, a.profile, a.threads, a.json, a.inProcess], [
    2,
    0,
    "smoke",
    2,
    true,
    false,
  ]);
  assertEquals(parseArgs(["--in-process", "--backends", "wasm"]).inProcess, true);
  assertEquals(parseArgs(["-h"]).help, true);
});

Deno.test("step-time: bad command lines are one-line CliErrors naming the problem", () => {
  for (
    const [argv, text] of [
      [["--backends", "wsam"], 'unknown backend "wsam"'],
      [["--backends", "auto"], 'not "auto"'],
      [["--papers", "byol"], 'unknown paper "byol"'],
      [["--steps", "0"], "--steps: expected an integer >= 1"],
      [["--steps", "2.5"], "--steps: expected an integer >= 1"],
      [["--warmup", "-1"], "--warmup"],
      [["--threads", "0"], "--threads: expected an integer >= 1"],
      [["--profile", "tpu"], 'unknown profile "tpu"'],
      [["--in-process"], "--in-process times one backend"],
      [["--bogus"], 'unknown option "--bogus"'],
      [["--steps"], "--steps needs a value"],
      [["pirl"], 'unexpected argument "pirl"'],
    ] as const
  ) {
    const e = assertThrows(() => parseArgs([...argv]), CliError, text, argv.join(" "));
    assertEquals(e.message.split("\n").length, 1, e.message);
  }
});

Deno.test("step-time: --help documents every option", () => {
  for (const name of Object.keys(OPTIONS)) assert(HELP.includes(`--${name}`), name);
  assert(HELP.startsWith("usage: deno task step-time"));
});

/** A fake result: only the fields the table reads matter. */
function fake(
  paper: StepResult["paper"],
  run: string,
  backend: StepResult["backend"],
  ms: number,
): StepResult {
  return {
    paper,
    run,
    batch: paper === "pcae" ? 32 : 64,
    backend,
    device: backend === "wasm" ? "wasm XNNPACK SIMD, 1 thread" : "wasm + oneDNN 2.6.3 (avx2, 1 thread)",
    threads: 1,
    msPerStep: ms,
    msSteps: [ms],
    warmup: 2,
    profileSteps: 100,
  };
}

Deno.test("step-time: the table has one row per run, a column per backend and wasm ÷ onednn", () => {
  const results = [
    fake("pirl", "Jigsaw", "wasm", 88.9),
    fake("pirl", "PIRL λ=0.5", "wasm", 188),
    fake("pirl", "Jigsaw", "onednn", 43.6),
    fake("pirl", "PIRL λ=0.5", "onednn", 72.4),
    fake("pcae", "MAE", "wasm", 1500.4),
    fake("pcae", "MAE", "onednn", 0.5),
  ];
  const table = formatTable(results, ["wasm", "onednn"]);
  assertEquals(
    table,
    [
      "| paper | method/run | batch | ms/step wasm | ms/step onednn | speed-up |",
      "| ----- | ---------- | ----: | -----------: | -------------: | -------: |",
      "| pirl  | Jigsaw     |    64 |         88.9 |           43.6 |    2.04× |",
      "| pirl  | PIRL λ=0.5 |    64 |          188 |           72.4 |    2.60× |",
      "| pcae  | MAE        |    32 |         1500 |           0.50 | 3000.80× |",
    ].join("\n"),
  );
  // every line as wide as the header, as `deno fmt` pads markdown tables
  const widths = new Set(table.split("\n").map((l) => l.length));
  assertEquals(widths.size, 1, table);
});

Deno.test("step-time: one backend gives no speed-up column; a failed backend reads failed, listed once", () => {
  const only = formatTable([fake("simclr", "base", "onednn", 38.6)], ["onednn"]);
  assertEquals(only.split("\n")[0], "| paper  | method/run | batch | ms/step onednn |");
  assert(!only.includes("speed-up"));
  const results = [fake("simclr", "base", "wasm", 84.2), fake("transfer", "finetune", "wasm", 18.1)];
  const error = "onednn backend unavailable: hidden by SSL_ONEDNN=off";
  const failures = [
    { paper: "simclr" as const, backend: "onednn" as const, error },
    { paper: "transfer" as const, backend: "onednn" as const, error },
  ];
  const lines = formatTable(results, ["wasm", "onednn"], failures).split("\n");
  assertEquals(lines[2], "| simclr   | base       |    64 |         84.2 |         failed |        — |");
  assertEquals(lines.slice(4), ["", `onednn failed (simclr, transfer): ${error}`]);
  // a backend that was not run for a row (no failure either) is a dash
  assertEquals(formatTable(results.slice(0, 1), ["wasm", "cpu"]).split("\n")[2].split("|")[5].trim(), "—");
});

Deno.test("step-time: notes name the profile, the steps, each device, and what transfer times", () => {
  const notes = tableNotes(
    [fake("simclr", "base", "wasm", 84.2), fake("transfer", "finetune", "onednn", 8.6)],
    { profile: "cpu", steps: 1, warmup: 2 },
  );
  assert(notes.startsWith("cpu profile; median ms of 1 training step after 2 warm-up steps"), notes);
  assert(notes.includes("\nwasm: wasm XNNPACK SIMD, 1 thread"), notes);
  assert(notes.includes("\nonednn: wasm + oneDNN 2.6.3"), notes);
  assert(notes.includes("part B's encoders are SimCLR-notebook runs"), notes);
});

Deno.test("step-time: median and number formatting", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertThrows(() => median([]), Error, "empty");
  assertEquals([formatMs(0.456), formatMs(8.64), formatMs(99.94), formatMs(153.4)], [
    "0.46",
    "8.6",
    "99.9",
    "153",
  ]);
});

Deno.test("step-time: --help exits 0 with the help text; a bad option exits 2 in one line", async () => {
  const run = async (args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", TOOL, ...args],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    return {
      code: out.code,
      out: new TextDecoder().decode(out.stdout).trim(),
      err: new TextDecoder().decode(out.stderr).trim().split("\n").filter((l) => !l.includes("DEP0040")),
    };
  };
  const help = await run(["--help"]);
  assertEquals([help.code, help.out], [0, HELP]);
  const bad = await run(["--papers", "byol"]);
  assertEquals(bad.code, 2);
  assertEquals(bad.err, ['step-time: --papers: unknown paper "byol": expected pirl, simclr, pcae, transfer']);
});
