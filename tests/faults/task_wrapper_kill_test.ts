/**
 * Killing the `deno task reproduce` wrapper with SIGKILL (it cannot forward anything) must stop `reproduce`
 * and its kernel, and publish nothing.
 */
import { assert, assertEquals } from "../_assert.ts";

const REPO_ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

const cell = (id: string, source: string) => ({
  cell_type: "code",
  execution_count: null,
  id,
  metadata: {},
  outputs: [],
  source: [source],
});

function pgrep(args: string[]): number[] {
  const out = new Deno.Command("pgrep", { args, stdout: "piped" }).outputSync().stdout;
  return new TextDecoder().decode(out).trim().split("\n").filter(Boolean).map(Number);
}

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

Deno.test({
  name: "kill -9 of the deno task wrapper stops reproduce and its kernel; nothing is published",
  ignore: Deno.build.os !== "linux",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.mkdir(`${dir}/nb`);
      await Deno.writeTextFile(
        `${dir}/nb/01_slow.ipynb`,
        JSON.stringify({
          cells: [
            cell("c1", "1 + 1"),
            cell("c2", 'await Deno.writeTextFile(`${Deno.env.get("SSL_OUT_DIR")}/x.txt`, "x");'),
            cell("c3", "await new Promise((r) => setTimeout(r, 60_000));"),
          ],
          metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
          nbformat: 4,
          nbformat_minor: 5,
        }),
      );
      const task = new Deno.Command(Deno.execPath(), {
        args: ["task", "reproduce", "--notebooks", `${dir}/nb`, "--figures", `${dir}/figures`],
        cwd: REPO_ROOT,
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const reader = task.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let log = "";
      while (!log.includes("code 2/3) ok")) {
        const { value, done } = await reader.read();
        if (done) break;
        log += value;
      }
      const [reproduce] = pgrep(["-P", String(task.pid), "-f", "tools/reproduce.ts"]);
      assert(reproduce, `reproduce runs under the task\n${log}`);
      const kernels = pgrep(["-P", String(reproduce), "-f", "jupyter --kernel"]);
      assertEquals(kernels.length, 1, log);
      task.kill("SIGKILL");
      await task.status;
      reader.cancel().catch(() => {});
      for (let i = 0; i < 60 && [reproduce, ...kernels].some(alive); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assertEquals([reproduce, ...kernels].filter(alive), [], "reproduce and its kernel are gone");
      const published = [...Deno.readDirSync(`${dir}/figures`)].map((e) => e.name).filter((n) =>
        !n.startsWith(".")
      );
      assertEquals(published, [], "nothing published");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
