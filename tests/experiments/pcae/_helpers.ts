/**
 * Shared helpers of the PCAE tests: the cpu backend and the smoke profile's data.
 * @module
 */
import { tf } from "../../../lib/tf.ts";
import { pcaeConfig } from "../../../lib/experiments/pcae/config.ts";
import { loadPcaeData } from "../../../lib/experiments/pcae/run.ts";
import type { PcaeConfig } from "../../../lib/experiments/pcae/config.ts";
import type { PcaeData } from "../../../lib/experiments/pcae/pretrain.ts";

/** Use the cpu backend. */
export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}

/** The smoke config and its data (tiny: 64 training and 32 test images of 16 px). */
export async function tiny(): Promise<{ cfg: PcaeConfig; data: PcaeData }> {
  await useCpu();
  const cfg = pcaeConfig("smoke");
  return { cfg, data: await loadPcaeData(cfg) };
}
