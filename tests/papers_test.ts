import { assertEquals, assertThrows } from "@std/assert";
import { loadPaperTable, type PaperId, paperValue, parsePaperCsv } from "../lib/papers.ts";
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

Deno.test("free-text columns (note, source) stay text; every published table loads", async () => {
  const t = parsePaperCsv("quantity,value,note\nacc,68.0,linear probe of ViT-B\n", "p/q.csv");
  assertEquals(t.rows[0], { quantity: "acc", value: 68, note: "linear probe of ViT-B" });
  const mae = await loadPaperTable("mae2022", "headline.csv");
  assertEquals(paperValue(mae, "vitb_linear_top1", "value"), 68.0);
  assertThrows(() => paperValue(mae, "vitb_linear_top1", "note"), Error, 'no numeric column "note"');
  const dir = `${REPO_ROOT}/data/papers`;
  for (const paper of Deno.readDirSync(dir)) {
    if (!paper.isDirectory) continue;
    for (const f of Deno.readDirSync(`${dir}/${paper.name}`)) {
      if (f.name.endsWith(".csv")) await loadPaperTable(paper.name as PaperId, f.name);
    }
  }
});
