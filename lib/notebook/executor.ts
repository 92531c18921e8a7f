/**
 * Run a notebook top to bottom in a fresh Deno kernel and, only if every cell succeeds, publish the results.
 *
 * Outputs are staged: the kernel gets `SSL_OUT_DIR` = a temporary directory `figures/.<paper>.staging-….tmp`,
 * where the notebook's figure and results helpers write. When the whole notebook succeeded, the staging
 * directory replaces `figures/<paper>/` (rename; the old directory is removed afterwards) and the executed
 * notebook is written back atomically. When a cell fails or the kernel dies, the staging directory is deleted and
 * the previous notebook, figures and results stay exactly as they were. Staging and old-output directories are
 * hidden and carry the pid of their run; those of runs no longer alive (killed with SIGKILL) are swept at the
 * next start ({@link sweepStaleOutputs}).
 *
 * @module
 */
import { type ExecuteResult, Kernel, KernelDiedError, stripAnsi } from "./kernel.ts";
import {
  type Cell,
  normaliseNotebook,
  type Notebook,
  readNotebook,
  sourceText,
  validateNotebook,
  writeNotebook,
} from "./nbformat.ts";
import { validateResults } from "../report/results.ts";
import { ProgressView, watchProgress } from "./progress_view.ts";

/** Options for {@link runNotebook}. */
export interface RunOptions {
  /** Environment for the kernel (run parameters: SSL_PROFILE, SSL_BACKEND, …). */
  env?: Record<string, string>;
  /** Where `<paper>/` directories live (default: `<repo>/figures`). */
  figuresRoot: string;
  /** Paper name (default: from the file name, see {@link paperOf}). */
  paper?: string;
  /** Where to write the executed notebook (default: over the input); `null` = do not write it. */
  output?: string | null;
  /** Per-cell time limit in ms (default: none). */
  cellTimeoutMs?: number;
  /** Progress lines (default: stderr). */
  progress?: (line: string) => void;
  /**
   * Show the runs' live progress (runs done of planned, training steps, loss, images/s, ETA) on stderr from
   * the progress channel (`lib/progress.ts`): redrawn in place on a terminal, plain lines otherwise
   * (default false).
   */
  live?: boolean;
}

/** What a successful run produced. */
export interface RunResult {
  paper: string;
  notebook: Notebook;
  /** Code cells executed. */
  executed: number;
  seconds: number;
  /** The published output directory, or null when the notebook wrote no files. */
  outDir: string | null;
}

/** A notebook failure: the message is one line naming the notebook, the cell (1-based) and the error. */
export class NotebookError extends Error {
  override name = "NotebookError";
  constructor(readonly notebook: string, readonly cell: number | null, readonly reason: string) {
    super(`${notebook}${cell !== null ? ` cell ${cell}` : ""}: ${reason}`);
  }
}

/** `notebooks/01_pirl.ipynb` → `pirl`: the file name without extension and leading `NN_`. */
export function paperOf(path: string): string {
  const base = path.split("/").pop()!.replace(/\.ipynb$/, "");
  const paper = base.replace(/^\d+[_-]/, "").toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(paper)) {
    throw new Error(`${path}: cannot derive a paper name from "${base}"`);
  }
  return paper;
}

const oneLine = (s: string) => stripAnsi(s).split("\n").map((l) => l.trim()).filter(Boolean)[0] ?? "";

const activeStaging = new Set<string>();

/** Remove every staging directory of runs still in progress (for Ctrl-C handlers). */
export function removeActiveStaging(): void {
  for (const dir of activeStaging) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  }
  activeStaging.clear();
}

