/**
 * The worker of {@link startSimclrPool}: each Deno Worker initialises the backend, regenerates (or reloads)
 * the profile's dataset once, and then trains and evaluates the {@link RunSpec}s it is handed through
 * {@link runSimclr}, which stores each result in the shared cache. Not part of the public module: it serves
 * jobs as soon as it is imported.
 *
 * @module
 */
import { serveJobs } from "../../worker_pool.ts";
import { initBackend } from "../../backend/mod.ts";
import { loadSimclrData, type RunResult, runSimclr, type SimclrJob, type SimclrWorkerInit } from "./run.ts";

serveJobs<SimclrWorkerInit, SimclrJob, RunResult>(async (init) => {
  await initBackend(init.backend, { quiet: true });
  const data = await loadSimclrData(init.cfg);
  const ctx = { cfg: init.cfg, data, cache: init.cache, log: null };
  return (job) => runSimclr(ctx, job.run, { transforms: job.transforms });
});
