import { assert, assertEquals } from "@std/assert";
import { BENCH_MODELS } from "../../tools/bench.ts";

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
  assert(!out.success);
  const err = new TextDecoder().decode(out.stderr).trim();
  assertEquals(err.split("\n").length, 1, err);
  assert(err.includes('unknown model "vgg"'));
});
