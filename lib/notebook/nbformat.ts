/**
 * Jupyter notebook documents (nbformat 4): types, a structural validator, and a stable serialiser.
 *
 * The validator checks what tools rely on: the top-level keys, `nbformat: 4`, cell types, `source` as a string
 * or a list of strings, code-cell outputs and execution counts, output types with their required fields, and
 * cell ids (required from nbformat 4.5). The serialiser writes like Jupyter (sorted keys, one-space indent,
 * multi-line strings as lists of lines) so that re-running a notebook gives small diffs.
 *
 * @module
 */
import { writeFileAtomic } from "../report/atomic.ts";

/** Multi-line text as stored in notebooks: a string or a list of lines. */
export type MultilineString = string | string[];

/** One cell output. */
export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: MultilineString }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | {
    output_type: "execute_result";
    execution_count: number | null;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** A notebook cell. */
export type Cell =
  | {
    cell_type: "code";
    id?: string;
    source: MultilineString;
    metadata: Record<string, unknown>;
    outputs: Output[];
    execution_count: number | null;
  }
  | {
    cell_type: "markdown" | "raw";
    id?: string;
    source: MultilineString;
    metadata: Record<string, unknown>;
    attachments?: Record<string, unknown>;
  };

/** An nbformat 4 notebook. */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** The kernelspec metadata written into every executed notebook. */
export const DENO_KERNELSPEC = { name: "deno", display_name: "Deno", language: "typescript" } as const;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isMultiline = (v: unknown) =>
  typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"));

function validateOutput(o: unknown, where: string, errors: string[]): void {
  if (!isObj(o)) return void errors.push(`${where}: output is not an object`);
  switch (o.output_type) {
    case "stream":
      if (o.name !== "stdout" && o.name !== "stderr") {
        errors.push(`${where}: stream name must be stdout|stderr`);
      }
      if (!isMultiline(o.text)) errors.push(`${where}: stream text must be a string or list of strings`);
      break;
    case "display_data":
    case "execute_result":
      if (!isObj(o.data)) errors.push(`${where}: ${o.output_type} needs a data object`);
      else {
        for (const [mime, v] of Object.entries(o.data)) {
          if (!/^[\w.+-]+\/[\w.+-]+$/.test(mime)) errors.push(`${where}: bad MIME type "${mime}"`);
          if (!mime.endsWith("json") && !isMultiline(v)) errors.push(`${where}: ${mime} must be text`);
        }
      }
      if (!isObj(o.metadata)) errors.push(`${where}: ${o.output_type} needs a metadata object`);
      if (
        o.output_type === "execute_result" &&
        !(o.execution_count === null || Number.isInteger(o.execution_count))
      ) {
        errors.push(`${where}: execute_result execution_count must be an integer or null`);
      }
      break;
    case "error":
      if (typeof o.ename !== "string" || typeof o.evalue !== "string") {
        errors.push(`${where}: error needs ename, evalue`);
      }
      if (!Array.isArray(o.traceback) || !o.traceback.every((s) => typeof s === "string")) {
        errors.push(`${where}: error traceback must be a list of strings`);
      }
      break;
    default:
      errors.push(`${where}: unknown output_type ${JSON.stringify(o.output_type)}`);
  }
}

/** Structural nbformat 4 validation; returns human-readable problems (empty when valid). */
export function validateNotebook(nb: unknown): string[] {
  const errors: string[] = [];
  if (!isObj(nb)) return ["notebook is not a JSON object"];
  for (const k of ["nbformat", "nbformat_minor", "metadata", "cells"]) {
    if (!(k in nb)) errors.push(`missing top-level key "${k}"`);
  }
  if ("nbformat" in nb && nb.nbformat !== 4) {
    errors.push(`nbformat must be 4, got ${JSON.stringify(nb.nbformat)}`);
  }
  if (
    "nbformat_minor" in nb && !(Number.isInteger(nb.nbformat_minor) && (nb.nbformat_minor as number) >= 0)
  ) {
    errors.push("nbformat_minor must be a non-negative integer");
  }
  if ("metadata" in nb && !isObj(nb.metadata)) errors.push("metadata must be an object");
  if (isObj(nb.metadata) && "kernelspec" in nb.metadata) {
    const ks = nb.metadata.kernelspec;
    if (!isObj(ks) || typeof ks.name !== "string" || typeof ks.display_name !== "string") {
      errors.push("metadata.kernelspec needs name and display_name strings");
    }
  }
  if (!("cells" in nb)) return errors;
  if (!Array.isArray(nb.cells)) return [...errors, "cells must be a list"];
  const needIds = (nb.nbformat_minor as number) >= 5;
  const ids = new Set<string>();
  nb.cells.forEach((c, i) => {
    const where = `cell ${i + 1}`;
    if (!isObj(c)) return void errors.push(`${where}: not an object`);
    if (!["code", "markdown", "raw"].includes(c.cell_type as string)) {
      errors.push(`${where}: unknown cell_type ${JSON.stringify(c.cell_type)}`);
    }
    if (!isMultiline(c.source)) errors.push(`${where}: source must be a string or list of strings`);
    if (!isObj(c.metadata)) errors.push(`${where}: metadata must be an object`);
    if (needIds) {
      if (typeof c.id !== "string" || !/^[a-zA-Z0-9-_]{1,64}$/.test(c.id)) {
        errors.push(`${where}: id must match [a-zA-Z0-9-_]{1,64} (nbformat 4.5)`);
      } else if (ids.has(c.id)) errors.push(`${where}: duplicate id "${c.id}"`);
      else ids.add(c.id);
    }
    if (c.cell_type === "code") {
      if (!(c.execution_count === null || Number.isInteger(c.execution_count))) {
        errors.push(`${where}: execution_count must be an integer or null`);
      }
      if (!Array.isArray(c.outputs)) errors.push(`${where}: code cell needs an outputs list`);
      else c.outputs.forEach((o, j) => validateOutput(o, `${where} output ${j + 1}`, errors));
    } else if ("outputs" in c || "execution_count" in c) {
      errors.push(`${where}: ${c.cell_type} cell must not have outputs/execution_count`);
    }
  });
  return errors;
}

/** Join multi-line text into one string. */
export function sourceText(s: MultilineString): string {
  return Array.isArray(s) ? s.join("") : s;
}

/** Split text into Jupyter's list-of-lines form (each line keeps its "\n"). */
export function splitLines(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Parse and validate notebook JSON; throws one line naming the first problem. */
export function parseNotebook(text: string, name = "notebook"): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
  }
  const errors = validateNotebook(nb);
  if (errors.length) {
    throw new Error(`${name}: invalid nbformat 4 (${errors[0]}${errors.length > 1 ? ", …" : ""})`);
  }
  return nb as Notebook;
}

