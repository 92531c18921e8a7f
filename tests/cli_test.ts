import { assertEquals, assertThrows } from "@std/assert";
import { CliError, helpText, parseCli } from "../lib/cli.ts";

const OPTIONS = {
  paper: { type: "string", greedy: true, value: "NAME…", help: "papers" },
  seeds: { type: "string", value: "N", help: "how many seeds" },
  fresh: { type: "boolean", help: "recompute\nthe cache" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const;

Deno.test("parseCli: values, = form, greedy words, short flags; absent options are undefined", () => {
  assertEquals(parseCli(OPTIONS, []).values, {});
  assertEquals(parseCli(OPTIONS, ["--paper", "a", "b", "--seeds=3", "--fresh"]).values, {
    paper: ["a", "b"],
    seeds: "3",
    fresh: true,
  });
  assertEquals(parseCli(OPTIONS, ["--paper=a,b", "--paper", "c"]).values.paper, ["a,b", "c"]);
  assertEquals(parseCli(OPTIONS, ["-h"]).values.help, true);
});

Deno.test("parseCli: unknown options, missing values, values on flags and stray words are one-line errors", () => {
  const cases: [string[], string][] = [
    [["--bogus"], 'unknown option "--bogus" (see --help)'],
    [["-x"], 'unknown option "-x"'],
    [["--seeds"], "--seeds needs a value"],
    [["--seeds", "--fresh"], "--seeds needs a value"],
    [["--seeds="], "--seeds needs a value"],
    [["--fresh=yes"], "--fresh takes no value"],
    [["stray"], 'unexpected argument "stray"'],
    [["--paper=a", "b"], 'unexpected argument "b"'],
  ];
  for (const [argv, text] of cases) {
    const e = assertThrows(() => parseCli(OPTIONS, argv), CliError, text);
    assertEquals(e.message.includes("\n"), false, argv.join(" "));
  }
});

Deno.test("helpText documents every option, aligned, with value placeholders and continuation lines", () => {
  const text = helpText("usage: demo", "What it does.", OPTIONS, "footer");
  assertEquals(
    text,
    [
      "usage: demo",
      "",
      "What it does.",
      "",
      "options:",
      "  --paper NAME…  papers",
      "  --seeds N      how many seeds",
      "  --fresh        recompute",
      "                 the cache",
      "  -h, --help     this text",
      "",
      "footer",
    ].join("\n"),
  );
});
