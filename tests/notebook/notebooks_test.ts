/**
 * Every notebook in notebooks/ is valid nbformat 4 and executes at `--profile smoke` (figures go to a temporary
 * directory and the notebook is not written back, so the checkout is untouched).
 */
import { assert, assertEquals } from "@std/assert";
import { runNotebook } from "../../lib/notebook/executor.ts";
import { readNotebook, validateNotebook } from "../../lib/notebook/nbformat.ts";
import { validateResults } from "../../lib/report/results.ts";
import { REPO_ROOT } from "../../lib/paths.ts";

const dir = `${REPO_ROOT}/notebooks`;
const notebooks = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".ipynb")).map((e) => e.name)
  .sort();

Deno.test("notebooks/ holds the tour notebook", () => {
  assert(notebooks.includes("00_tour.ipynb"), notebooks.join(", "));
});

for (const name of notebooks) {
  Deno.test({
    name: `${name} is valid nbformat 4 and runs at --profile smoke`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const raw = JSON.parse(await Deno.readTextFile(`${dir}/${name}`));
      assertEquals(validateNotebook(raw), []);
      assertEquals(raw.metadata?.kernelspec?.name, "deno");
      const figures = await Deno.makeTempDir();
      const before = await Deno.readTextFile(`${dir}/${name}`);
      try {
        const res = await runNotebook(`${dir}/${name}`, {
          figuresRoot: figures,
          output: null,
          env: { SSL_PROFILE: "smoke" },
          progress: () => {},
        });
        assertEquals(validateNotebook(res.notebook), []);
        if (res.outDir) {
          const results = JSON.parse(await Deno.readTextFile(`${res.outDir}/results.json`));
          assertEquals(validateResults(results), []);
          assertEquals(results.profile, "smoke");
        }
        assertEquals(await Deno.readTextFile(`${dir}/${name}`), before, "notebook not written back");
        await readNotebook(`${dir}/${name}`);
      } finally {
        await Deno.remove(figures, { recursive: true });
      }
    },
  });
}
