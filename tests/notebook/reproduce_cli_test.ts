import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { HELP, kernelEnv, OPTIONS, parseArgs, selectNotebooks } from "../../tools/reproduce.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { alive, childPids, notebookJson } from "../_process.ts";

Deno.test("parseArgs: defaults, repeated and multi-word --paper, flags with = and values", () => {
  const d = parseArgs([]);
  assertEquals([d.papers, d.profile, d.backend, d.seeds, d.fresh], [[], "cpu", null, null, false]);
  const a = parseArgs([
    "--paper",
    "pirl",
    "simclr",
    "--profile=smoke",
    "--backend",
    "wasm",
    "--seeds",
    "4",
    "--fresh",
  ]);
  assertEquals([a.papers, a.profile, a.backend, a.seeds, a.fresh], [
    ["pirl", "simclr"],
    "smoke",
    "wasm",
    4,
    true,
  ]);
  assertEquals(parseArgs(["--paper=a,b", "--paper", "c"]).papers, ["a", "b", "c"]);
  assertEquals(
    kernelEnv(a, 123),
    { SSL_PROFILE: "smoke", SSL_RUN_STARTED: "123", SSL_BACKEND: "wasm", SSL_SEEDS: "4", SSL_FRESH: "1" },
  );
  assertEquals(kernelEnv(d, 1), { SSL_PROFILE: "cpu", SSL_RUN_STARTED: "1" });
});

Deno.test("parseArgs: one-line errors for bad input", () => {
  assertThrows(() => parseArgs(["--profile", "huge"]), Error, 'unknown profile "huge"');
  assertThrows(() => parseArgs(["--backend", "tpu"]), Error, 'unknown backend "tpu"');
  assertThrows(() => parseArgs(["--seeds", "0"]), Error, "--seeds must be an integer in 1..1000");
  // one limit for the CLI and the kernel: what the kernel would reject is rejected here
  assertThrows(() => parseArgs(["--seeds", "5000"]), Error, "--seeds must be an integer in 1..1000");
  // setTimeout overflows above 2^31 - 1 ms: every cell would time out at once
  assertThrows(() => parseArgs(["--cell-timeout", "2147484"]), Error, "--cell-timeout must be a number");
  assertEquals(parseArgs(["--cell-timeout", "2147483"]).cellTimeoutS, 2147483);
  assertThrows(() => parseArgs(["--seeds"]), Error, "--seeds needs a value");
  assertThrows(() => parseArgs(["--bogus"]), Error, 'unknown option "--bogus"');
  assertThrows(() => parseArgs(["--backend", "wsam"]), Error, 'unknown backend "wsam"');
  assertThrows(() => parseArgs(["--fresh=1"]), Error, "--fresh takes no value");
  assertThrows(() => parseArgs(["pirl"]), Error, 'unexpected argument "pirl"');
});

Deno.test("selectNotebooks: all in name order, or by paper; unknown paper names the available ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const n of ["02_simclr.ipynb", "00_tour.ipynb", "notes.md"]) {
      await Deno.writeTextFile(`${dir}/${n}`, "{}");
    }
    assertEquals(selectNotebooks(dir, []), [`${dir}/00_tour.ipynb`, `${dir}/02_simclr.ipynb`]);
    assertEquals(selectNotebooks(dir, ["simclr"]), [`${dir}/02_simclr.ipynb`]);
    assertThrows(
      () => selectNotebooks(dir, ["pirl"]),
      Error,
      'no notebook for paper "pirl" (have: tour, simclr)',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseArgs: only the cpu profile writes the checked-in figures and notebooks", () => {
  const cpu = parseArgs([]);
  assertEquals([cpu.figures, cpu.output], [`${REPO_ROOT}/figures`, null]);
  const smoke = parseArgs(["--profile", "smoke"]);
  assertEquals([smoke.figures, smoke.output], [
    `${REPO_ROOT}/out/smoke/figures`,
    `${REPO_ROOT}/out/smoke/notebooks`,
  ]);
  const gpu = parseArgs(["--profile=gpu", "--figures", "/tmp/f/", "--output", "/tmp/n"]);
  assertEquals([gpu.figures, gpu.output], ["/tmp/f", "/tmp/n"]);
  // out/ is gitignored, so smoke and gpu runs leave git status clean
  const ignored = new Deno.Command("git", {
    args: ["check-ignore", "-q", "out/smoke/figures/x"],
    cwd: REPO_ROOT,
  })
    .outputSync();
  assertEquals(ignored.code, 0);
});