function abs(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

async function isEmptyDir(dir: string): Promise<boolean> {
  for await (const _ of Deno.readDir(dir)) return false;
  return true;
}

/** Whether process `pid` is alive (Linux: /proc; elsewhere assumed alive, so nothing is swept wrongly). */
function processAlive(pid: number): boolean {
  if (Deno.build.os !== "linux") return true;
  try {
    return !/^\d+ \(.*\) Z /.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** Staging and old-output directories: hidden, and named with the pid of the run that made them. */
const TEMP_DIR_RE = /^\.[a-z0-9][a-z0-9_-]*\.(?:staging|old)-(\d+)-.*\.tmp$/;

/**
 * Remove the staging and old-output directories that runs which are no longer alive left in `root` (a run killed
 * with SIGKILL runs no clean-up). Directories of live runs are left alone.
 * @returns the names removed.
 */
export async function sweepStaleOutputs(root: string): Promise<string[]> {
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(root));
  } catch {
    return removed;
  }
  for (const e of entries) {
    const m = TEMP_DIR_RE.exec(e.name);
    if (!m || !e.isDirectory || processAlive(Number(m[1]))) continue;
    await Deno.remove(`${root}/${e.name}`, { recursive: true }).then(() => removed.push(e.name), () => {});
  }
  return removed;
}

/**
 * Replace `target` by the directory `staging` (two renames; the old copy is deleted afterwards), under an
 * exclusive lock on the hidden file `.<name>.lock` beside it, so runs publishing the same paper at once take
 * turns: each succeeds, the last one's outputs stand, and nothing is left behind but the lock file. The lock is
 * an OS file lock, released when its holder dies, so a killed run never blocks the next.
 */
export async function publishDir(staging: string, target: string): Promise<void> {
  const slash = target.lastIndexOf("/");
  const parent = target.slice(0, slash), name = target.slice(slash + 1);
  const lock = await Deno.open(`${parent}/.${name}.lock`, { create: true, write: true });
  try {
    await lock.lock(true);
    const old = `${parent}/.${name}.old-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
    const hadOld = await Deno.rename(target, old).then(() => true, () => false);
    try {
      await Deno.rename(staging, target);
    } catch (e) {
      if (hadOld) await Deno.rename(old, target).catch(() => {});
      throw e;
    }
    if (hadOld) await Deno.remove(old, { recursive: true }).catch(() => {});
  } finally {
    await lock.unlock().catch(() => {});
    lock.close();
  }
}

/** Run one notebook. Throws a {@link NotebookError} (one line) on any failure, leaving all outputs untouched. */
export async function runNotebook(path: string, opts: RunOptions): Promise<RunResult> {
  let progress = opts.progress ?? ((l: string) => console.error(l));
  const t0 = performance.now();
  let nb: Notebook;
  let paper: string;
  try {
    nb = await readNotebook(path);
    paper = opts.paper ?? paperOf(path);
  } catch (e) {
    throw new NotebookError(path, null, (e as Error).message.replace(`${path}: `, ""));
  }
  const file = abs(path);
  const cwd = file.slice(0, file.lastIndexOf("/")) || "/";
  let staging: string;
  try {
    await Deno.mkdir(opts.figuresRoot, { recursive: true });
    await sweepStaleOutputs(opts.figuresRoot);
    staging = await Deno.makeTempDir({
      dir: opts.figuresRoot,
      prefix: `.${paper}.staging-${Deno.pid}-`,
      suffix: ".tmp",
    });
    await Deno.chmod(staging, 0o755); // makeTempDir creates 0700; published figures must be world-readable
  } catch (e) {
    const why = oneLine((e as Error).message).replace(/\s*\(os error \d+\).*$/, "");
    throw new NotebookError(path, null, `cannot write outputs in ${opts.figuresRoot}: ${why}`);
  }
  activeStaging.add(staging);
  let kernel: Kernel | null = null;
  const progressFile = await Deno.makeTempFile({ prefix: `ssl-progress-${paper}-`, suffix: ".jsonl" });
  const watch = opts.live ? watchProgress(progressFile, new ProgressView(paper)) : null;
  if (watch) progress = (line: string) => watch.log(line);
  try {
    progress(`[${paper}] ${path}: starting kernel`);
    try {
      kernel = await Kernel.start({
        cwd,
        env: {
          ...opts.env,
          SSL_PAPER: paper,
          SSL_OUT_DIR: staging,
          SSL_NOTEBOOK: file,
          SSL_PROGRESS_FILE: progressFile,
        },
      });
    } catch (e) {
      throw new NotebookError(path, null, oneLine((e as Error).message));
    }
    const cells: Cell[] = [];
    const codeTotal = nb.cells.filter((c) => c.cell_type === "code").length;
    let executed = 0;
    for (let i = 0; i < nb.cells.length; i++) {
      const cell = nb.cells[i];
      if (cell.cell_type !== "code") {
        cells.push(cell);
        continue;
      }
      const code = sourceText(cell.source);
      if (!code.trim()) {
        cells.push({ ...cell, outputs: [], execution_count: null });
        continue;
      }
      executed++;
      const tc = performance.now();
      let res: ExecuteResult;
      try {
        res = await kernel.execute(code, { timeoutMs: opts.cellTimeoutMs });
      } catch (e) {
        const why = e instanceof KernelDiedError ? e.message.split("\n")[0] : oneLine((e as Error).message);
        throw new NotebookError(path, i + 1, why);
      }
      if (res.status !== "ok") {
        const err = res.error;
        const why = err
          ? `${oneLine(err.ename)}: ${oneLine(err.evalue) || oneLine(err.traceback.join("\n"))}`
          : res.status;
        throw new NotebookError(path, i + 1, why);
      }
      cells.push({ ...cell, outputs: res.outputs, execution_count: res.executionCount });
      progress(
        `[${paper}] cell ${i + 1} (code ${executed}/${codeTotal}) ok in ${
          ((performance.now() - tc) / 1000).toFixed(1)
        } s`,
      );
    }
    const languageInfo = kernel.info.language_info as Record<string, unknown> | undefined;
    const out = normaliseNotebook({ ...nb, cells }, languageInfo);
    const problems = validateNotebook(out);
    if (problems.length) throw new NotebookError(path, null, `executed notebook is invalid: ${problems[0]}`);
    try {
      const results = JSON.parse(await Deno.readTextFile(`${staging}/results.json`));
      const bad = validateResults(results);
      if (bad.length) throw new NotebookError(path, null, `results.json is invalid: ${bad[0]}`);
    } catch (e) {
      if (e instanceof NotebookError) throw e;
      if (!(e instanceof Deno.errors.NotFound)) {
        throw new NotebookError(path, null, `results.json: ${oneLine((e as Error).message)}`);
      }
    }
    await kernel.shutdown();
    kernel = null;
    let outDir: string | null = null;
    if (!(await isEmptyDir(staging))) {
      outDir = `${opts.figuresRoot}/${paper}`;
      await publishDir(staging, outDir);
    }
    if (opts.output !== null) await writeNotebook(opts.output ?? path, out);
    const seconds = (performance.now() - t0) / 1000;
    await watch?.stop();
    progress(`[${paper}] done: ${executed} code cells in ${seconds.toFixed(1)} s`);
    return { paper, notebook: out, executed, seconds, outDir };
  } finally {
    await watch?.stop();
    await Deno.remove(progressFile).catch(() => {});
    if (kernel) await kernel.shutdown();
    // After a failure this discards partial outputs; after success it is already published (or empty).
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    activeStaging.delete(staging);
  }
}
