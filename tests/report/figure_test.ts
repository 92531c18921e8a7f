import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import {
  jupyterNamespace,
  renderFigure,
  renderSvg,
  svgToPng,
  withDefaults,
} from "../../lib/report/figure.ts";

const spec = {
  data: { values: [{ k: "a", v: 1 }, { k: "b", v: 3 }] },
  mark: "bar",
  encoding: { x: { field: "k", type: "nominal" }, y: { field: "v", type: "quantitative" } },
  title: "Readable title",
};

Deno.test("withDefaults sets schema, font and background without overriding the spec", () => {
  const s = withDefaults({ ...spec, background: "#eee", config: { font: "Serif" } });
  assertEquals(s.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assertEquals(s.background, "#eee");
  assertEquals((s.config as { font: string }).font, "Serif");
  assertEquals((withDefaults(spec).config as { font: string }).font, "DejaVu Sans");
});

Deno.test("renderSvg draws text in DejaVu Sans; svgToPng gives a PNG at 2x", async () => {
  const svg = await renderSvg(withDefaults(spec));
  assertStringIncludes(svg, "<svg");
  assertStringIncludes(svg, "Readable title");
  assertStringIncludes(svg, "DejaVu Sans");
  const png = await svgToPng(svg);
  assertEquals([...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
  const width = new DataView(png.buffer, png.byteOffset).getUint32(16);
  const svgWidth = Number(/width="(\d+)"/.exec(svg)![1]);
  assertEquals(width, svgWidth * 2);
  await assertRejects(() => renderSvg({ mark: "nonsense" }), Error, "invalid vega-lite spec");
});

Deno.test("renderFigure writes svg, png and metadata; outside the kernel nothing is displayed", async () => {
  assertEquals(jupyterNamespace(), null);
  const dir = await Deno.makeTempDir();
  try {
    const meta = await renderFigure(spec, "bars", { caption: " Two bars. ", outDir: dir });
    assertEquals(meta.caption, "Two bars.");
    assertEquals(meta.files, { svg: "bars.svg", png: "bars.png" });
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "bars.figure.json",
      "bars.png",
      "bars.svg",
    ]);
    assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/bars.figure.json`)).name, "bars");
    await assertRejects(
      () => renderFigure(spec, "Bad Name", { caption: "x", outDir: dir }),
      Error,
      "must match",
    );
    await assertRejects(
      () => renderFigure(spec, "nocap", { caption: "", outDir: dir }),
      Error,
      "caption is required",
    );
    assert(!(await Deno.stat(`${dir}/nocap.svg`).catch(() => null)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
