/**
 * The checked-in executed notebooks show their figures in every Jupyter view: each output that carries an
 * `image/svg+xml` figure also carries an `image/png` (classic Jupyter Notebook and JupyterLab show neither SVG
 * nor vega-lite from an untrusted notebook, which a freshly executed one is), and no cell echoes the metadata
 * object that `renderFigure` returns.
 *
 * The PNG check reads the outputs, so it passes only once the notebooks have been re-executed with the PNG
 * entry (`deno task reproduce`); a notebook whose outputs hold no figure at all (not executed yet) is skipped.
 */
import { assert, assertEquals } from "@std/assert";
import { type Cell, type Output, sourceText } from "../../lib/notebook/nbformat.ts";
import { REPO_ROOT } from "../../lib/paths.ts";

const dir = `${REPO_ROOT}/notebooks`;
const names = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".ipynb")).map((e) => e.name)
  .sort();

/** The notebook's code cells (read synchronously at load, to decide which tests to skip). */
function codeCells(name: string): Extract<Cell, { cell_type: "code" }>[] {
  const nb = JSON.parse(Deno.readTextFileSync(`${dir}/${name}`)) as { cells: Cell[] };
  return nb.cells.filter((c): c is Extract<Cell, { cell_type: "code" }> => c.cell_type === "code");
}

/** An output's MIME bundle (empty for streams and errors). */
function bundle(o: Output): Record<string, unknown> {
  return o.output_type === "display_data" || o.output_type === "execute_result" ? o.data : {};
}

/** A MIME entry as one string (nbformat allows a list of lines). */
function text(v: unknown): string {
  return Array.isArray(v) ? v.join("") : String(v);
}

/**
 * Whether a cell's last statement is the expression `await renderFigure(…)` (at any indentation, e.g. inside
 * an `if`): no later line at its indentation or less starts another statement (closing brackets of the call or
 * of an enclosing block do not).
 */
function endsWithRenderFigure(source: string): boolean {
  const lines = source.split("\n");
  return lines.some((line, k) => {
    const m = /^(\s*)await (?:renderFigure|exp\.figure)\(/.exec(line);
    if (!m) return false;
    return !lines.slice(k + 1).some((l) => {
      const indent = l.length - l.trimStart().length;
      return l.trim() !== "" && indent <= m[1].length && !/^[)}\]]/.test(l.trim());
    });
  });
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

for (const name of names) {
  const cells = codeCells(name);
  const hasFigures = cells.some((c) => c.outputs.some((o) => "image/svg+xml" in bundle(o)));
  Deno.test({
    name: hasFigures
      ? `${name}: every SVG figure output also has a valid image/png`
      : `${name}: every SVG figure output also has a valid image/png (skipped: its outputs hold no figures)`,
    ignore: !hasFigures,
    fn: () => {
      const missing: string[] = [];
      cells.forEach((c, i) => {
        for (const o of c.outputs) {
          const data = bundle(o);
          if (!("image/svg+xml" in data)) continue;
          const where = `code cell ${i + 1} (${c.id ?? "no id"}) ${text(data["text/plain"] ?? "")}`;
          if (!("image/png" in data)) {
            missing.push(where);
            continue;
          }
          const b64 = text(data["image/png"]).replace(/\s/g, "");
          const head = Uint8Array.from(atob(b64.slice(0, 16)), (ch) => ch.charCodeAt(0));
          assertEquals([...head.slice(0, 8)], PNG_SIGNATURE, `${where}: image/png is not a PNG`);
        }
      });
      assertEquals(missing, [], `${name}: figure outputs without image/png (re-run the notebook)`);
    },
  });

  Deno.test(`${name}: no cell ends by echoing a figure's return value`, () => {
    const echoing = cells.flatMap((c, i) =>
      endsWithRenderFigure(sourceText(c.source)) ? [`code cell ${i + 1} (${c.id ?? "no id"})`] : []
    );
    assert(
      echoing.length === 0,
      `${name}: ${echoing.join(", ")} end with \`await exp.figure(…)\`, whose metadata object the kernel ` +
        "echoes; end the cell with a statement (e.g. `const figure = await exp.figure(…)`)",
    );
  });
}
