/**
 * The worker of {@link startPcaePool}: each Deno Worker initialises the backend, loads the profile's dataset once,
 * and then runs the {@link PcaeJob}s it is handed through {@link computeJob} inside the shared cache (so the
 * main thread finds the stored entry). Not part of the public module: it serves jobs as soon as it is imported.
 *
 * @module
 */
import { serveJobs } from "../../worker_pool.ts";
import { initBackend } from "../../backend/mod.ts";
import { cached, jsonCodec } from "../../cache.ts";
import {
  computeJob,
  jobKey,
  loadPcaeData,
  type PcaeJob,
  type PcaeRunResult,
  type PcaeWorkerInit,
} from "./run.ts";
import type { PcaeEval } from "./evaluate.ts";

serveJobs<PcaeWorkerInit, PcaeJob, PcaeRunResult | PcaeEval>(async (init) => {
  await initBackend(init.backend, { quiet: true });
  const data = await loadPcaeData(init.cfg);
  const ctx = { cfg: init.cfg, data, cache: init.cache, log: null };
  return (job) =>
    cached(jobKey(init.cfg, job), () => computeJob(ctx, job), jsonCodec<PcaeRunResult | PcaeEval>(), {
      name: "pcae-eval",
      ...init.cache,
    });
});
