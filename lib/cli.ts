/**
 * The command-line parser of the suite's tools (`deno task reproduce`, `deno task bench`): `node:util`
 * `parseArgs` in strict mode, driven by one table of options that also writes the `--help` text, so what is
 * accepted and what is documented cannot drift apart. Unknown options, missing values and stray words are
 * one-line errors ({@link CliError}) naming the option.
 *
 * @example
 * ```ts
 * import { helpText, parseCli } from "./cli.ts";
 * const options = {
 *   steps: { type: "string", value: "N", help: "timed steps" },
 *   json: { type: "boolean", help: "one JSON object per line" },
 * } as const;
 * const { values } = parseCli(options, ["--steps", "3", "--json"]);
 * console.log(values.steps, values.json); // "3" true
 * console.log(helpText("usage: demo [options]", "What demo does.", options));
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";

/** One command-line option. */
export interface OptionSpec {
  /** `string` takes a value (`--x V` or `--x=V`); `boolean` is a flag. */
  readonly type: "string" | "boolean";
  /** A one-letter alias (`-h`). */
  readonly short?: string;
  /** May be given several times (values are collected in order). */
  readonly multiple?: boolean;
  /** Words after it that are not options belong to it too (`--paper pirl simclr`); implies `multiple`. */
  readonly greedy?: boolean;
  /** The value's placeholder in the help (`N`, `DIR`, `NAME…`). */
  readonly value?: string;
  /** One line (or a few, joined with "\n") for `--help`. */
  readonly help: string;
}

/** A table of options by long name (without the leading `--`). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The parsed values: strings (or lists for `multiple`/`greedy`) and booleans; absent options are undefined. */
export type CliValues<T extends OptionTable> = {
  -readonly [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean
    : T[K]["multiple"] extends true ? string[]
    : T[K]["greedy"] extends true ? string[]
    : string;
};

/** A bad command line: the message is one line naming the option. */
export class CliError extends Error {
  /** "CliError". */
  override name = "CliError";
}

/**
 * Parse `argv` against `options` (strict: unknown options, a missing value and stray words are errors).
 * @throws {CliError} one line naming the problem.
 */
export function parseCli<T extends OptionTable>(
  options: T,
  argv: readonly string[],
): { values: CliValues<T> } {
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries(options)) {
    config[name] = { type: o.type, multiple: Boolean(o.multiple || o.greedy) };
    if (o.short) config[name].short = o.short;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: config,
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (e) {
    throw new CliError(explain(e as Error & { code?: string }, argv));
  }
  const values = { ...parsed.values } as Record<string, unknown>;
  // words after a greedy option belong to it; any other word is an error
  let owner: string | null = null;
  for (const t of parsed.tokens ?? []) {
    if (t.kind === "option") {
      owner = options[t.name]?.greedy && t.inlineValue !== true ? t.name : null;
    } else if (t.kind === "positional") {
      if (owner === null) throw new CliError(`unexpected argument "${t.value}" (see --help)`);
      (values[owner] as string[]).push(t.value);
    } else owner = null;
  }
  for (const [name, o] of Object.entries(options)) {
    const v = values[name];
    if (o.type === "string" && typeof v === "string" && v === "") {
      throw new CliError(`--${name} needs a value`);
    }
    if (Array.isArray(v) && v.some((x) => x === "")) throw new CliError(`--${name} needs a value`);
  }
  return { values: values as CliValues<T> };
}

function explain(e: Error & { code?: string }, argv: readonly string[]): string {
  const opt = /'(-[^' ]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option "${opt ?? e.message}" (see --help)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const name = opt?.startsWith("--") ? opt : argv.find((a) => e.message.includes(a)) ?? opt;
      return e.message.includes("does not take an argument")
        ? `${name} takes no value`
        : `${name} needs a value`;
    }
    default:
      return e.message.split("\n")[0];
  }
}

/** The `--help` text: usage, description, then one aligned entry per option. */
export function helpText(usage: string, description: string, options: OptionTable, footer = ""): string {
  const left = (name: string, o: OptionSpec) =>
    `${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
  const width = Math.max(...Object.entries(options).map(([n, o]) => left(n, o).length)) + 2;
  const lines = Object.entries(options).map(([n, o]) => {
    const [first, ...rest] = o.help.split("\n");
    return [`  ${left(n, o).padEnd(width)}${first}`, ...rest.map((r) => `  ${"".padEnd(width)}${r}`)].join(
      "\n",
    );
  });
  return [usage, "", description, "", "options:", ...lines, ...(footer ? ["", footer] : [])].join("\n");
}
