/**
 * The worker of {@link startPirlPool}: each Deno Worker initialises the backend, regenerates (or reloads) the
 * profile's dataset once, and then trains and evaluates the {@link RunSpec}s it is handed through
 * {@link runPirl}, which stores each result in the shared cache. Not part of the public module: it serves jobs
 * as soon as it is imported.
 *
 * @module
 */
import { serveJobs } from "../../worker_pool.ts";
import { initBackend } from "../../backend/mod.ts";
import type { RunSpec } from "./config.ts";
import { loadPirlData, type PirlRunResult, type PirlWorkerInit, runPirl } from "./run.ts";

serveJobs<PirlWorkerInit, RunSpec, PirlRunResult>(async (init) => {
  await initBackend(init.backend, { quiet: true });
  const data = await loadPirlData(init.cfg);
  const ctx = { cfg: init.cfg, data, cache: init.cache, log: null };
  return (run) => runPirl(ctx, run);
});
