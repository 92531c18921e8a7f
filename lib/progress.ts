/**
 * The progress channel from experiments to whoever runs them. When `SSL_PROGRESS_FILE` is set (by
 * `deno task reproduce`, one file per notebook), the run engine and the training loop append one JSON object
 * per line to it: the runs a driver plans, each run's start, its training steps (at most one line every
 * {@link STEP_INTERVAL_MS} per run) and its end. The reproduce process tails the file and draws a few live lines
 * on the terminal (`lib/notebook/progress_view.ts`), so the notebook's own outputs stay free of progress bars.
 * Without the variable (interactive Jupyter, tests) every call is a no-op.
 *
 * Lines are appended with one `write` each (well under the size the OS appends atomically), so the Deno Workers
 * of a run pool can share the file. Which run a training step belongs to comes from {@link withRunLabel}
 * (an `AsyncLocalStorage` scope set by the engine around each run), not from a global.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** Minimum milliseconds between two step lines of one run. */
export const STEP_INTERVAL_MS = 2000;

/** One line of the channel. */
export type ProgressEvent =
  | { kind: "plan"; runs: number }
  | { kind: "start"; run: string }
  | { kind: "step"; run: string; step: number; steps: number; loss: number; imagesPerSec: number | null }
  | { kind: "done"; run: string; seconds: number; cached: boolean; summary?: string };

const scope = new AsyncLocalStorage<{ run: string; lastStep: number }>();
const encoder = new TextEncoder();

/** The progress file of this process (`SSL_PROGRESS_FILE`), or null when there is none. */
export function progressChannel(): string | null {
  try {
    return Deno.env.get("SSL_PROGRESS_FILE") || null;
  } catch {
    return null; // no env permission: no channel
  }
}

/** Append one event (with the time) to the channel, when there is one. Never throws. */
export function emitProgress(event: ProgressEvent): void {
  const path = progressChannel();
  if (!path) return;
  try {
    Deno.writeFileSync(path, encoder.encode(JSON.stringify({ t: Date.now(), ...event }) + "\n"), {
      append: true,
      create: true,
    });
  } catch {
    // progress is best effort: a full disk or a removed file must not fail a run
  }
}

/** Run `fn` with `run` as the label of the training steps it reports. */
export function withRunLabel<T>(run: string, fn: () => Promise<T>): Promise<T> {
  return scope.run({ run, lastStep: 0 }, fn);
}

/**
 * Report a training step of the current run (see {@link withRunLabel}; steps outside a run are not reported).
 * Throttled to one line every {@link STEP_INTERVAL_MS} per run, and always the last step.
 * @param step steps done so far; @param steps the total.
 */
export function reportTrainStep(
  step: number,
  steps: number,
  loss: number,
  imagesPerSec: number | null,
): void {
  const s = scope.getStore();
  if (!s || !progressChannel()) return;
  const now = Date.now();
  if (step < steps && now - s.lastStep < STEP_INTERVAL_MS) return;
  s.lastStep = now;
  emitProgress({ kind: "step", run: s.run, step, steps, loss, imagesPerSec });
}
