/**
 * Shared fixtures of the transfer experiment tests: the wasm backend and the smoke configuration with its data,
 * cut down further where a test needs speed.
 *
 * @module
 */
import { initBackend } from "../../../lib/backend/mod.ts";
import { type TransferConfig, transferConfig } from "../../../lib/experiments/transfer/config.ts";
import { loadTransferData, type TransferContext } from "../../../lib/experiments/transfer/run.ts";

/** The smoke configuration (with overrides) and its data, on the wasm backend. */
export async function tinyTransfer(
  override: Partial<TransferConfig> = {},
): Promise<Pick<TransferContext, "cfg" | "upstream" | "tasks">> {
  await initBackend("wasm", { quiet: true });
  const cfg = { ...transferConfig("smoke"), ...override };
  return { cfg, ...(await loadTransferData(cfg)) };
}
