/** Helpers of the fault tests: processes (alive, children by command line) and tiny notebooks. */

/** Whether a process is still alive (and not a zombie), from /proc (Linux). */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** The pids of `parent`'s children whose command line matches `pattern` (pgrep -P … -f …). */
export function childPids(parent: number, pattern: string): number[] {
  const out = new Deno.Command("pgrep", { args: ["-P", String(parent), "-f", pattern], stdout: "piped" })
    .outputSync().stdout;
  return new TextDecoder().decode(out).trim().split("\n").filter(Boolean).map(Number);
}

/** Wait until none of `pids` is alive, or `ms` have passed. */
export async function waitGone(pids: readonly number[], ms = 6000): Promise<void> {
  for (let t = 0; t < ms && pids.some(alive); t += 100) await new Promise((r) => setTimeout(r, 100));
}

/** An nbformat 4 notebook (Deno kernelspec) of code cells with the given sources, as JSON text. */
export function notebookJson(sources: readonly string[]): string {
  return JSON.stringify({
    cells: sources.map((source, i) => ({
      cell_type: "code",
      execution_count: null,
      id: `c${i + 1}`,
      metadata: {},
      outputs: [],
      source: [source],
    })),
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}
