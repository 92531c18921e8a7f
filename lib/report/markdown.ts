/**
 * Markdown tables, for notebook display and for tables pasted into the README (`deno task bench`).
 *
 * @module
 */

/** A markdown table; `|` inside a cell is escaped. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const esc = (c: string | number) => String(c).replaceAll("|", "\\|");
  return [
    `| ${header.map(esc).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}
