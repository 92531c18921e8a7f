import { assert, assertEquals, assertMatch, assertThrows } from "@std/assert";
import { experimentParams, gitState, startExperiment } from "../lib/experiment.ts";
import { makeClaim } from "../lib/report/results.ts";
import { verdictGreater } from "../lib/report/verdict.ts";
import { meanCI } from "../lib/stats/confidence.ts";
import { REPO_ROOT } from "../lib/paths.ts";

const envOf = (vars: Record<string, string>) => (k: string) => vars[k];

Deno.test("experimentParams: defaults for plain Jupyter", () => {
  const p = experimentParams("pirl", envOf({}));
  assertEquals(p, {
    profile: "cpu",
    backend: "auto",
    seeds: [0, 1, 2, 3, 4],
    fresh: false,
    paper: "pirl",
    outDir: `${REPO_ROOT}/figures/pirl`,
  });
  assertEquals(experimentParams(undefined, envOf({ SSL_PROFILE: "smoke" })).seeds, [0, 1]);
  // plain Jupyter at another profile never writes the checked-in figures
  assertEquals(
    experimentParams("pirl", envOf({ SSL_PROFILE: "smoke" })).outDir,
    `${REPO_ROOT}/out/smoke/figures/pirl`,
  );
  assertEquals(experimentParams(undefined, envOf({})).paper, "scratch");
});

Deno.test("experimentParams: values from the executor's environment", () => {
  const p = experimentParams(
    "tour",
    envOf({
      SSL_PROFILE: "gpu",
      SSL_BACKEND: "cpu",
      SSL_SEEDS: "4",
      SSL_FRESH: "1",
      SSL_PAPER: "tour",
      SSL_OUT_DIR: "/tmp/stage",
    }),
  );
  assertEquals(p, {
    profile: "gpu",
    backend: "cpu",
    seeds: [0, 1, 2, 3],
    fresh: true,
    paper: "tour",
    outDir: "/tmp/stage",
  });
  assertEquals(experimentParams(undefined, envOf({ SSL_PAPER: "simclr" })).paper, "simclr");
});

Deno.test("experimentParams: one-line errors for bad values", () => {
  assertThrows(() => experimentParams("x", envOf({ SSL_PROFILE: "huge" })), Error, 'unknown profile "huge"');
  assertThrows(() => experimentParams("x", envOf({ SSL_SEEDS: "two" })), Error, "SSL_SEEDS");
  assertThrows(() => experimentParams("x", envOf({ SSL_BACKEND: "tpu" })), Error, 'unknown backend "tpu"');
  assertThrows(() => experimentParams("Bad Name", envOf({})), Error, "must match");
  assertThrows(
    () => experimentParams("pirl", envOf({ SSL_PAPER: "simclr" })),
    Error,
    'declares paper "pirl"',
  );
});

Deno.test("gitState reports the commit of this checkout", async () => {
  const g = await gitState();
  assert(g.commit === "unknown" || /^[0-9a-f]{40}$/.test(g.commit), g.commit);
  assertEquals((await gitState("/")).commit, "unknown");
});

Deno.test("gitState: dirty means uncommitted code, not reproduce's own outputs", async () => {
  const dir = await Deno.makeTempDir();
  const git = (...args: string[]) =>
    new Deno.Command("git", {
      args: ["-c", "user.email=t@example.org", "-c", "user.name=t", ...args],
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).output();
  try {
    await git("init", "-q");
    for (const d of ["lib", "figures", "notebooks"]) await Deno.mkdir(`${dir}/${d}`);
    for (const f of ["lib/a.ts", "figures/r.json", "notebooks/n.ipynb"]) {
      await Deno.writeTextFile(`${dir}/${f}`, "1");
    }
    await git("add", ".");
    await git("commit", "-qm", "init");
    assertEquals((await gitState(dir)).dirty, false);
    await Deno.writeTextFile(`${dir}/figures/r.json`, "2");
    await Deno.writeTextFile(`${dir}/notebooks/n.ipynb`, "2");
    await Deno.writeTextFile(`${dir}/figures/new.svg`, "<svg/>");
    assertEquals((await gitState(dir)).dirty, false);
    await Deno.writeTextFile(`${dir}/lib/a.ts`, "2");
    assertEquals((await gitState(dir)).dirty, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startExperiment records provenance and writes results into outDir", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const exp = await startExperiment("demo", {
      env: envOf({ SSL_PROFILE: "smoke", SSL_BACKEND: "cpu", SSL_OUT_DIR: `${dir}/out` }),
    });
    assertEquals(exp.backend.name, "cpu");
    assertEquals(exp.provenance.profile, "smoke");
    assertEquals(exp.provenance.seeds, [0, 1]);
    assertMatch(exp.provenance.startedAt, /^\d{4}-\d\d-\d\dT/);
    assertEquals(exp.path("a.svg"), `${dir}/out/a.svg`);
    const ours = meanCI([1, 1.1, 0.9]);
    const r = await exp.writeResults([
      makeClaim({ id: "c", claim: "c", paper: null, ours }, verdictGreater(ours, 0)),
    ], {
      k: 1,
    });
    const back = JSON.parse(await Deno.readTextFile(`${dir}/out/results.json`));
    assertEquals(back, JSON.parse(JSON.stringify(r)));
    assertEquals([back.paper, back.backend, back.claims[0].verdict], ["demo", "cpu", "reproduced"]);
    assert(back.wallSeconds >= 0);
    // a figure goes to the experiment's directory with its provenance
    const fig = await exp.figure({ mark: "point", data: { values: [{ x: 1 }] }, encoding: {} }, "dot", {
      caption: "A dot.",
      display: false,
    });
    assertEquals([fig.paper, fig.provenance?.profile], ["demo", "smoke"]);
    assert((await Deno.stat(`${dir}/out/dot.svg`)).isFile);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seeds are decided once: the paper's count per profile, SSL_SEEDS over it at any profile", async () => {
  const counts = { smoke: 1, cpu: 3, gpu: 4 };
  const at = (vars: Record<string, string>) =>
    startExperiment("demo", {
      env: envOf({ SSL_BACKEND: "cpu", SSL_OUT_DIR: "/tmp/ssl-demo", ...vars }),
      seeds: counts,
    });
  assertEquals((await at({ SSL_PROFILE: "smoke" })).params.seeds, [0]);
  assertEquals((await at({ SSL_PROFILE: "cpu" })).provenance.seeds, [0, 1, 2]);
  // --seeds is honoured at the smoke profile too
  assertEquals((await at({ SSL_PROFILE: "smoke", SSL_SEEDS: "2" })).params.seeds, [0, 1]);
  assertEquals((await at({ SSL_PROFILE: "gpu", SSL_SEEDS: "6" })).provenance.seeds, [0, 1, 2, 3, 4, 5]);
  await Deno.remove("/tmp/ssl-demo", { recursive: true }).catch(() => {});
});
