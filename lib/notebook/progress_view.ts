/**
 * Live progress of a notebook on the terminal, from the progress channel (`lib/progress.ts`) its kernel and
 * workers write: how many runs are done of those planned so far, which runs are training (step, loss, images/s)
 * and an ETA for the planned runs. On a terminal the view is a block of a few lines redrawn in place (at most
 * once a second); otherwise it prints plain lines: one per trained run finished, and a heartbeat every
 * {@link PLAIN_HEARTBEAT_MS} while runs train.
 *
 * The ETA assumes the runs still to go take as long as the trained runs so far (or, before any finished, as
 * the running ones' pace predicts), spread over the runs training side by side.
 *
 * @module
 */
import type { ProgressEvent } from "../progress.ts";
import { formatDuration } from "../train/progress.ts";

/** Plain (non-terminal) output: a heartbeat line at most this often while runs train. */
export const PLAIN_HEARTBEAT_MS = 60_000;

type Timed<E> = E & { t: number };

interface Running {
  started: number;
  step: number;
  steps: number;
  loss: number;
  imagesPerSec: number | null;
}

/** "52 s", "4m 05s", "1h 12m". */
const duration = (seconds: number) => formatDuration(seconds, { spaced: true });

/** Folds progress events into the few lines shown for one notebook. */
export class ProgressView {
  #planned = 0;
  #done = 0;
  #cached = 0;
  #trainedSeconds: number[] = [];
  #running = new Map<string, Running>();
  #lastPlain = 0;

  /**
   * @param paper the notebook's paper (line prefix).
   * @param opts.maxRuns how many running runs to list (default 4).
   */
  constructor(readonly paper: string, readonly opts: { maxRuns?: number } = {}) {}

