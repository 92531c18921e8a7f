import { assertEquals } from "@std/assert";
import { emitProgress, reportTrainStep, withRunLabel } from "../lib/progress.ts";

const read = async (path: string) =>
  (await Deno.readTextFile(path)).trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));

Deno.test("progress channel: a no-op without SSL_PROGRESS_FILE; JSON lines with it; steps throttled per run", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/progress.jsonl`;
  const before = Deno.env.get("SSL_PROGRESS_FILE");
  try {
    Deno.env.delete("SSL_PROGRESS_FILE");
    emitProgress({ kind: "plan", runs: 3 });
    assertEquals(await Deno.stat(path).then(() => true, () => false), false);
    Deno.env.set("SSL_PROGRESS_FILE", path);
    emitProgress({ kind: "plan", runs: 3 });
    reportTrainStep(1, 10, 2.5, null); // outside a run: not reported
    await withRunLabel("demo: seed 0", async () => {
      await Promise.resolve(); // the scope survives awaits
      // within 2 s only the first step and the last (which always goes out) are written
      for (let s = 1; s <= 10; s++) reportTrainStep(s, 10, 1 / s, 64);
    });
    const events = await read(path);
    assertEquals(events.map((e) => e.kind), ["plan", "step", "step"]);
    assertEquals(events[1].run, "demo: seed 0");
    assertEquals([events[1].step, events[2].step], [1, 10]);
    assertEquals(typeof events[0].t, "number");
  } finally {
    if (before === undefined) Deno.env.delete("SSL_PROGRESS_FILE");
    else Deno.env.set("SSL_PROGRESS_FILE", before);
    await Deno.remove(dir, { recursive: true });
  }
});
