import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { ProgressView, watchProgress } from "../../lib/notebook/progress_view.ts";
import { formatDuration } from "../../lib/train/progress.ts";

Deno.test("ProgressView: runs done of planned, cached runs, running runs' steps, and an ETA from finished runs", () => {
  const v = new ProgressView("pirl");
  assertEquals(v.lines(0), []);
  assertEquals(v.feed([{ t: 0, kind: "plan", runs: 4 }]), []);
  v.feed([
    { t: 0, kind: "done", run: "pirl: a", seconds: 0, cached: true },
    { t: 0, kind: "start", run: "pirl: b" },
    { t: 1000, kind: "step", run: "pirl: b", step: 25, steps: 100, loss: 2.5, imagesPerSec: 410.2 },
  ]);
  // before any trained run finished, the pace of the running one predicts: 1 s for 25% → 4 s per run
  assertEquals(v.etaSeconds(1000), 3 + 2 * 4);
  const lines = v.lines(1000);
  assertEquals(lines[0], "[pirl] runs 1/4 done (1 cached) · 1 training · ETA 11 s");
  assertEquals(lines[1], "  pirl: b  step 25/100 · loss 2.500 · 410 img/s");
  const out = v.feed([{
    t: 10_000,
    kind: "done",
    run: "pirl: b",
    seconds: 10,
    cached: false,
    summary: "linear 52.1%",
  }]);
  assertEquals(out, ["[pirl] run 2/4 done: pirl: b (linear 52.1%) in 10 s · ETA 20 s"]);
  v.feed([{ t: 10_000, kind: "start", run: "pirl: c" }, { t: 10_000, kind: "start", run: "pirl: d" }]);
  assertEquals(v.etaSeconds(10_000), 10, "two runs side by side, 10 s each");
  const last = v.feed([
    { t: 20_000, kind: "done", run: "pirl: c", seconds: 10, cached: false },
    { t: 20_000, kind: "done", run: "pirl: d", seconds: 10, cached: false },
  ]);
  assertEquals(last[1], "[pirl] run 4/4 done: pirl: d in 10 s");
  assertEquals(v.etaSeconds(20_000), 0);
});

Deno.test("ProgressView: plain heartbeat at most once a minute while training; formatDuration", () => {
  const v = new ProgressView("simclr");
  v.feed([{ t: 0, kind: "start", run: "simclr: x" }]);
  assert(v.heartbeat(60_000)?.startsWith("[simclr] run 0/1 · training simclr: x starting"));
  assertEquals(v.heartbeat(90_000), null);
  const spaced = (s: number) => formatDuration(s, { spaced: true });
  assertEquals([spaced(5.2), spaced(245), spaced(4320), spaced(NaN)], [
    "5 s",
    "4m 05s",
    "1h 12m",
    "?",
  ]);
});

Deno.test("watchProgress: on a terminal the block is redrawn in place; plain output never uses escapes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/p.jsonl`;
    const line = (o: unknown) => Deno.writeTextFileSync(path, JSON.stringify(o) + "\n", { append: true });
    for (const tty of [true, false]) {
      await Deno.writeTextFile(path, "");
      let out = "";
      const w = watchProgress(path, new ProgressView("demo"), {
        tty,
        write: (s) => (out += s),
        intervalMs: 20,
      });
      line({ t: Date.now(), kind: "plan", runs: 2 });
      line({ t: Date.now(), kind: "start", run: "demo: a" });
      await new Promise((r) => setTimeout(r, 80));
      w.log("[demo] cell 1 ok");
      line({ t: Date.now(), kind: "done", run: "demo: a", seconds: 3, cached: false });
      await new Promise((r) => setTimeout(r, 80));
      await w.stop();
      assertStringIncludes(out, "[demo] cell 1 ok\n");
      assertStringIncludes(out, "[demo] run 1/2 done: demo: a in 3 s");
      if (tty) {
        assertStringIncludes(out, "[demo] runs 0/2 done · 1 training");
        assertStringIncludes(out, "\x1b[2A\x1b[J", "the two-line block is cleared before redrawing");
      } else {
        assertEquals(out.includes("\x1b") || out.includes("\r"), false, JSON.stringify(out));
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("watchProgress: a read that ends inside a multi-byte character loses nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/p.jsonl`;
    let out = "";
    const w = watchProgress(path, new ProgressView("demo"), {
      tty: false,
      write: (s) => (out += s),
      intervalMs: 20,
    });
    const line = new TextEncoder().encode(
      JSON.stringify({
        t: Date.now(),
        kind: "done",
        run: "demo: λ=0.5 · seed 0",
        seconds: 2,
        cached: false,
      }) + "\n",
    );
    const cut = line.indexOf(0xce) + 1; // inside the two bytes of "λ"
    await Deno.writeFile(path, line.subarray(0, cut));
    await new Promise((r) => setTimeout(r, 80));
    await Deno.writeFile(path, line.subarray(cut), { append: true });
    await new Promise((r) => setTimeout(r, 80));
    await w.stop();
    assertStringIncludes(out, "done: demo: λ=0.5 · seed 0 in 2 s");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
