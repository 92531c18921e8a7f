import { assertEquals, assertThrows } from "@std/assert";
import { kernelEnv, parseArgs, selectNotebooks } from "../../tools/reproduce.ts";

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
  assertThrows(() => parseArgs(["--seeds", "0"]), Error, "--seeds must be a positive integer");
  assertThrows(() => parseArgs(["--seeds"]), Error, "--seeds needs a value");
  assertThrows(() => parseArgs(["--bogus"]), Error, 'unknown argument "--bogus"');
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
