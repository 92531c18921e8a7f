import { assertEquals, assertThrows } from "@std/assert";
import sharp from "sharp";
import { gridPng, imageGrid } from "../../lib/data/grid.ts";
import type { Split } from "../../lib/data/types.ts";

const split: Split = {
  n: 3,
  height: 2,
  width: 2,
  channels: 1,
  images: Uint8Array.from([10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30]),
  labels: {},
};

Deno.test("imageGrid lays tiles out row-major with padding and scaling", () => {
  const g = imageGrid(split, [2, 0, 1], { cols: 2, pad: 1, scale: 2, background: [255, 0, 0] });
  assertEquals([g.width, g.height], [2 * 4 + 3, 2 * 4 + 3]);
  const at = (x: number, y: number) =>
    Array.from(g.data.subarray((y * g.width + x) * 3, (y * g.width + x) * 3 + 3));
  assertEquals(at(0, 0), [255, 0, 0]);
  assertEquals(at(1, 1), [30, 30, 30]); // first tile = image 2
  assertEquals(at(6, 4), [10, 10, 10]); // second tile = image 0
  assertEquals(at(1, 6), [20, 20, 20]); // second row = image 1
  assertEquals(at(8, 8), [255, 0, 0]); // empty cell
  assertThrows(() => imageGrid(split, [3]), Error, "out of range");
});

Deno.test("gridPng encodes a PNG that decodes to the same pixels", async () => {
  const png = await gridPng(split, [0, 1, 2], { cols: 3, pad: 0 });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assertEquals([info.width, info.height], [6, 2]);
  assertEquals(
    Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
    Array.from(imageGrid(split, [0, 1, 2], { cols: 3, pad: 0 }).data),
  );
});
