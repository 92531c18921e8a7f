import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import sharp from "sharp";
import {
  figureBundle,
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

Deno.test("figureBundle: a rendered figure's display bundle holds vega-lite, SVG and a valid PNG at the SVG's size", async () => {
  const full = withDefaults(spec);
  const svg = await renderSvg(full);
  const png = await svgToPng(svg);
  const bundle = figureBundle(full, svg, png, "[figure bars] Two bars.");
  assertEquals(Object.keys(bundle.data).sort(), [
    "application/vnd.vegalite.v5+json",
    "image/png",
    "image/svg+xml",
    "text/plain",
  ]);
  assertEquals(bundle.data["application/vnd.vegalite.v5+json"], full);
  assertEquals(bundle.data["image/svg+xml"], svg);
  assertEquals(bundle.data["text/plain"], "[figure bars] Two bars.");
  // base64 without line breaks (Jupyter's form), decoding to the PNG bytes
  const b64 = bundle.data["image/png"];
  assert(/^[A-Za-z0-9+/]+=*$/.test(b64), "image/png is plain base64");
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  assertEquals([...bytes.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assertEquals(bytes, png);
  const { width, height, format } = await sharp(bytes).metadata();
  assertEquals(format, "png");
  const svgWidth = Number(/width="(\d+)"/.exec(svg)![1]);
  const svgHeight = Number(/height="(\d+)"/.exec(svg)![1]);
  assertEquals([width, height], [2 * svgWidth, 2 * svgHeight]);
  // shown at the SVG's size, so the 2x PNG is sharp rather than twice as large
  assertEquals(bundle.metadata, { "image/png": { width: svgWidth, height: svgHeight } });
});