/** Read, parse and validate a notebook file. */
export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  return parseNotebook(text, path);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

function normaliseText(v: MultilineString): string[] {
  return splitLines(sourceText(v));
}

/**
 * A deterministic cell id (for notebooks that lack ids): derived from the cell index and source, so it is stable
 * across runs.
 */
export function stableCellId(index: number, source: string): string {
  let h = 0x811c9dc5;
  const s = `${index}\n${source}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return `cell-${index}-${(h >>> 0).toString(16).padStart(8, "0")}`;
}

/**
 * Normalise a notebook to the form this suite writes: nbformat 4.5, cell ids, text as lists of lines, the Deno
 * kernelspec and the given language_info.
 */
export function normaliseNotebook(nb: Notebook, languageInfo?: Record<string, unknown>): Notebook {
  const cells = nb.cells.map((c, i): Cell => {
    const id = c.id ?? stableCellId(i, sourceText(c.source));
    const source = normaliseText(c.source);
    if (c.cell_type !== "code") return { ...c, id, source };
    const outputs = c.outputs.map((o): Output => {
      if (o.output_type === "stream") return { ...o, text: normaliseText(o.text) };
      if (o.output_type === "display_data" || o.output_type === "execute_result") {
        const data = Object.fromEntries(
          Object.entries(o.data).map((
            [k, v],
          ) => [k, typeof v === "string" && !k.endsWith("json") ? splitLines(v) : v]),
        );
        return { ...o, data };
      }
      return o;
    });
    return { ...c, id, source, outputs };
  });
  const metadata: Record<string, unknown> = { ...nb.metadata, kernelspec: { ...DENO_KERNELSPEC } };
  if (languageInfo) metadata.language_info = languageInfo;
  else if (!metadata.language_info) metadata.language_info = { name: "typescript" };
  return { nbformat: 4, nbformat_minor: Math.max(5, nb.nbformat_minor), metadata, cells };
}

/** Serialise like Jupyter: sorted keys, one-space indent, trailing newline. */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(sortKeys(nb), null, 1) + "\n";
}

/** Validate, then write a notebook atomically (the previous file stays intact on any failure). */
export async function writeNotebook(path: string, nb: Notebook): Promise<void> {
  const errors = validateNotebook(nb);
  if (errors.length) throw new Error(`${path}: refusing to write invalid notebook (${errors[0]})`);
  await writeFileAtomic(path, serializeNotebook(nb));
}
