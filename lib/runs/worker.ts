/**
 * The one worker of the run engine ({@link startMethodPool}): it imports the method named by its init (a
 * module URL and an export name), initialises the backend, builds the method's context once (loading the data) and
 * then computes the jobs it is handed through the cache ({@link cachedJob}), so the main thread finds each
 * stored entry. Not part of the public module: it serves jobs as soon as it is imported.
 *
 * @module
 */
import { serveJobs } from "../worker_pool.ts";
import { initBackend } from "../backend/mod.ts";
import { cachedJob, type EngineWorkerInit } from "./engine.ts";
import type { AnyMethod } from "./method.ts";

serveJobs<EngineWorkerInit<unknown>, unknown, unknown>(async (init) => {
  const mod = await import(init.module);
  const method = mod[init.exportName] as AnyMethod | undefined;
  if (!method || typeof method.compute !== "function") {
    throw new Error(`${init.module} exports no run-engine method named "${init.exportName}"`);
  }
  await initBackend(init.backend, { quiet: true });
  const ctx = await method.load(init.cfg, init.cache);
  return (job) => cachedJob(method, ctx, job);
});
