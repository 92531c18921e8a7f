import { assertEquals } from "@std/assert";
import { markdownTable } from "../../lib/report/markdown.ts";

Deno.test("markdownTable: header, rule and rows", () => {
  assertEquals(
    markdownTable(["a", "b"], [["1", "2"], ["3", "4"]]),
    "| a | b |\n| --- | --- |\n| 1 | 2 |\n| 3 | 4 |",
  );
});

Deno.test("markdownTable: numbers and escaped pipes", () => {
  assertEquals(markdownTable(["x|y"], [[1.5], ["a|b"]]), "| x\\|y |\n| --- |\n| 1.5 |\n| a\\|b |");
});
