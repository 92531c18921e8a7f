import { assert, assertEquals, assertRejects } from "@std/assert";
import { freePorts, Kernel, KernelDiedError, stripAnsi } from "../../lib/notebook/kernel.ts";

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
