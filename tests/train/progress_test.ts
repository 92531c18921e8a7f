import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { formatDuration, Progress } from "../../lib/train/progress.ts";

Deno.test("formatDuration", () => {
  assertEquals([formatDuration(0), formatDuration(45.4), formatDuration(192), formatDuration(7500)], [
    "0s",
    "45s",
    "3m12s",
    "2h05m",
  ]);
  assertEquals(formatDuration(Infinity), "?");
});

Deno.test("Progress line shows bar, step, loss, images/s and ETA from the clock", () => {
  let t = 0;
  const p = new Progress({
    label: "simclr",
    total: 100,
    batchSize: 32,
    tty: false,
    write: () => {},
    now: () => t,
  });
  t = 10_000; // 10 s for 25 steps: 2.5 step/s = 80 img/s; 75 steps left = 30 s
  p.update(25, 1.23456);
  const line = p.line(25, 1.23456);
  assertStringIncludes(line, "simclr [#####...............]");
  assertStringIncludes(line, " 25/100 loss 1.2346");
  assertStringIncludes(line, "80.0 img/s");
  assertStringIncludes(line, "ETA 30s");
});

Deno.test("Progress on a terminal redraws one line in place; otherwise prints periodic lines", () => {
  let t = 0;
  const tty: string[] = [];
  const p = new Progress({
    label: "x",
    total: 10,
    tty: true,
    write: (s) => tty.push(s),
    now: () => t,
    redrawMs: 100,
  });
  for (let i = 1; i <= 10; i++) {
    t += 60;
    p.update(i, 1 / i);
  }
  p.finish();
  assert(tty.length >= 3 && tty.length < 10, `redraws throttled: ${tty.length}`);
  assert(tty.slice(0, -1).every((s) => s.startsWith("\r") && !s.includes("\n")));
  assertEquals(tty.at(-1), "\n");
  assertStringIncludes(tty.at(-2)!, "10/10");

  const out: string[] = [];
  t = 0;
  const q = new Progress({ label: "y", total: 100, tty: false, write: (s) => out.push(s), now: () => t });
  for (let i = 1; i <= 100; i++) {
    t += 10;
    q.update(i, 2);
  }
  q.finish("done");
  assertEquals(out.length, 21); // every 5 % and the final message
  assert(out.every((s) => s.endsWith("\n") && !s.includes("\r")));
  assertMatch(out[0], /^y \[#\.+\]\s+5\/100 loss 2\.0000/);
  assertEquals(out.at(-1), "done\n");
});

Deno.test("Progress prints a line at least every lineSeconds without a terminal", () => {
  let t = 0;
  const out: string[] = [];
  const p = new Progress({
    label: "z",
    total: 1000,
    tty: false,
    write: (s) => out.push(s),
    now: () => t,
    lineSeconds: 5,
  });
  for (let i = 1; i <= 10; i++) {
    t += 3000;
    p.update(i, 1);
  }
  assertEquals(out.length, 5);
});

Deno.test("Progress: options given as undefined keep their defaults", () => {
  let t = 0;
  const out: string[] = [];
  // e.g. trainLoop's `progress: { write: cfg.log, now: cfg.clock }` with a config that sets neither
  const p = new Progress({
    label: "x",
    total: 2,
    tty: false,
    write: (s) => out.push(s),
    now: () => t,
    startStep: undefined,
    redrawMs: undefined,
    lineSeconds: undefined,
  });
  t = 1000;
  p.update(2, 0.5);
  assertEquals(out.length, 1);
  assertStringIncludes(out[0], "2/2 loss 0.5000");
  assertStringIncludes(out[0], "2.00 step/s");
});
