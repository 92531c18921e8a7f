/**
 * Killing the `deno task reproduce` wrapper with SIGKILL (it cannot forward anything) must stop `reproduce`
 * and its kernel, and publish nothing.
 */
import { assert, assertEquals } from "../_assert.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { alive, childPids, notebookJson, waitGone } from "../_process.ts";

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
        notebookJson([
          "1 + 1",
          'await Deno.writeTextFile(`${Deno.env.get("SSL_OUT_DIR")}/x.txt`, "x");',
          "await new Promise((r) => setTimeout(r, 60_000));",
        ]),
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
      const [reproduce] = childPids(task.pid, "tools/reproduce.ts");
      assert(reproduce, `reproduce runs under the task\n${log}`);
      const kernels = childPids(reproduce, "jupyter --kernel");
      assertEquals(kernels.length, 1, log);
      task.kill("SIGKILL");
      await task.status;
      reader.cancel().catch(() => {});
      await waitGone([reproduce, ...kernels]);
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
