import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import {
  NotebookError,
  paperOf,
  publishDir,
  runNotebook,
  sweepStaleOutputs,
} from "../../lib/notebook/executor.ts";
import { readNotebook, validateNotebook } from "../../lib/notebook/nbformat.ts";

const FIXTURES = new URL("../fixtures/notebooks/", import.meta.url).pathname;
const opts = { sanitizeResources: false, sanitizeOps: false };

/** Copy a fixture into a fresh directory with a previously published figures/<paper>/ to protect. */
async function setup(name: string) {
  const dir = await Deno.makeTempDir();
  const nb = `${dir}/${name}.ipynb`;
  await Deno.copyFile(`${FIXTURES}${name}.ipynb`, nb);
  const paper = paperOf(nb);
  await Deno.mkdir(`${dir}/figures/${paper}`, { recursive: true });
  await Deno.writeTextFile(`${dir}/figures/${paper}/old.txt`, "previous good output");
  return { dir, nb, paper, before: await Deno.readTextFile(nb) };
}

function listing(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("paperOf strips the order prefix", () => {
  assertEquals(paperOf("notebooks/01_pirl.ipynb"), "pirl");
  assertEquals(paperOf("x/simclr.ipynb"), "simclr");
});

Deno.test({
  name: "runNotebook captures every output kind, writes the notebook back and publishes staged files",
  ...opts,
  fn: async () => {
    const { dir, nb, paper } = await setup("01_display");
    try {
      const lines: string[] = [];
      const res = await runNotebook(nb, {
        figuresRoot: `${dir}/figures`,
        env: { SSL_PROFILE: "smoke" },
        progress: (l) => lines.push(l),
      });
      assertEquals(res.executed, 5);
      assert(lines.some((l) => l.includes("cell 2 (code 1/6) ok")), lines.join("\n"));
      const written = await readNotebook(nb);
      assertEquals(validateNotebook(written), []);
      assertEquals(written.metadata.kernelspec, {
        name: "deno",
        display_name: "Deno",
        language: "typescript",
      });
      assertEquals((written.metadata.language_info as { name: string }).name, "typescript");
      const code = written.cells.filter((c) => c.cell_type === "code");
      const outs = code.map((c) => (c.cell_type === "code" ? c.outputs : []));
      assertEquals(outs[0], [
        { output_type: "stream", name: "stdout", text: ["hello stdout\n"] },
        { output_type: "stream", name: "stderr", text: ["hello stderr\n"] },
        { output_type: "stream", name: "stdout", text: ["second line\n"] },
      ]);
      assertEquals(outs[1], [{
        output_type: "display_data",
        data: { "text/plain": ["a bundle"], "text/html": ["<b>bold</b>"] },
        metadata: {},
      }]);
      assertEquals(outs[2][0].output_type === "execute_result" && outs[2][0].data["text/plain"], ["42"]);
      assertEquals(
        code[3].cell_type === "code" && code[3].execution_count,
        null,
        "empty cell is not executed",
      );
      assert(JSON.stringify(outs[5]).includes("late output"), "late output after idle is captured");
      assertEquals(code.map((c) => c.cell_type === "code" ? c.execution_count : null), [1, 2, 3, null, 4, 5]);
      // staged file published, replacing the previous directory; no staging directory left behind
      assertEquals(listing(`${dir}/figures/${paper}`), ["hello.txt"]);
      assertEquals(await Deno.readTextFile(`${dir}/figures/${paper}/hello.txt`), "profile=smoke");
      // nothing else but the hidden publish lock
      assertEquals(listing(`${dir}/figures`), [`.${paper}.lock`, paper]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a throwing cell fails with notebook, cell and error in one line and leaves everything untouched",
  ...opts,
  fn: async () => {
    const { dir, nb, paper, before } = await setup("02_throws");
    try {
      const e = await assertRejects(
        () => runNotebook(nb, { figuresRoot: `${dir}/figures`, progress: () => {} }),
        NotebookError,
      );
      assertEquals(e.message, `${nb} cell 3: RangeError: fixture failure on purpose`);
      assertEquals(e.cell, 3);
      assertEquals(await Deno.readTextFile(nb), before);
      assertEquals(listing(`${dir}/figures`), [paper], "staging directory removed");
      assertEquals(listing(`${dir}/figures/${paper}`), ["old.txt"], "partial.txt was not published");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a kernel that dies mid-run is reported with the cell and exit code",
  ...opts,
  fn: async () => {
    const { dir, nb, paper, before } = await setup("03_dies");
    try {
      const e = await assertRejects(
        () => runNotebook(nb, { figuresRoot: `${dir}/figures`, progress: () => {} }),
        NotebookError,
      );
      assertStringIncludes(e.message, `${nb} cell 2: kernel died (exit code 3)`);
      assert(!e.message.includes("\n"));
      assertEquals(await Deno.readTextFile(nb), before);
      assertEquals(listing(`${dir}/figures/${paper}`), ["old.txt"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("an invalid notebook is rejected before any kernel starts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.ipynb`, '{"nbformat": 4, "cells": "nope"}');
    const e = await assertRejects(
      () => runNotebook(`${dir}/bad.ipynb`, { figuresRoot: `${dir}/figures` }),
      NotebookError,
    );
    assertStringIncludes(e.message, "invalid nbformat 4");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "sweepStaleOutputs removes staging and old dirs of dead runs only, never a paper's outputs",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const root = await Deno.makeTempDir();
    try {
      const child = new Deno.Command("true").spawn();
      await child.status;
      const dead = child.pid; // a process that has exited and been reaped
      const names = [
        `.pirl.staging-${dead}-abc.tmp`,
        `.simclr.old-${dead}-def.tmp`,
        `.pirl.staging-${Deno.pid}-live.tmp`,
        "pirl",
        ".hidden-other",
      ];
      for (const n of names) await Deno.mkdir(`${root}/${n}`);
      const removed = await sweepStaleOutputs(root);
      assertEquals(removed.sort(), [`.pirl.staging-${dead}-abc.tmp`, `.simclr.old-${dead}-def.tmp`]);
      const left = [...Deno.readDirSync(root)].map((e) => e.name).sort();
      assertEquals(left, [".hidden-other", `.pirl.staging-${Deno.pid}-live.tmp`, "pirl"]);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("an unwritable output directory fails before any kernel starts, naming the notebook and the path", async () => {
  const { dir, nb } = await setup("01_display");
  try {
    const blocker = `${dir}/not-a-dir`;
    await Deno.writeTextFile(blocker, "a file where the figures directory should be");
    const err = await assertRejects(
      () => runNotebook(nb, { figuresRoot: `${blocker}/figures` }),
      NotebookError,
    );
    assertStringIncludes(err.message, nb);
    assertStringIncludes(err.message, `cannot write outputs in ${blocker}/figures`);
    assertEquals(err.message.includes("\n"), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("publishDir: runs publishing the same paper at once all succeed, one complete output stands, no debris", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/demo`);
    await Deno.writeTextFile(`${root}/demo/results.json`, "old");
    const n = 8;
    const stagings = await Promise.all(Array.from({ length: n }, async (_, i) => {
      const dir = await Deno.makeTempDir({ dir: root, prefix: `.demo.staging-${Deno.pid}-`, suffix: ".tmp" });
      await Deno.writeTextFile(`${dir}/results.json`, `run ${i}`);
      await Deno.writeTextFile(`${dir}/figure.svg`, `<svg>${i}</svg>`);
      return dir;
    }));
    await Promise.all(stagings.map((s) => publishDir(s, `${root}/demo`)));
    const got = await Deno.readTextFile(`${root}/demo/results.json`);
    const i = Number(got.replace("run ", ""));
    assert(Number.isInteger(i) && i >= 0 && i < n, got);
    assertEquals(
      await Deno.readTextFile(`${root}/demo/figure.svg`),
      `<svg>${i}</svg>`,
      "one run's files, whole",
    );
    const left = [...Deno.readDirSync(root)].map((e) => e.name).sort();
    assertEquals(left, [".demo.lock", "demo"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
