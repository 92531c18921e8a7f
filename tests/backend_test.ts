import { assertEquals, assertRejects, assertStringIncludes, assertThrows } from "@std/assert";
import { findTensorflowPackage, initBackend, requestedBackend, tryTensorflow } from "../lib/backend/mod.ts";
import { REPO_ROOT } from "../lib/paths.ts";
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

Deno.test("initBackend refuses an unknown name instead of falling back to another backend", async () => {
  const before = tf.getBackend();
  await assertRejects(() => initBackend("wsam" as never, { quiet: true }), Error, 'unknown backend "wsam"');
  assertEquals(tf.getBackend(), before);
});

Deno.test("tensorflow detection: found under the project root's node_modules, imported from disk, never fetched", async () => {
  const root = await Deno.makeTempDir();
  const lock = await Deno.readTextFile(`${REPO_ROOT}/deno.lock`);
  try {
    assertEquals(await findTensorflowPackage(root), null);
    const e0 = await assertRejects(
      () => tryTensorflow(true, root),
      Error,
      "neither @tensorflow/tfjs-node-gpu",
    );
    assertStringIncludes(e0.message, `${root}/node_modules`);
    assertEquals(await tryTensorflow(false, root), null);
    // a stand-in package: loads (and says so), but registers no backend
    const dir = `${root}/node_modules/@tensorflow/tfjs-node`;
    await Deno.mkdir(`${dir}/dist`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/package.json`,
      JSON.stringify({ name: "@tensorflow/tfjs-node", version: "0.0.0-standin", main: "./dist/index.js" }),
    );
    await Deno.writeTextFile(`${dir}/dist/index.js`, "globalThis.__tfjsNodeStandIn = true;\n");
    assertEquals(await findTensorflowPackage(root), {
      pkg: "@tensorflow/tfjs-node",
      entry: `${dir}/dist/index.js`,
      version: "0.0.0-standin",
    });
    const e = await assertRejects(() => tryTensorflow(true, root), Error, "@tensorflow/tfjs-node:");
    assertEquals(e.message.includes("\n"), false);
    assertEquals((globalThis as Record<string, unknown>).__tfjsNodeStandIn, true, "imported from the root");
    // the GPU package is preferred when both are there
    await Deno.mkdir(`${root}/node_modules/@tensorflow/tfjs-node-gpu`);
    await Deno.writeTextFile(`${root}/node_modules/@tensorflow/tfjs-node-gpu/package.json`, "{}");
    assertEquals((await findTensorflowPackage(root))?.pkg, "@tensorflow/tfjs-node-gpu");
    assertEquals(await Deno.readTextFile(`${REPO_ROOT}/deno.lock`), lock, "deno.lock untouched");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
