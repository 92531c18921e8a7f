import { assert, assertEquals } from "@std/assert";
import { armsMarkdown, claimsMarkdown, formatEstimate } from "../../lib/report/show.ts";
import { armRecord } from "../../lib/report/gate.ts";

Deno.test("formatEstimate: mean and CI scaled, n when the CI is missing", () => {
  assertEquals(formatEstimate({ mean: 0.612, ci95: [0.6, 0.625], n: 5 }, 100), "61.2 [60.0, 62.5]");
  assertEquals(formatEstimate({ mean: 3, ci95: [NaN, NaN], n: 1 }), "3.0 (n=1)");
});

Deno.test("claimsMarkdown: one row per claim with paper value and bold verdict", () => {
  const md = claimsMarkdown([
    {
      id: "x",
      claim: "A beats B",
      paper: null,
      ours: { mean: 1, ci95: [0.5, 1.5], n: 3 },
      verdict: "reproduced",
      rule: "r",
    },
  ]);
  const lines = md.trim().split("\n");
  assertEquals(lines.length, 3);
  assert(lines[2].includes("A beats B") && lines[2].includes("—") && lines[2].includes("**reproduced**"));
});

Deno.test("armsMarkdown: one row per arm with probe, gain over random init and the gate's answer", () => {
  const md = armsMarkdown({
    trained: armRecord([61, 63, 60], [48, 50, 49]),
    untrained: armRecord([49, 51, 48], [48, 50, 49]),
  });
  const lines = md.trim().split("\n");
  assertEquals(lines.length, 4);
  assert(
    lines[2].startsWith("| trained") && lines[2].includes("61.3") && lines[2].includes("| yes"),
    lines[2],
  );
  assert(lines[3].includes("**no**"), lines[3]);
});
