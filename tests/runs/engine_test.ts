import { assert, assertEquals, assertRejects } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { runJob, runJobs, startMethodPool } from "../../lib/runs/engine.ts";
import { demoMethod } from "../fixtures/runs/demo_method.ts";

await tf.setBackend("cpu");

Deno.test("runJob: computes once and logs one line, then answers from the cache; a different key recomputes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines: string[] = [];
    const ctx = {
      ...(await demoMethod.load({ target: 3, steps: 8 }, { dir })),
      log: (l: string) => lines.push(l),
    };
    const tensors = tf.memory().numTensors;
    const a = await runJob(demoMethod, ctx, { seed: 1 });
    assertEquals(tf.memory().numTensors, tensors, "no tensors leak");
    assert(Math.abs(a.value - 103) < 0.1, String(a.value));
    assertEquals(await runJob(demoMethod, ctx, { seed: 1 }), a);
    assertEquals(lines.length, 1);
    assert(/^demo: seed 1: value 10[23]\.\d\d \(\d+\.\d s\)$/.test(lines[0]), lines[0]);
    const other = await runJob(demoMethod, { ...ctx, cfg: { target: 3, steps: 2 } }, { seed: 1 });
    assert(other.value !== a.value);
    assertEquals(lines.length, 2);
    await assertRejects(() => runJob(demoMethod, ctx, { seed: 2, fail: true }), Error, "failed on purpose");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runJobs on the generic worker pool equals runJobs in this thread, in order", async () => {
  const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const cfg = { target: -2, steps: 5 };
  const pool = startMethodPool(demoMethod, cfg, "cpu", { workers: 2, cache: { dir: b } });
  assert(pool !== null);
  try {
    const jobs = [{ seed: 0 }, { seed: 1 }, { seed: 2 }];
    const here = await runJobs(demoMethod, { ...(await demoMethod.load(cfg, { dir: a })), log: null }, jobs);
    const there = await runJobs(
      demoMethod,
      { ...(await demoMethod.load(cfg, { dir: b })), log: null, pool },
      jobs,
    );
    assertEquals(there, here);
    assertEquals(here.map((r) => r.seed), [0, 1, 2]);
    // the workers stored the entries: a context without the pool finds them
    const again = await runJob(
      demoMethod,
      { ...(await demoMethod.load(cfg, { dir: b })), log: null },
      jobs[2],
    );
    assertEquals(again, here[2]);
  } finally {
    pool.close();
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
  assertEquals(startMethodPool(demoMethod, cfg, "cpu", { workers: 1 }), null);
  assertEquals(startMethodPool(demoMethod, cfg, "webgpu", { workers: 4 }), null);
});

Deno.test("a worker pool whose method export is missing fails every job with one line", async () => {
  const pool = startMethodPool(
    { ...demoMethod, exportName: "noSuchMethod" },
    { target: 0, steps: 1 },
    "cpu",
    {
      workers: 2,
    },
  );
  assert(pool !== null);
  try {
    const e = await assertRejects(
      () => pool.run({ seed: 0 }),
      Error,
      'exports no run-engine method named "noSuchMethod"',
    );
    assertEquals(e.message.includes("\n"), false);
  } finally {
    pool.close();
  }
});
