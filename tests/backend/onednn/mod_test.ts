import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { backendCacheKey, initBackend } from "../../../lib/backend/mod.ts";
import { defaultOnednnThreads, onednnKernelsActive } from "../../../lib/backend/onednn/mod.ts";
import { resnet18 } from "../../../lib/models/resnet.ts";
import { Rng } from "../../../lib/rng.ts";
import { tf } from "../../../lib/tf.ts";
import { REPO_ROOT } from "../../../lib/paths.ts";
import { randomTensor } from "../_compare.ts";
import { assertOnednnMatchesCpu, onednnTest } from "./_onednn.ts";

/** Run a snippet in a fresh Deno process with `env`; its stdout and stderr. */
async function runSnippet(code: string, env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: REPO_ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { success: out.success, stdout: text(out.stdout), stderr: text(out.stderr) };
}

const SELECT = `
import { initBackend, backendCacheKey } from "./lib/backend/mod.ts";
const want = Deno.env.get("WANT") ?? "auto";
try {
  const info = await initBackend(want as "auto", { quiet: true });
  console.log(JSON.stringify({ name: info.name, key: backendCacheKey(), device: info.device }));
} catch (e) {
  console.log(JSON.stringify({ error: (e as Error).message }));
}
`;

onednnTest(
  "onednn backend: named, versioned in provenance and in the cache key; wasm takes its kernels back",
  async () => {
    const info = await initBackend("onednn", { quiet: true });
    assertEquals(info.name, "onednn");
    assert(/^2\.\d+\.\d+$/.test(info.versions.onednn), info.versions.onednn);
    assertStringIncludes(info.device, `oneDNN ${info.versions.onednn}`);
    assertEquals(backendCacheKey(), `onednn-${info.versions.onednn}`);
    assert(onednnKernelsActive());
    const wasm = await initBackend("wasm", { quiet: true });
    assertEquals(wasm.name, "wasm");
    assertEquals(backendCacheKey(), "wasm");
    assert(!onednnKernelsActive(), "the wasm request must run the wasm kernels");
  },
);

onednnTest("auto picks onednn where oneDNN loads (no tensorflow package, no hardware GPU here)", async () => {
  const r = JSON.parse((await runSnippet(SELECT, { WANT: "auto", SSL_ONEDNN: "on" })).stdout);
  assertEquals(r.name, "onednn", JSON.stringify(r));
});

Deno.test("with oneDNN hidden, auto runs wasm and a named onednn fails in one line", async () => {
  const auto = JSON.parse((await runSnippet(SELECT, { WANT: "auto", SSL_ONEDNN: "off" })).stdout);
  assertEquals(auto.name, "wasm");
  assertEquals(auto.key, "wasm");
  const named = JSON.parse((await runSnippet(SELECT, { WANT: "onednn", SSL_ONEDNN: "off" })).stdout);
  assertEquals(named.error, "onednn backend unavailable: hidden by SSL_ONEDNN=off");
});

Deno.test("a missing oneDNN library is reported with the package to install", async () => {
  const r = JSON.parse(
    (await runSnippet(SELECT, {
      WANT: "onednn",
      SSL_ONEDNN: "on",
      SSL_ONEDNN_LIBRARY: "/nonexistent/libdnnl.so.2",
    })).stdout,
  );
  assertEquals(
    r.error,
    "onednn backend unavailable: oneDNN 2.x not found (install it: apt-get install libdnnl2)",
  );
  assert(!r.error.includes("\n"));
});

Deno.test("threads: SSL_THREADS, else every core on the main thread and one in a Worker", async () => {
  const saved = Deno.env.get("SSL_THREADS");
  try {
    Deno.env.delete("SSL_THREADS");
    assertEquals(defaultOnednnThreads(), navigator.hardwareConcurrency);
    Deno.env.set("SSL_THREADS", "3");
    assertEquals(defaultOnednnThreads(), 3);
  } finally {
    if (saved === undefined) Deno.env.delete("SSL_THREADS");
    else Deno.env.set("SSL_THREADS", saved);
  }
  const src = `import { defaultOnednnThreads } from "${
    new URL("../../../lib/backend/onednn/mod.ts", import.meta.url).href
  }";
    self.postMessage(defaultOnednnThreads());`;
  const url = URL.createObjectURL(new Blob([src], { type: "application/typescript" }));
  const worker = new Worker(url, { type: "module" });
  const threads = await new Promise<number>((resolve) => (worker.onmessage = (e) => resolve(e.data)));
  worker.terminate();
  URL.revokeObjectURL(url);
  if (Deno.env.get("SSL_THREADS") === undefined) assertEquals(threads, 1);
});

onednnTest(
  "a ResNet-18 training step (forward, loss, every gradient) with oneDNN equals the cpu backend",
  async () => {
    await assertOnednnMatchesCpu(
      () => {
        const net = resnet18(new Rng(7), { width: 4 });
        const x = randomTensor(1, [4, 16, 16, 3]) as tf.Tensor4D;
        const target = randomTensor(2, [4, 32]);
        const vars = net.trainableVariables();
        const { value, grads } = tf.variableGrads(
          () => net.apply(x, { training: true }).h.sub(target).square().mean() as tf.Scalar,
          vars,
        );
        const out = [value, ...vars.map((v) => grads[v.name])];
        net.dispose();
        return out;
      },
      1e-4,
      "resnet18-w4 step",
    );
  },
);
