/**
 * Shared fixtures of the SimCLR experiment tests: the wasm backend, a tiny configuration and its data.
 *
 * @module
 */
import { initBackend } from "../../../lib/backend/mod.ts";
import { type SimclrConfig, simclrConfig } from "../../../lib/experiments/simclr/config.ts";
import { loadSimclrData } from "../../../lib/experiments/simclr/run.ts";
import type { SimclrData } from "../../../lib/experiments/simclr/pretrain.ts";

/** Initialise the backend quietly (wasm, as the notebooks use by default on CPU). */
export async function backend(): Promise<void> {
  await initBackend("wasm", { quiet: true });
}

/** The smoke configuration with the given overrides, and its data. */
export async function tiny(
  override: Partial<SimclrConfig> = {},
): Promise<{ cfg: SimclrConfig; data: SimclrData }> {
  await backend();
  const cfg = { ...simclrConfig("smoke"), ...override };
  return { cfg, data: await loadSimclrData(cfg) };
}
