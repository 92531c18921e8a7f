/**
 * Published numbers of the reproduced papers, read from the CSV files in `data/papers/` (see its README for
 * the source table of each file). Notebooks compare their own measurements against these rows.
 *
 * @module
 */
import { REPO_ROOT } from "./paths.ts";

/** Papers with published numbers in `data/papers/`. */
export type PaperId = "pirl2020" | "simclr2020" | "ericsson2021" | "pcae2023" | "mae2022";

/** One CSV row: the first column's text is kept as a string, every other cell is parsed as a number. */
export type PaperRow = Record<string, string | number>;

/** A parsed table: its columns (in file order) and rows. */
export interface PaperTable {
  /** `paper/file.csv`, for provenance. */
  source: string;
  /** Header names, trimmed, in file order (the first names the row key, e.g. "method"). */
  columns: string[];
  /** Data rows in file order, keyed by column name. */
  rows: PaperRow[];
}

/** Columns that hold free text (a remark on the row's number, its source) rather than numbers. */
export const TEXT_COLUMNS: readonly string[] = ["note", "notes", "source"];

/**
 * Parse a published-numbers CSV: header row, comma separated, no quoting. Cells of the first column (model /
 * method names) and of the free-text columns {@link TEXT_COLUMNS} stay text; others must be numbers (empty cells
 * become NaN).
 * @throws a one-line error naming `source` and the line for a ragged row or a non-numeric value.
 */
export function parsePaperCsv(text: string, source: string): PaperTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2) throw new Error(`${source}: expected a header and at least one row`);
  const columns = lines[0].split(",").map((c) => c.trim());
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(",").map((c) => c.trim());
    if (cells.length !== columns.length) {
      throw new Error(`${source}:${i + 2}: expected ${columns.length} cells, found ${cells.length}`);
    }
    const row: PaperRow = {};
    cells.forEach((cell, j) => {
      if (j === 0 || TEXT_COLUMNS.includes(columns[j])) row[columns[j]] = cell;
      else {
        const v = cell === "" ? NaN : Number(cell);
        if (cell !== "" && !Number.isFinite(v)) {
          throw new Error(`${source}:${i + 2}: column "${columns[j]}" is not a number: "${cell}"`);
        }
        row[columns[j]] = v;
      }
    });
    return row;
  });
  return { source, columns, rows };
}

/** Load `data/papers/<paper>/<file>` (e.g. `loadPaperTable("simclr2020", "loss_functions.csv")`). */
export async function loadPaperTable(paper: PaperId, file: string): Promise<PaperTable> {
  const source = `${paper}/${file}`;
  let text: string;
  try {
    text = await Deno.readTextFile(`${REPO_ROOT}/data/papers/${source}`);
  } catch {
    throw new Error(`published table data/papers/${source} not found`);
  }
  return parsePaperCsv(text, source);
}

/** The numeric value in the row whose first column equals `key`. Throws naming the table if absent. */
export function paperValue(table: PaperTable, key: string, column: string): number {
  const row = table.rows.find((r) => r[table.columns[0]] === key);
  if (!row) throw new Error(`${table.source}: no row "${key}"`);
  const v = row[column];
  if (typeof v !== "number") throw new Error(`${table.source}: no numeric column "${column}"`);
  return v;
}
