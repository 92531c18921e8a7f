import { assert, assertEquals } from "@std/assert";
import { claimsMarkdown, formatEstimate } from "../../lib/report/show.ts";

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
