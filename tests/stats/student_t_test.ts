import { assertAlmostEquals, assertThrows } from "@std/assert";
import {
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
} from "../../lib/stats/student_t.ts";

// Reference values from scipy.stats.t (scipy 1.17).
const PPF: [number, number, number][] = [
  [1, 0.975, 12.706204736174694],
  [2, 0.975, 4.302652729749462],
  [3, 0.95, 2.3533634348018233],
  [5, 0.975, 2.5705818356363146],
  [10, 0.975, 2.228138851986274],
  [30, 0.975, 2.0422724563012378],
  [1000, 0.975, 1.9623390808264083],
  [2.5, 0.9, 1.7302509288071766],
  [4, 0.999, 7.173182219782307],
  [1, 0.9999, 3183.098757118502],
];

Deno.test("studentTQuantile: matches scipy.stats.t.ppf", () => {
  for (const [df, p, q] of PPF) {
    assertAlmostEquals(studentTQuantile(p, df), q, 1e-9 * q, `df=${df} p=${p}`);
    assertAlmostEquals(studentTQuantile(1 - p, df), -q, 1e-9 * q, `lower tail df=${df}`);
  }
  assertAlmostEquals(studentTQuantile(0.5, 7), 0, 1e-15);
});

Deno.test("studentTCdf: matches scipy.stats.t.cdf and inverts the quantile", () => {
  const cases: [number, number, number][] = [
    [1.5, 3, 0.8847080673775886],
    [-2.2, 7, 0.03186550765131839],
    [0.3, 1, 0.5927735790777423],
    [10, 2, 0.9950737714883372],
  ];
  for (const [t, df, c] of cases) assertAlmostEquals(studentTCdf(t, df), c, 1e-12);
  for (const [df, p] of [[3, 0.8], [17, 0.01], [0.7, 0.3]]) {
    assertAlmostEquals(studentTCdf(studentTQuantile(p, df), df), p, 1e-12);
  }
});

Deno.test("normal distribution and special functions: known values", () => {
  assertAlmostEquals(normalQuantile(0.975), 1.959963984540054, 1e-12);
  assertAlmostEquals(normalCdf(-1.3), 0.09680048458561036, 1e-14);
  assertAlmostEquals(normalCdf(0), 0.5, 1e-15);
  assertAlmostEquals(logGamma(5), Math.log(24), 1e-13);
  assertAlmostEquals(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13);
  // I_x(1, 1) = x and I_x(a, b) = 1 − I_{1−x}(b, a).
  assertAlmostEquals(regularizedIncompleteBeta(0.3, 1, 1), 0.3, 1e-14);
  assertAlmostEquals(
    regularizedIncompleteBeta(0.2, 2.5, 4),
    1 - regularizedIncompleteBeta(0.8, 4, 2.5),
    1e-14,
  );
  // Large df approaches the normal.
  assertAlmostEquals(studentTQuantile(0.975, 1e7), 1.959963984540054, 1e-5);
});

Deno.test("student t: bad input throws clear errors", () => {
  assertThrows(() => studentTQuantile(1, 3), Error, "p must be in (0, 1)");
  assertThrows(() => studentTQuantile(0.5, 0), Error, "degrees of freedom");
  assertThrows(() => studentTCdf(NaN, 3), Error, "NaN");
});
