import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { probeBackend } from "../../lib/backend/probe.ts";
import { findTensorflowPackage } from "../../lib/backend/mod.ts";

Deno.test("probeBackend: starts a backend in a throw-away process; one line on failure", async () => {
  assertStringIncludes(await probeBackend("wasm"), "wasm (wasm XNNPACK");
  await assertRejects(() => probeBackend("wsam"), Error, 'unknown backend "wsam"');
  if (!(await findTensorflowPackage())) {
    const e = await assertRejects(() => probeBackend("tensorflow"), Error, "tensorflow backend unavailable");
    assertEquals(e.message.includes("\n"), false);
  }
});
