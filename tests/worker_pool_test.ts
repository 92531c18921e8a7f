import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { defaultWorkerCount, startRunPool, WorkerPool } from "../lib/worker_pool.ts";

const SQUARE = new URL("./fixtures/workers/square_worker.ts", import.meta.url);
type Out = { value: number; worker: string };

Deno.test("WorkerPool: runs every job once, in parallel across workers, results in order", async () => {
  const pool = new WorkerPool<{ offset: number }, number, Out>(SQUARE, { offset: 1 }, 2);
  try {
    await pool.ready();
    const jobs = Array.from({ length: 12 }, (_, i) => i);
    const out = await Promise.all(jobs.map((j) => pool.run(j)));
    assertEquals(out.map((o) => o.value), jobs.map((j) => (j + 1) ** 2));
    assertEquals(new Set(out.map((o) => o.worker)).size, 2, "both workers take jobs");
    assertEquals(pool.pending, 0);
  } finally {
    pool.close();
  }
});

Deno.test("WorkerPool: a throwing job rejects with its message; the worker keeps serving", async () => {
  const pool = new WorkerPool<{ offset: number }, number, Out>(SQUARE, { offset: 0 }, 1);
  try {
    await assertRejects(() => pool.run(-3), Error, "negative job -3");
    assertEquals((await pool.run(4)).value, 16);
  } finally {
    pool.close();
  }
});

Deno.test("WorkerPool: a dying worker rejects its job and is replaced", async () => {
  const pool = new WorkerPool<{ offset: number }, number, Out>(SQUARE, { offset: 0 }, 1);
  try {
    await assertRejects(() => pool.run(NaN), Error, "worker died");
    assertEquals((await pool.run(3)).value, 9);
  } finally {
    pool.close();
  }
});

Deno.test("WorkerPool: a failing setup rejects every job with the cause; close rejects the rest", async () => {
  const bad = new WorkerPool<"bad", number, Out>(SQUARE, "bad", 2);
  await assertRejects(() => bad.ready(), Error, "worker setup failed: bad init");
  await assertRejects(() => bad.run(1), Error, "after close");
  await assertRejects(() => bad.run(1), Error, "after close");
  const pool = new WorkerPool<{ offset: number }, number, Out>(SQUARE, { offset: 0 }, 1);
  const running = pool.run(2);
  pool.close();
  await assertRejects(() => running, Error, "closed");
});

Deno.test("defaultWorkerCount: SSL_WORKERS overrides, bad values are a clear error", () => {
  const old = Deno.env.get("SSL_WORKERS");
  try {
    Deno.env.delete("SSL_WORKERS");
    const n = defaultWorkerCount();
    assert(n >= 1 && n <= 8);
    assertEquals(defaultWorkerCount(1), 1);
    Deno.env.set("SSL_WORKERS", "3");
    assertEquals(defaultWorkerCount(), 3);
    Deno.env.set("SSL_WORKERS", "two");
    assertThrows(() => defaultWorkerCount(), Error, 'SSL_WORKERS must be an integer in 1..256, got "two"');
  } finally {
    if (old === undefined) Deno.env.delete("SSL_WORKERS");
    else Deno.env.set("SSL_WORKERS", old);
  }
});

Deno.test("startRunPool: null for one worker or a non-CPU backend, else a pool given { cfg, backend }", async () => {
  const url = new URL("./fixtures/workers/square_worker.ts", import.meta.url);
  assertEquals(startRunPool(url, { offset: 1 }, "wasm", { workers: 1 }), null);
  assertEquals(startRunPool(url, { offset: 1 }, "webgpu", { workers: 2 }), null);
  const pool = startRunPool<{ offset: number }, number, { value: number }>(url, { offset: 1 }, "cpu", {
    workers: 2,
  })!;
  try {
    assertEquals(pool.size, 2);
    assertEquals((await Promise.all([2, 3].map((j) => pool.run(j)))).map((r) => r.value), [9, 16]);
  } finally {
    pool.close();
  }
});
