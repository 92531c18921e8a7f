import { assertEquals, assertThrows } from "@std/assert";
import { loadPaperTable, paperValue, parsePaperCsv } from "../lib/papers.ts";
import { REPO_ROOT } from "../lib/paths.ts";

Deno.test("published tables match their recorded SHA-256 sums", async () => {
  const dir = `${REPO_ROOT}/data/papers`;
  const sums = (await Deno.readTextFile(`${dir}/SHA256SUMS`)).trim().split("\n");
  for (const line of sums) {
    const [hex, file] = line.split(/\s+/);
    const bytes = await Deno.readFile(`${dir}/${file}`);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    assertEquals(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""), hex, file);
  }
});

Deno.test("loadPaperTable parses numbers and keeps names", async () => {
  const t = await loadPaperTable("simclr2020", "temperature_l2norm.csv");
  assertEquals(t.columns, ["l2_norm", "tau", "entropy", "contrastive_acc", "top1"]);
  assertEquals(t.rows[0], { l2_norm: "yes", tau: 0.05, entropy: 1.0, contrastive_acc: 90.5, top1: 59.7 });
  const losses = await loadPaperTable("simclr2020", "loss_functions.csv");
  assertEquals(paperValue(losses, "Margin", "top1"), 50.9);
});

Deno.test("parsePaperCsv rejects ragged rows and non-numbers with one line naming the source", () => {
  const e1 = assertThrows(() => parsePaperCsv("a,b\nx,1,2\n", "p/t.csv"), Error, "p/t.csv:2");
  assertEquals(e1.message.includes("\n"), false);
  assertThrows(() => parsePaperCsv("a,b\nx,abc\n", "p/t.csv"), Error, 'column "b" is not a number');
  assertThrows(() => paperValue(parsePaperCsv("a,b\nx,1\n", "p/t.csv"), "y", "b"), Error, 'no row "y"');
});
