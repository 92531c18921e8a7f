import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { constantLr, stepLr, warmupCosine } from "../../lib/train/schedules.ts";

Deno.test("constantLr is constant", () => {
  const s = constantLr(0.3);
  assertEquals([0, 1, 1000].map(s), [0.3, 0.3, 0.3]);
  assertThrows(() => s(-1), Error, "step must be");
});

Deno.test("stepLr multiplies by gamma at each milestone", () => {
  const s = stepLr({ base: 1, milestones: [2, 4], gamma: 0.5 });
  assertEquals([0, 1, 2, 3, 4, 9].map(s), [1, 1, 0.5, 0.5, 0.25, 0.25]);
  assertThrows(() => stepLr({ base: 1, milestones: [4, 2] }), Error, "ascending");
});

Deno.test("warmupCosine: linear warm-up to the peak, cosine to final, flat after", () => {
  const s = warmupCosine({ base: 1, warmupSteps: 4, totalSteps: 14, final: 0.1 });
  assertEquals([0, 1, 2, 3].map(s), [0.25, 0.5, 0.75, 1]);
  assertAlmostEquals(s(4), 1, 1e-12);
  // half-way through the cosine: (base + final) / 2
  assertAlmostEquals(s(9), 0.55, 1e-12);
  assertThrows(() => s(6.5), Error, "integer");
  assertAlmostEquals(s(14), 0.1, 1e-12);
  assertAlmostEquals(s(100), 0.1, 1e-12);
  const q = warmupCosine({ base: 2, totalSteps: 8 });
  assertAlmostEquals(q(0), 2, 1e-12);
  assertAlmostEquals(q(2), 1 + Math.cos(Math.PI / 4), 1e-12);
  // monotone non-increasing after warm-up
  for (let i = 4; i < 20; i++) if (s(i + 1) > s(i) + 1e-15) throw new Error(`not monotone at ${i}`);
  assertThrows(() => warmupCosine({ base: 1, totalSteps: 0 }), Error, "totalSteps");
  assertThrows(() => warmupCosine({ base: 1, totalSteps: 4, warmupSteps: 5 }), Error, "warmupSteps");
});
