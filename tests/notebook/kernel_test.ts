import { assert, assertEquals, assertRejects } from "@std/assert";
import { freePorts, Kernel, KernelDiedError, stripAnsi } from "../../lib/notebook/kernel.ts";
import { alive } from "../_process.ts";

Deno.test("freePorts returns distinct bindable ports; stripAnsi removes colour codes", () => {
  const ports = freePorts(5);
  assertEquals(new Set(ports).size, 5);
  const l = Deno.listen({ hostname: "127.0.0.1", port: ports[0] });
  l.close();
  assertEquals(stripAnsi("\x1b[31mred\x1b[0m"), "red");
});

Deno.test({
  name: "Kernel runs code in cwd with env, collects outputs in order, reports errors and death",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const kernel = await Kernel.start({ cwd: dir, env: { SSL_TEST_VALUE: "42" } });
    try {
      assertEquals((kernel.info.language_info as { name: string }).name, "typescript");
      const r = await kernel.execute(
        'console.log("a"); console.log("b"); console.error("c");\n' +
          'setTimeout(() => console.log("late"), 30);\n[Deno.cwd(), Deno.env.get("SSL_TEST_VALUE")]',
      );
      assertEquals(r.status, "ok");
      assert(r.executionCount !== null && r.executionCount >= 1);
      const types = r.outputs.map((o) => o.output_type === "stream" ? `${o.name}:${o.text}` : o.output_type);
      // consecutive stdout chunks are merged; output published after the reply still lands in this cell
      assertEquals(types.slice(0, 2), ["stdout:a\nb\n", "stderr:c\n"]);
      assert(types.includes("stdout:late\n"), JSON.stringify(types));
      const result = r.outputs.find((o) => o.output_type === "execute_result") as {
        data: Record<string, string>;
      };
      assertEquals(JSON.parse(result.data["text/plain"]), [await Deno.realPath(dir), "42"]);
      const err = await kernel.execute('throw new TypeError("nope")');
      assertEquals(err.status, "error");
      assertEquals([err.error?.ename, err.error?.evalue], ["TypeError", "nope"]);
      const e = await assertRejects(() => kernel.execute("Deno.exit(7)"), KernelDiedError);
      assertEquals(e.code, 7);
    } finally {
      await kernel.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a kernel dies with the process that started it, even after SIGKILL, and its secret file goes",
  ignore: Deno.build.os !== "linux",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const script = new URL("../fixtures/kernel_parent.ts", import.meta.url).pathname;
    const parent = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    try {
      const reader = parent.stdout.getReader();
      let text = "";
      while (!text.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      reader.releaseLock();
      const { pid, conn } = JSON.parse(text.split("\n")[0]) as { pid: number; conn: string };
      assert(alive(pid), "kernel should be running");
      assertEquals((await Deno.stat(conn)).mode! & 0o777, 0o600);
      parent.kill("SIGKILL");
      await parent.status;
      const t0 = Date.now();
      while (alive(pid) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100));
      assert(!alive(pid), `kernel ${pid} outlived its parent`);
      while (await Deno.stat(conn).then(() => true, () => false) && Date.now() - t0 < 10_000) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert(!(await Deno.stat(conn).then(() => true, () => false)), "connection file left behind");
    } finally {
      try {
        parent.kill("SIGKILL");
      } catch { /* gone */ }
      await parent.stdout.cancel().catch(() => {});
    }
  },
});
