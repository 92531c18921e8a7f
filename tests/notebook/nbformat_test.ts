import { assert, assertEquals, assertRejects, assertStringIncludes, assertThrows } from "@std/assert";
import {
  normaliseNotebook,
  type Notebook,
  parseNotebook,
  readNotebook,
  serializeNotebook,
  splitLines,
  stableCellId,
  validateNotebook,
  writeNotebook,
} from "../../lib/notebook/nbformat.ts";

const valid = (): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
  cells: [
    { cell_type: "markdown", id: "a", metadata: {}, source: ["# title\n", "text"] },
    {
      cell_type: "code",
      id: "b",
      metadata: {},
      source: "1 + 1",
      execution_count: 1,
      outputs: [
        { output_type: "execute_result", execution_count: 1, data: { "text/plain": "2" }, metadata: {} },
        { output_type: "stream", name: "stdout", text: ["x\n"] },
        {
          output_type: "display_data",
          data: { "application/vnd.vegalite.v5+json": { mark: "bar" } },
          metadata: {},
        },
        { output_type: "error", ename: "E", evalue: "v", traceback: ["t"] },
      ],
    },
    { cell_type: "raw", id: "c", metadata: {}, source: "" },
  ],
});

Deno.test("validateNotebook accepts a well-formed nbformat 4.5 notebook", () => {
  assertEquals(validateNotebook(valid()), []);
});

Deno.test("validateNotebook names each structural problem", () => {
  const cases: [(nb: Record<string, unknown>) => void, string][] = [
    [(nb) => delete nb.cells, 'missing top-level key "cells"'],
    [(nb) => (nb.nbformat = 3), "nbformat must be 4"],
    [
      (nb) => ((nb.cells as Record<string, unknown>[])[0].cell_type = "heading"),
      'unknown cell_type "heading"',
    ],
    [(nb) => ((nb.cells as Record<string, unknown>[])[0].source = 42), "source must be a string or list"],
    [(nb) => ((nb.cells as Record<string, unknown>[])[1].outputs = undefined), "needs an outputs list"],
    [(nb) => ((nb.cells as Record<string, unknown>[])[1].execution_count = "1"), "execution_count must be"],
    [(nb) => ((nb.cells as Record<string, unknown>[])[2].id = "a"), 'duplicate id "a"'],
    [(nb) => delete (nb.cells as Record<string, unknown>[])[2].id, "id must match"],
    [(nb) => ((nb.cells as Record<string, unknown>[])[0].outputs = []), "must not have outputs"],
    [
      (
        nb,
      ) => (((nb.cells as Record<string, unknown>[])[1].outputs as unknown[])[1] = {
        output_type: "stream",
        name: "x",
        text: "",
      }),
      "stream name",
    ],
    [
      (
        nb,
      ) => (((nb.cells as Record<string, unknown>[])[1].outputs as unknown[])[0] = { output_type: "weird" }),
      "unknown output_type",
    ],
    [(nb) => ((nb.metadata as Record<string, unknown>).kernelspec = { name: 1 }), "kernelspec"],
  ];
  for (const [mutate, expected] of cases) {
    const nb = valid() as unknown as Record<string, unknown>;
    mutate(nb);
    const errors = validateNotebook(nb);
    assert(errors.some((e) => e.includes(expected)), `expected "${expected}" in ${JSON.stringify(errors)}`);
  }
  assertEquals(validateNotebook([]), ["notebook is not a JSON object"]);
});

Deno.test("parseNotebook reports bad JSON and invalid structure in one line", () => {
  assertThrows(() => parseNotebook("{", "x.ipynb"), Error, "x.ipynb: not valid JSON");
  const e = assertThrows(
    () => parseNotebook('{"nbformat": 4}', "y.ipynb"),
    Error,
    "y.ipynb: invalid nbformat 4",
  );
  assert(!e.message.includes("\n"));
});

Deno.test("splitLines keeps newlines; normaliseNotebook adds ids, kernelspec and list-of-lines text", () => {
  assertEquals(splitLines("a\nb\n"), ["a\n", "b\n"]);
  assertEquals(splitLines("a\nb"), ["a\n", "b"]);
  assertEquals(splitLines(""), []);
  const nb = valid();
  nb.nbformat_minor = 4;
  for (const c of nb.cells) delete c.id;
  const out = normaliseNotebook(nb, { name: "typescript", version: "x" });
  assertEquals(out.nbformat_minor, 5);
  assertEquals(validateNotebook(out), []);
  assertEquals(out.metadata.kernelspec, { name: "deno", display_name: "Deno", language: "typescript" });
  assertEquals(out.metadata.language_info, { name: "typescript", version: "x" });
  assertEquals(out.cells[1].id, stableCellId(1, "1 + 1"));
  assertEquals(out.cells[1].source, ["1 + 1"]);
  const o = out.cells[1].cell_type === "code" ? out.cells[1].outputs : [];
  assertEquals((o[0] as { data: Record<string, unknown> }).data["text/plain"], ["2"]);
  // JSON MIME types stay objects
  assertEquals((o[2] as { data: Record<string, unknown> }).data["application/vnd.vegalite.v5+json"], {
    mark: "bar",
  });
  // deterministic: same input, same ids and bytes
  assertEquals(serializeNotebook(normaliseNotebook(nb)), serializeNotebook(normaliseNotebook(nb)));
});

Deno.test("writeNotebook round-trips and refuses to overwrite with an invalid notebook", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/n.ipynb`;
    await writeNotebook(path, valid());
    const text = await Deno.readTextFile(path);
    assertStringIncludes(text, '\n "cells": [');
    assertEquals(await readNotebook(path), JSON.parse(text));
    const broken = valid() as unknown as Record<string, unknown>;
    broken.nbformat = 5;
    await assertRejects(() => writeNotebook(path, broken as unknown as Notebook), Error, "refusing to write");
    assertEquals(await Deno.readTextFile(path), text);
    assertEquals([...Deno.readDirSync(dir)].length, 1, "no temp files left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