Deno.test("reproduce --help documents every option and exits 0 without running anything", async () => {
  assertEquals(parseArgs(["--help"]).help, true);
  assertEquals(parseArgs(["-h"]).help, true);
  for (const name of Object.keys(OPTIONS)) assertEquals(HELP.includes(`--${name}`), true, name);
  for (const opt of ["--paper", "--profile", "--backend", "--seeds", "--fresh", "--cell-timeout"]) {
    assertEquals(HELP.includes(opt), true, opt);
  }
  for (const opt of ["--notebooks", "--figures", "--output"]) assertEquals(HELP.includes(opt), true, opt);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO_ROOT}/tools/reproduce.ts`, "--help"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0);
  assertEquals(new TextDecoder().decode(out.stdout).trim(), HELP);
});

/** A notebook that writes a file to SSL_OUT_DIR, then sleeps for a minute. */
function slowNotebook(): string {
  return notebookJson([
    'await Deno.writeTextFile(`${Deno.env.get("SSL_OUT_DIR")}/partial.txt`, "x");',
    "await new Promise((r) => setTimeout(r, 60_000));",
  ]);
}

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  Deno.test({
    name: `reproduce on ${signal}: exits ${code}, no kernel left, no staging, earlier outputs kept`,
    ignore: Deno.build.os !== "linux",
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const dir = await Deno.makeTempDir();
      try {
        await Deno.mkdir(`${dir}/nb`);
        await Deno.mkdir(`${dir}/figures/slow`, { recursive: true });
        await Deno.writeTextFile(`${dir}/figures/slow/good.txt`, "previous good output");
        await Deno.writeTextFile(`${dir}/nb/01_slow.ipynb`, slowNotebook());
        const child = new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            `${REPO_ROOT}/tools/reproduce.ts`,
            "--notebooks",
            `${dir}/nb`,
            "--figures",
            `${dir}/figures`,
          ],
          stdout: "null",
          stderr: "piped",
        }).spawn();
        const errText = child.stderr.pipeThrough(new TextDecoderStream());
        let log = "";
        const reader = errText.getReader();
        while (!log.includes("code 1/2) ok")) {
          const { value, done } = await reader.read();
          if (done) break;
          log += value;
        }
        // the kernels this reproduce started (its children), so other test runs on the machine do not matter
        const children = childPids(child.pid, "jupyter --kernel");
        assertEquals(children.length, 1, "one kernel running");
        child.kill(signal);
        const rest = (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            log += value;
          }
        })();
        const status = await child.status;
        await rest;
        assertEquals(status.code, code, log);
        await new Promise((r) => setTimeout(r, 1500));
        assertEquals(children.filter(alive), [], "kernel processes left");
        const entries = [...Deno.readDirSync(`${dir}/figures`)].map((e) => e.name);
        assertEquals(entries, ["slow"], "no staging left");
        assertEquals(await Deno.readTextFile(`${dir}/figures/slow/good.txt`), "previous good output");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test("reproduce: a named backend that cannot start, or a bad SSL_BACKEND, is exit 2 before any notebook runs", async () => {
  const lock = await Deno.readTextFile(`${REPO_ROOT}/deno.lock`);
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${REPO_ROOT}/tools/reproduce.ts`, ...args],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, err: new TextDecoder().decode(out.stderr).trim() };
  };
  // no tfjs-node here (and, where it is installed, a figures dir that cannot be created stops it later)
  const tf = await run(["--backend", "tensorflow", "--paper", "tour", "--figures", "/proc/none"]);
  if (!tf.err.includes("cannot write outputs")) {
    assertEquals(tf.code, 2, tf.err);
    assertEquals(tf.err.split("\n").length, 1, tf.err);
    assertStringIncludes(
      tf.err,
      "reproduce: backend tensorflow cannot start: tensorflow backend unavailable",
    );
    assertEquals(tf.err.includes("starting kernel"), false);
  }
  const env = await run(["--paper", "tour"], { SSL_BACKEND: "wsam" });
  assertEquals([env.code, env.err], [
    2,
    'reproduce: SSL_BACKEND: unknown backend "wsam": expected one of ' +
    "tensorflow, webgpu, onednn, wasm, cpu, auto",
  ]);
  assertEquals(await Deno.readTextFile(`${REPO_ROOT}/deno.lock`), lock, "deno.lock untouched");
});
