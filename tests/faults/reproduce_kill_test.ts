/**
 * Fault injection on a real smoke reproduce: SIGKILL (no clean-up can run) in the middle of the PIRL notebook
 * must leave no kernel process and no connection file (it holds the HMAC key); the next run sweeps the dead
 * run's staging directory, succeeds, and publishes the same claims as an uninterrupted run.
 */
import { assert, assertEquals } from "../_assert.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { alive, childPids, waitGone } from "../_process.ts";

function reproduce(out: string, cache: string) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${REPO_ROOT}/tools/reproduce.ts`,
      "--profile",
      "smoke",
      "--paper",
      "pirl",
      "--figures",
      `${out}/figures`,
      "--output",
      `${out}/notebooks`,
    ],
    env: { SSL_CACHE_DIR: cache },
    stdout: "null",
    stderr: "piped",
  });
}

async function claimsOf(out: string): Promise<unknown[]> {
  const r = JSON.parse(await Deno.readTextFile(`${out}/figures/pirl/results.json`));
  return r.claims.map((c: Record<string, unknown>) => ({ id: c.id, verdict: c.verdict, ours: c.ours }));
}

Deno.test({
  name:
    "SIGKILL during a smoke reproduce: no orphan kernel or secret file; the next run sweeps and gives the same claims",
  ignore: Deno.build.os !== "linux",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      // an uninterrupted run, for the claims to compare with
      const clean = await reproduce(`${dir}/clean`, `${dir}/cache-clean`).output();
      assertEquals(clean.code, 0, new TextDecoder().decode(clean.stderr));
      // a run killed with SIGKILL while its second code cell (training) runs
      const child = reproduce(`${dir}/run`, `${dir}/cache-run`).spawn();
      const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let log = "";
      while (!/code 1\/\d+\) ok/.test(log)) {
        const { value, done } = await reader.read();
        if (done) break;
        log += value;
      }
      const kernels = childPids(child.pid, "jupyter --kernel");
      assertEquals(kernels.length, 1, `one kernel running\n${log}`);
      const cmdline = Deno.readTextFileSync(`/proc/${kernels[0]}/cmdline`).split("\0");
      const connFile = cmdline[cmdline.indexOf("--conn") + 1];
      assert(connFile && Deno.statSync(connFile).isFile, `connection file ${connFile} exists while running`);
      child.kill("SIGKILL");
      await child.status;
      reader.cancel().catch(() => {});
      await waitGone(kernels);
      assertEquals(kernels.filter(alive), [], "the kernel died with its parent");
      assert(!(await Deno.stat(connFile).then(() => true, () => false)), "the connection file was removed");
      const debris = [...Deno.readDirSync(`${dir}/run/figures`)].map((e) => e.name);
      assert(debris.some((n) => n.includes(".staging-")), `a killed run leaves its staging dir: ${debris}`);
      // the next run: sweeps the dead run's staging, succeeds, same claims
      const again = await reproduce(`${dir}/run`, `${dir}/cache-run`).output();
      assertEquals(again.code, 0, new TextDecoder().decode(again.stderr));
      const left = [...Deno.readDirSync(`${dir}/run/figures`)].map((e) => e.name).filter((n) =>
        n.endsWith(".tmp")
      );
      assertEquals(left, [], "stale staging swept");
      assertEquals(await claimsOf(`${dir}/run`), await claimsOf(`${dir}/clean`));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
