import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { logit, sigmoid } from "../../lib/stats/logit.ts";

Deno.test("logit: known values, clamping, inverse", () => {
  assertEquals(logit(0.5), 0);
  assertAlmostEquals(logit(0.9), Math.log(9), 1e-14);
  assertAlmostEquals(logit(0.2), -Math.log(4), 1e-14);
  assertAlmostEquals(logit(1), Math.log((1 - 1e-6) / 1e-6), 1e-9);
  assertAlmostEquals(logit(0, 0.01), Math.log(0.01 / 0.99), 1e-12);
  for (const p of [0.001, 0.3, 0.77, 0.999]) assertAlmostEquals(sigmoid(logit(p)), p, 1e-14);
  assertAlmostEquals(sigmoid(-800), 0, 1e-300);
});

Deno.test("logit: bad input throws", () => {
  assertThrows(() => logit(1.2), Error, "[0, 1]");
  assertThrows(() => logit(NaN), Error, "NaN");
  assertThrows(() => logit(0.5, 0), Error, "eps");
});
