/**
 * Keeps the public API documented: `deno doc --lint lib/mod.ts` must report no problem (missing JSDoc, missing
 * explicit type, reference to an unexported type) located in our own files under `lib/`.
 *
 * Problems inside `node_modules/` (tfjs, re-exported through `tf`) are not ours and are ignored. The paths in
 * {@link NOT_YET_CHECKED} are still being documented; shrink that list as they reach zero.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";

const REPO_ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/**
 * Parts of `lib/` whose doc-lint problems are not checked yet (a path ending in "/" covers the folder). Remove
 * an entry once `deno doc --lint lib/mod.ts` reports nothing there.
 */
export const NOT_YET_CHECKED: readonly string[] = [];

/**
 * Problems that `deno doc --lint` reports wrongly and that no comment in our code fixes, matched by file, kind
 * and the exact source line they point at. `import * as tf from "@tensorflow/tfjs"` is the declaration of the
 * re-exported `tf` namespace: deno doc looks up a namespace import's JSDoc in the wrong file (the one that
 * re-exports it), so no comment in lib/tf.ts or lib/mod.ts is found (denoland/std#4044 hit the same bug).
 */
export const KNOWN_FALSE_POSITIVES: readonly { path: string; kind: string; source: string }[] = [
  { path: "lib/tf.ts", kind: "missing-jsdoc", source: 'import * as tf from "@tensorflow/tfjs";' },
];

/** One problem of `deno doc --lint`. */
export interface DocLintProblem {
  /** Rule, e.g. "missing-jsdoc" or "private-type-ref". */
  kind: string;
  /** The message after the rule. */
  message: string;
  /** Path as printed (absolute). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
}

/** Parse the (colour-free) output of `deno doc --lint`: an `error[kind]: message` line, then `--> file:line:col`. */
export function parseDocLint(output: string): DocLintProblem[] {
  const problems: DocLintProblem[] = [];
  let head: { kind: string; message: string } | null = null;
  for (const raw of output.split("\n")) {
    const line = raw.trim();
    const e = /^error\[([a-z0-9-]+)\]:\s*(.*)$/.exec(line);
    if (e) {
      head = { kind: e[1], message: e[2] };
      continue;
    }
    const at = /^-->\s+(.+):(\d+):(\d+)$/.exec(line);
    if (at && head) {
      problems.push({ ...head, file: at[1], line: Number(at[2]), col: Number(at[3]) });
      head = null;
    }
  }
  return problems;
}

/** `file` relative to the repository root, or null when it is outside it. */
function repoRelative(file: string): string | null {
  const path = file.startsWith("file://") ? new URL(file).pathname : file;
  return path.startsWith(`${REPO_ROOT}/`) ? path.slice(REPO_ROOT.length + 1) : null;
}

/** Our files: under lib/, not in node_modules and not in {@link NOT_YET_CHECKED}. */
function isChecked(rel: string | null): rel is string {
  return rel !== null && rel.startsWith("lib/") && !rel.includes("node_modules/") &&
    !NOT_YET_CHECKED.some((p) => p.endsWith("/") ? rel.startsWith(p) : rel === p);
}

function isKnownFalsePositive(rel: string, p: DocLintProblem): boolean {
  return KNOWN_FALSE_POSITIVES.some((k) => {
    if (k.path !== rel || k.kind !== p.kind) return false;
    const text = Deno.readTextFileSync(`${REPO_ROOT}/${rel}`).split("\n")[p.line - 1] ?? "";
    return text.trim() === k.source;
  });
}

Deno.test("parseDocLint reads rule, message and location of each problem", () => {
  const sample = [
    "Warning Failed resolving types.",
    "error[missing-jsdoc]: exported symbol is missing JSDoc documentation",
    "  --> /repo/lib/a.ts:12:3",
    "   | ",
    "12 |   foo: number;",
    "error[private-type-ref]: public type 'f' references private type 'Side'",
    "   --> /repo/lib/b.ts:64:1",
  ].join("\n");
  assertEquals(parseDocLint(sample), [
    {
      kind: "missing-jsdoc",
      message: "exported symbol is missing JSDoc documentation",
      file: "/repo/lib/a.ts",
      line: 12,
      col: 3,
    },
    {
      kind: "private-type-ref",
      message: "public type 'f' references private type 'Side'",
      file: "/repo/lib/b.ts",
      line: 64,
      col: 1,
    },
  ]);
});

Deno.test("deno doc --lint lib/mod.ts: no problem in our documented files", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", "lib/mod.ts"],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  // deno may colour its output even with NO_COLOR in some versions: strip the escape codes
  // deno-lint-ignore no-control-regex -- ESC is exactly what the pattern removes
  const text = (dec.decode(out.stdout) + "\n" + dec.decode(out.stderr)).replace(/\x1b\[[0-9;]*m/g, "");
  const problems = parseDocLint(text);
  const errorLines = text.split("\n").filter((l) => /^error\[/.test(l.trim())).length;
  assertEquals(problems.length, errorLines, "every error[...] line should come with a --> location");
  // a fatal error (bad import, syntax error) prints "error: ..." and no diagnostics: that must not pass
  // (the closing "error: Found N documentation lint errors." is the summary, not a failure)
  const fatal = text.split("\n").filter((l) =>
    /^error:/.test(l.trim()) && !/^error: Found \d+ documentation lint errors?\.$/.test(l.trim())
  );
  assert(fatal.length === 0, `deno doc failed:\n${fatal.join("\n")}`);
  assert(
    out.success || problems.length > 0,
    `deno doc exited with ${out.code} without diagnostics:\n${text}`,
  );

  const ours = problems.flatMap((p) => {
    const rel = repoRelative(p.file);
    return isChecked(rel) && !isKnownFalsePositive(rel, p)
      ? [`${rel}:${p.line}:${p.col} [${p.kind}] ${p.message}`]
      : [];
  });
  assert(
    ours.length === 0,
    `deno doc --lint lib/mod.ts reports ${ours.length} problem(s) in documented files:\n${ours.join("\n")}`,
  );
});
