import { assert, assertEquals } from "@std/assert";
import { defaultTasks, defaultZoo, transferConfig } from "../../../lib/experiments/transfer/config.ts";
import { CPU_SHAPES, simclrConfig } from "../../../lib/experiments/simclr/config.ts";

Deno.test("transferConfig: every profile has near and far tasks, a random-init and a supervised model", () => {
  for (const p of ["smoke", "cpu", "gpu"] as const) {
    const c = transferConfig(p);
    assertEquals(c.profile, p);
    assertEquals(c.upstream.profile, p);
    assertEquals(new Set(c.tasks.map((t) => t.domain)), new Set(["near", "far", "attribute"]));
    assert(c.zoo.some((m) => m.kind === "random"));
    assert(c.zoo.some((m) => m.kind === "trained" && m.run.method === "supervised"));
    assertEquals(new Set(c.zoo.map((m) => m.name)).size, c.zoo.length, "model names are unique");
    // few-shot episodes need shots + queries test images per class (≤ 10 classes per task)
    for (const t of c.tasks) assert(t.nTest / 10 >= Math.max(...c.eval.shots) + c.eval.queries, t.name);
  }
  const cpu = transferConfig("cpu");
  assert(
    cpu.zoo.filter((m) => m.kind === "trained").length >= 10 && cpu.seeds >= 3,
    "≥ 10 trained models × seeds",
  );
  assert(cpu.tasks.length >= 6, "≥ 6 downstream tasks");
  assertEquals(cpu.upstream.dataset.shapes, CPU_SHAPES);
  assertEquals(transferConfig("gpu").upstream.dataset.shapes, CPU_SHAPES);
  assertEquals(transferConfig("cpu", { seeds: 5 }).seeds, 5);
});

Deno.test("defaultZoo: the cpu zoo's SimCLR runs are runs of the SimCLR ablations (so they are cached)", () => {
  const up = simclrConfig("cpu");
  const zoo = defaultZoo(up, "cpu");
  const base = JSON.stringify(up.base);
  const simclr = zoo.find((m) => m.name === "SimCLR")!;
  assert(simclr.kind === "trained" && JSON.stringify(simclr.run) === base);
  // every trained model departs from the base run in at most two fields (one ablation cell)
  for (const m of zoo) {
    if (m.kind !== "trained") continue;
    const diff = Object.keys(up.base).filter((k) =>
      JSON.stringify((up.base as Record<string, unknown>)[k]) !==
        JSON.stringify((m.run as Record<string, unknown>)[k])
    );
    assert(diff.length <= 2, `${m.name}: ${diff}`);
  }
  assertEquals(defaultZoo(simclrConfig("smoke"), "smoke").length, 4);
});

Deno.test("defaultTasks: near tasks keep the upstream distribution but change one factor", () => {
  const tasks = defaultTasks(CPU_SHAPES, 100, 50);
  const near = tasks.filter((t) => t.domain === "near");
  assertEquals(near.length, 2);
  for (const t of near) {
    assertEquals([t.dataset, t.label, t.shapes!.objectScale, t.shapes!.rotate], [
      "shapes",
      "shape",
      1.8,
      false,
    ]);
    assert(t.seed !== 0, "other images than the upstream's");
  }
  assertEquals(tasks.filter((t) => t.domain === "far").map((t) => t.dataset), ["mnist", "fashion-mnist"]);
  // the attribute tasks ask for other factors of the upstream images themselves
  const attributes = tasks.filter((t) => t.domain === "attribute");
  assertEquals(attributes.map((t) => t.label), ["colour", "position"]);
  // colour with hues filling their bins (a label the probe does not saturate), position on the upstream images
  assertEquals(attributes.map((t) => t.shapes), [{ ...CPU_SHAPES, hueJitter: 30 }, CPU_SHAPES]);
  assert(tasks.every((t) => t.nTrain === 100 && t.nTest === 50));
});