  /** Apply events in order; returns the plain lines they produce (finished trained runs). */
  feed(events: readonly Timed<ProgressEvent>[]): string[] {
    const lines: string[] = [];
    for (const e of events) {
      if (e.kind === "plan") this.#planned += e.runs;
      else if (e.kind === "start") {
        this.#running.set(e.run, { started: e.t, step: 0, steps: 0, loss: NaN, imagesPerSec: null });
      } else if (e.kind === "step") {
        const r = this.#running.get(e.run) ??
          { started: e.t, step: 0, steps: 0, loss: NaN, imagesPerSec: null };
        this.#running.set(e.run, {
          ...r,
          step: e.step,
          steps: e.steps,
          loss: e.loss,
          imagesPerSec: e.imagesPerSec,
        });
      } else if (e.kind === "done") {
        this.#running.delete(e.run);
        this.#done++;
        if (e.cached) this.#cached++;
        else {
          this.#trainedSeconds.push(e.seconds);
          const what = e.summary ? ` (${e.summary})` : "";
          lines.push(
            `[${this.paper}] ${this.#count()} done: ${e.run}${what} in ${duration(e.seconds)}${
              this.#eta(e.t)
            }`,
          );
        }
      }
    }
    // runs started outside a plan still count
    this.#planned = Math.max(this.#planned, this.#done + this.#running.size);
    return lines;
  }

  #count(): string {
    return `run ${this.#done}/${this.#planned}`;
  }

  /** Seconds left for the runs planned so far, or null when nothing tells yet. */
  etaSeconds(now: number): number | null {
    const left = this.#planned - this.#done;
    if (left <= 0) return 0;
    let perRun: number | null = null;
    if (this.#trainedSeconds.length) {
      perRun = this.#trainedSeconds.reduce((a, b) => a + b, 0) / this.#trainedSeconds.length;
    } else {
      const paces = [...this.#running.values()].filter((r) => r.steps > 0 && r.step > 0)
        .map((r) => (now - r.started) / 1000 / (r.step / r.steps));
      if (paces.length) perRun = paces.reduce((a, b) => a + b, 0) / paces.length;
    }
    if (perRun === null) return null;
    const parallel = Math.max(1, this.#running.size);
    const runningLeft = [...this.#running.values()].reduce(
      (a, r) => a + perRun! * (r.steps > 0 ? 1 - r.step / r.steps : 1),
      0,
    );
    return (runningLeft + Math.max(0, left - this.#running.size) * perRun) / parallel;
  }

  #eta(now: number): string {
    const eta = this.etaSeconds(now);
    return eta === null || this.#done >= this.#planned ? "" : ` · ETA ${duration(eta)}`;
  }

  /** The block drawn on a terminal: a summary line, then one line per running run. */
  lines(now: number): string[] {
    if (this.#planned === 0 && this.#running.size === 0) return [];
    const head = `[${this.paper}] runs ${this.#done}/${this.#planned} done` +
      `${this.#cached ? ` (${this.#cached} cached)` : ""}` +
      `${this.#running.size ? ` · ${this.#running.size} training` : ""}${this.#eta(now)}`;
    const max = this.opts.maxRuns ?? 4;
    const runs = [...this.#running.entries()].slice(0, max).map(([name, r]) => `  ${name}  ${runText(r)}`);
    const more = this.#running.size > max ? [`  … and ${this.#running.size - max} more`] : [];
    return [head, ...runs, ...more];
  }

  /** A heartbeat line for plain output when one is due (runs training, none printed for a while), else null. */
  heartbeat(now: number): string | null {
    if (this.#running.size === 0 || now - this.#lastPlain < PLAIN_HEARTBEAT_MS) return null;
    this.#lastPlain = now;
    const [name, r] = [...this.#running.entries()][0];
    return `[${this.paper}] ${this.#count()} · training ${name} ${runText(r)}${this.#eta(now)}`;
  }

  /** The closing line: how many runs were trained and how many came from the cache, or null when none ran. */
  summary(): string | null {
    if (this.#done === 0) return null;
    const trained = this.#trainedSeconds.length;
    const secs = this.#trainedSeconds.reduce((a, b) => a + b, 0);
    return `[${this.paper}] ${this.#done} run(s): ${trained} trained (${duration(secs)} of training), ` +
      `${this.#cached} from the cache`;
  }

  /** Note that a plain line was printed (resets the heartbeat). */
  printed(now: number): void {
    this.#lastPlain = now;
  }
}

function runText(r: Running): string {
  if (r.steps === 0) return "starting";
  const loss = Number.isFinite(r.loss) ? ` · loss ${r.loss.toPrecision(4)}` : "";
  const ips = r.imagesPerSec ? ` · ${Math.round(r.imagesPerSec)} img/s` : "";
  return `step ${r.step}/${r.steps}${loss}${ips}`;
}

/** What {@link watchProgress} returns. */
export interface ProgressWatch {
  /** Print a line above the live block (which is redrawn after it). */
  log(line: string): void;
  /** Read what is left, clear the block, print the summary line and stop (later lines print plainly). */
  stop(): Promise<void>;
}

/**
 * Tail the progress file `path` and draw `view` on `out` (stderr by default): redrawn in place when `tty`,
 * plain lines otherwise. Polls every `intervalMs` (default 1000).
 */
export function watchProgress(
  path: string,
  view: ProgressView,
  opts: { tty?: boolean; write?: (s: string) => void; intervalMs?: number; now?: () => number } = {},
): ProgressWatch {
  const write = opts.write ?? ((s: string) => Deno.stderr.writeSync(new TextEncoder().encode(s)));
  const tty = opts.tty ?? Deno.stderr.isTerminal();
  const now = opts.now ?? Date.now;
  let offset = 0, partial = "", drawn = 0, stopped = false;
  const decoder = new TextDecoder(); // streaming: a read may end inside a multi-byte character
  const clear = () => {
    if (tty && drawn > 0) write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (!tty) return;
    const lines = view.lines(now()).map((l) => l.slice(0, 160));
    clear();
    if (lines.length) write(lines.join("\n") + "\n");
    drawn = lines.length;
  };
  const poll = () => {
    let bytes: Uint8Array;
    try {
      const file = Deno.openSync(path, { read: true });
      try {
        file.seekSync(offset, Deno.SeekMode.Start);
        const buf = new Uint8Array(1 << 16);
        const chunks: Uint8Array[] = [];
        for (;;) {
          const n = file.readSync(buf);
          if (!n) break;
          chunks.push(buf.slice(0, n));
        }
        bytes = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
        let o = 0;
        for (const c of chunks) bytes.set(c, (o += c.length) - c.length);
      } finally {
        file.close();
      }
    } catch {
      return; // not written yet
    }
    offset += bytes.length;
    const text = partial + decoder.decode(bytes, { stream: true });
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    const events = parts.filter(Boolean).flatMap((l) => {
      try {
        return [JSON.parse(l) as Timed<ProgressEvent>];
      } catch {
        return [];
      }
    });
    const lines = view.feed(events);
    if (tty) {
      if (lines.length) {
        clear();
        write(lines.join("\n") + "\n");
      }
      draw();
    } else {
      for (const l of lines) write(l + "\n");
      if (lines.length) view.printed(now());
      const beat = view.heartbeat(now());
      if (beat) write(beat + "\n");
    }
  };
  const timer = setInterval(poll, opts.intervalMs ?? 1000);
  Deno.unrefTimer(timer);
  return {
    log(line: string) {
      if (stopped) return write(line + "\n");
      clear();
      write(line + "\n");
      if (!tty) view.printed(now());
      draw();
    },
    stop() {
      if (stopped) return Promise.resolve();
      clearInterval(timer);
      poll();
      clear();
      stopped = true;
      const summary = view.summary();
      if (summary) write(summary + "\n");
      return Promise.resolve();
    },
  };
}
