/**
 * The notebooks also run unchanged under standard Jupyter tooling: `jupyter nbconvert --execute` (nbclient)
 * with the Deno kernelspec that `deno jupyter --install` would write. The kernelspec goes into a temporary
 * JUPYTER_PATH and figures into a temporary SSL_OUT_DIR, so neither the user's Jupyter setup nor the checked-in
 * figures are touched. Where `jupyter-nbconvert` is not installed (CI installs it) the test is reported as
 * ignored, never as passed.
 */
import { assertEquals } from "@std/assert";
import { validateResults } from "../../lib/report/results.ts";
import { REPO_ROOT } from "../../lib/paths.ts";

function hasNbconvert(): boolean {
  try {
    return new Deno.Command("jupyter-nbconvert", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const dir = `${REPO_ROOT}/notebooks`;
const notebooks = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".ipynb")).map((e) => e.name)
  .sort();
const available = hasNbconvert();

for (const name of notebooks) {
  Deno.test({
    name: `${name} runs under jupyter nbconvert --execute with the Deno kernelspec (smoke)`,
    ignore: !available,
    fn: async () => {
      const tmp = await Deno.makeTempDir();
      try {
        await Deno.mkdir(`${tmp}/jupyter/kernels/deno`, { recursive: true });
        const spec = {
          argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
          display_name: "Deno",
          language: "typescript",
        };
        await Deno.writeTextFile(`${tmp}/jupyter/kernels/deno/kernel.json`, JSON.stringify(spec));
        const before = await Deno.readTextFile(`${dir}/${name}`);
        const out = await new Deno.Command("jupyter-nbconvert", {
          args: [
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=600",
            "--output-dir",
            tmp,
            "--output",
            "executed.ipynb",
            name,
          ],
          cwd: dir,
          env: { JUPYTER_PATH: `${tmp}/jupyter`, SSL_PROFILE: "smoke", SSL_OUT_DIR: `${tmp}/figures` },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const stderr = new TextDecoder().decode(out.stderr);
        assertEquals(out.success, true, `nbconvert failed: ${stderr.split("\n").slice(-5).join(" | ")}`);
        const executed = JSON.parse(await Deno.readTextFile(`${tmp}/executed.ipynb`));
        const errors = executed.cells.flatMap((c: { outputs?: { output_type: string }[] }) =>
          (c.outputs ?? []).filter((o) => o.output_type === "error")
        );
        assertEquals(errors, []);
        const results = JSON.parse(await Deno.readTextFile(`${tmp}/figures/results.json`));
        assertEquals(validateResults(results), []);
        assertEquals(results.profile, "smoke");
        assertEquals(await Deno.readTextFile(`${dir}/${name}`), before, "notebook not modified in place");
      } finally {
        await Deno.remove(tmp, { recursive: true });
      }
    },
  });
}
