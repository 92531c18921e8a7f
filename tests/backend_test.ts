import { assertEquals, assertThrows } from "@std/assert";
import { initBackend, requestedBackend } from "../lib/backend/mod.ts";
import { tf } from "../lib/tf.ts";

Deno.test("requestedBackend parses --backend and rejects unknown names with one line", () => {
  assertEquals(requestedBackend(["--backend", "cpu"]), "cpu");
  assertEquals(requestedBackend(["--backend=wasm"]), "wasm");
  const e = assertThrows(() => requestedBackend(["--backend", "tpu"]), Error, 'unknown backend "tpu"');
  assertEquals(e.message.includes("\n"), false);
});

Deno.test("initBackend('wasm') selects wasm and records device and versions", async () => {
  const info = await initBackend("wasm", { quiet: true });
  assertEquals(info.name, "wasm");
  assertEquals(tf.getBackend(), "wasm");
  assertEquals(typeof info.versions["tfjs-backend-wasm"], "string");
});
