import { assert, assertEquals } from "@std/assert";
import { BENCH_MODELS, HELP, OPTIONS } from "../../tools/bench.ts";

const BENCH = new URL("../../tools/bench.ts", import.meta.url).pathname;

Deno.test("bench --json: one line per model and variant with the documented fields", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", BENCH, "--json", "--backend", "wasm", "--models", "cnn3,simclr-cnn3", "--batch", "4"]
      .concat(["--steps", "1", "--warmup", "0"]),
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => JSON.parse(l));
  const variants = (navigator.hardwareConcurrency || 1) > 1 ? 2 : 1;
  assertEquals(lines.length, 2 * variants);
  for (const l of lines) {
    assert(BENCH_MODELS.includes(l.model));
    assertEquals([l.backend, l.batch], ["wasm", 4]);
    assert(l.imagesPerSec > 0 && l.msPerStep > 0);
    assert(Math.abs(l.imagesPerSec - 4000 / l.msPerStep) / l.imagesPerSec < 0.05, "images/s = batch / time");
  }
  assertEquals(lines.filter((l) => l.workers === undefined).map((l) => l.model), ["cnn3", "simclr-cnn3"]);
});

Deno.test("bench: bad arguments are one-line errors", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", BENCH, "--models", "vgg"],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assertEquals(out.code, 2);
  const err = new TextDecoder().decode(out.stderr).trim();
  assertEquals(err.split("\n").length, 1, err);
  assert(err.includes('unknown model "vgg"'));
});

Deno.test("bench --help documents every option and exits 0 at once; bad options and backends exit 2", async () => {
  const run = async (args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", BENCH, ...args],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    return {
      code: out.code,
      out: new TextDecoder().decode(out.stdout),
      err: new TextDecoder().decode(out.stderr).trim(),
    };
  };
  const help = await run(["--help"]);
  assertEquals(help.code, 0);
  assertEquals(help.out.trim(), HELP);
  for (const name of Object.keys(OPTIONS)) assert(HELP.includes(`--${name}`), name);
  for (
    const [args, text] of [
      [["--bogus"], 'unknown option "--bogus"'],
      [["--backend", "wsam"], 'unknown backend "wsam"'],
      [["--profile"], "per-kernel timing is --kernel-profile"],
      [["--steps", "0"], "--steps: expected an integer >= 1"],
      [["--without", "NoSuchKernel"], "--without: unknown kernel NoSuchKernel"],
      [["--embedding-step", "recompute"], "--embedding-step needs --workers or --chunk"],
    ] as const
  ) {
    const r = await run([...args]);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assertEquals(r.err.split("\n").length, 1, r.err);
    assert(r.err.includes(text), r.err);
  }
});
