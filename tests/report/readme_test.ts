import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { armRecord } from "../../lib/report/gate.ts";
import { collectReports, fmtNumber, fmtSummary, renderReadme, writeReadme } from "../../lib/report/readme.ts";
import { makeClaim, writeResults } from "../../lib/report/results.ts";
import { verdictGreater } from "../../lib/report/verdict.ts";
import { meanCI } from "../../lib/stats/confidence.ts";

Deno.test("fmtNumber / fmtSummary", () => {
  assertEquals(fmtNumber(0.123456), "0.1235");
  assertEquals(fmtNumber(null), "—");
  assertEquals(fmtNumber(1234567), "1.23e+6");
  assertEquals(fmtSummary({ mean: 1, ci95: [0.5, 1.5], n: 3 }), "1 [0.5, 1.5] (n=3)");
  assertEquals(fmtSummary({ mean: 1, ci95: [NaN, NaN], n: 1 }), "1 (n=1)");
});

Deno.test("writeReadme tabulates every claim and lists every figure with caption and provenance", async () => {
  const root = await Deno.makeTempDir();
  try {
    const prov = {
      profile: "smoke",
      backend: "cpu",
      device: "pure JS",
      versions: {},
      seeds: [0, 1],
      commit: "0123456789abcdef",
      dirty: true,
      startedAt: "2024-01-01T00:00:00.000Z",
    };
    const ours = meanCI([2, 2.1, 2.2]);
    for (const paper of ["zeta", "alpha"]) {
      await Deno.mkdir(`${root}/${paper}`);
      await writeResults(`${root}/${paper}`, {
        paper,
        ...prov,
        wallSeconds: 3,
        claims: [
          makeClaim(
            { id: "x", claim: `claim of ${paper} | piped`, paper: 2.5, ours, kind: "headline", arms: ["m"] },
            verdictGreater(ours, 1),
            // zeta's arm is no better than random init: its claim is gated to inconclusive
            { m: armRecord(paper === "zeta" ? [0.5, 0.52, 0.48] : [0.7, 0.72, 0.71], [0.5, 0.5, 0.5]) },
          ),
          makeClaim(
            { id: "flops", claim: "fewer tokens, fewer FLOPs", paper: null, ours, kind: "sanity" },
            verdictGreater(ours, 1),
          ),
          makeClaim(
            { id: "old", claim: "a claim without a kind", paper: null, ours },
            verdictGreater(ours, 3),
          ),
        ],
        metrics: {},
      });
    }
    await Deno.writeTextFile(
      `${root}/alpha/fig.figure.json`,
      JSON.stringify({
        name: "fig",
        paper: "alpha",
        caption: "A caption.",
        files: { svg: "fig.svg", png: "fig.png" },
        provenance: { paper: "alpha", ...prov },
      }),
    );
    await Deno.mkdir(`${root}/.alpha.staging-1.tmp`);
    assertEquals((await collectReports(root)).map((r) => r.paper), ["alpha", "zeta"]);
    const path = await writeReadme(root);
    const text = await Deno.readTextFile(path);
    // sanity checks and unclassified claims are never counted as reproductions
    assertStringIncludes(text, "2 headline claims: 1 reproduced, 0 not reproduced, 1 inconclusive.");
    assertStringIncludes(
      text,
      "**zeta** (profile `smoke`): 1 headline claims: 0 reproduced, 0 not reproduced, 1 inconclusive; " +
        "1 sanity checks; 1 unclassified.",
    );
    assertStringIncludes(text, "| alpha | smoke | claim of alpha \\| piped | 2.5 |");
    assertStringIncludes(text, 'arm "m" has not learned');
    assert(text.indexOf("### Headline claims") < text.indexOf("### Sanity checks"));
    assert(text.indexOf("### Sanity checks") < text.indexOf("### Unclassified claims"));
    assert(text.indexOf("| alpha |") < text.indexOf("| zeta |"));
    assertStringIncludes(text, "![A caption.](alpha/fig.png)");
    assertStringIncludes(text, "commit `0123456789` (dirty)");
    assertEquals(renderReadme(await collectReports(root)), text, "deterministic");
    // a given order (the notebooks') comes first; papers it does not name follow by name
    assertEquals((await collectReports(root, ["zeta"])).map((r) => r.paper), ["zeta", "alpha"]);
    assertEquals((await collectReports(root, ["beta", "alpha"])).map((r) => r.paper), ["alpha", "zeta"]);
    assertStringIncludes(renderReadme([]), "No results yet.");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
