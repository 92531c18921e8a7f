/**
 * A training progress bar on stderr: label, bar, step/total, loss (and its running average), images/s and ETA.
 * On a terminal it is one line redrawn in place (throttled); otherwise (CI, logs) it prints plain lines
 * periodically (every 5 % of the run, at least once a minute) and at the end.
 *
 * @module
 */

/**
 * Format seconds as `45s`, `3m12s` or `2h05m` (`?` for a negative or non-finite value); with `spaced`, as
 * `45 s`, `3m 12s` or `2h 05m` (the notebook progress lines and download ETAs).
 */
export function formatDuration(seconds: number, opts: { spaced?: boolean } = {}): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds), sp = opts.spaced ? " " : "";
  if (s < 60) return `${s}${sp}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${sp}${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${sp}${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Shown first on the line. */
  label: string;
  /** Total steps of the run. */
  total: number;
  /** Steps already done when the bar starts (after a resume); default 0. */
  startStep?: number;
  /** Images per step, for the throughput (omit to show steps/s). */
  batchSize?: number;
  /** Redraw in place (default: whether stderr is a terminal). */
  tty?: boolean;
  /** Output sink (default: stderr, synchronously). */
  write?: (text: string) => void;
  /** Clock in milliseconds (default `performance.now`). */
  now?: () => number;
  /** Minimum milliseconds between redraws on a terminal (default 200). */
  redrawMs?: number;
  /** Non-terminal: at most this many seconds between lines (default 60). */
  lineSeconds?: number;
}

function stderrWriter(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let n = 0;
  while (n < bytes.length) n += Deno.stderr.writeSync(bytes.subarray(n));
}

/** A progress reporter; call {@link Progress.update} after every step and {@link Progress.finish} at the end. */
export class Progress {
  readonly #o: Required<Omit<ProgressOptions, "batchSize">> & { batchSize?: number };
  readonly #t0: number;
  #lastDraw = -Infinity;
  #lastLineStep: number;
  #avg: number | null = null;
  #lastText = "";

  /**
   * Start the clock (throughput and ETA count from here); nothing is written before the first update.
   * @param opts label, total and output options.
   */
  constructor(opts: ProgressOptions) {
    if (!(Number.isInteger(opts.total) && opts.total >= 0)) {
      throw new Error(`Progress: total must be an integer >= 0, got ${opts.total}`);
    }
    this.#o = {
      startStep: 0,
      tty: opts.tty ?? Deno.stderr.isTerminal(),
      write: stderrWriter,
      now: () => performance.now(),
      redrawMs: 200,
      lineSeconds: 60,
      // an option given as `undefined` keeps its default (a plain spread would override it with undefined)
      ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as ProgressOptions,
    };
    this.#t0 = this.#o.now();
    if (!this.#o.tty) this.#lastDraw = this.#t0;
    this.#lastLineStep = this.#o.startStep;
  }

  /** The status line for `done` completed steps and the latest loss (without newline or escape codes). */
  line(done: number, loss: number): string {
    const o = this.#o;
    const elapsed = (o.now() - this.#t0) / 1000;
    const ran = done - o.startStep;
    const rate = elapsed > 0 ? ran / elapsed : 0;
    const frac = o.total > 0 ? Math.min(1, done / o.total) : 1;
    const width = 20;
    const filled = Math.round(frac * width);
    const bar = "#".repeat(filled) + ".".repeat(width - filled);
    const thr = o.batchSize ? `${(rate * o.batchSize).toFixed(1)} img/s` : `${rate.toFixed(2)} step/s`;
    const eta = rate > 0 ? formatDuration((o.total - done) / rate) : "?";
    const avg = this.#avg === null ? "" : ` (avg ${fmtLoss(this.#avg)})`;
    const digits = String(o.total).length;
    return `${o.label} [${bar}] ${String(done).padStart(digits)}/${o.total} loss ${fmtLoss(loss)}${avg} ` +
      `${thr} elapsed ${formatDuration(elapsed)} ETA ${eta}`;
  }

  /** Report that `done` steps are complete, the last with loss `loss`. */
  update(done: number, loss: number): void {
    const o = this.#o;
    if (Number.isFinite(loss)) this.#avg = this.#avg === null ? loss : 0.98 * this.#avg + 0.02 * loss;
    const now = o.now();
    if (o.tty) {
      if (now - this.#lastDraw < o.redrawMs && done < o.total) return;
      this.#lastDraw = now;
      this.#lastText = this.line(done, loss);
      o.write(`\r${this.#lastText}\x1b[K`);
      return;
    }
    const every = Math.max(1, Math.ceil(o.total / 20));
    const due = done - this.#lastLineStep >= every || (now - this.#lastDraw) / 1000 >= o.lineSeconds ||
      done === o.total;
    if (!due) return;
    this.#lastDraw = now;
    this.#lastLineStep = done;
    this.#lastText = this.line(done, loss);
    o.write(`${this.#lastText}\n`);
  }

  /** End the bar (newline on a terminal) and optionally print a final message line. */
  finish(message?: string): void {
    if (this.#o.tty && this.#lastText) this.#o.write("\n");
    if (message) this.#o.write(`${message}\n`);
  }
}

function fmtLoss(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1000 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4);
}
