/**
 * The worker of {@link startTransferPool}: each Deno Worker initialises the backend, loads the upstream data
 * and the downstream tasks once, and then evaluates the (model, seed) jobs it is handed through
 * {@link runTransferJob}, which stores each result in the shared cache. Not part of the public module: it
 * serves jobs as soon as it is imported.
 *
 * @module
 */
import { serveJobs } from "../../worker_pool.ts";
import { initBackend } from "../../backend/mod.ts";
import {
  loadTransferData,
  type ModelSeedResult,
  runTransferJob,
  type TransferJob,
  type TransferWorkerInit,
} from "./run.ts";

serveJobs<TransferWorkerInit, TransferJob, ModelSeedResult>(async (init) => {
  await initBackend(init.backend, { quiet: true });
  const data = await loadTransferData(init.cfg);
  const ctx = { cfg: init.cfg, ...data, cache: init.cache, log: null };
  return (job) => runTransferJob(ctx, job);
});
