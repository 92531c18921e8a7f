import { assertEquals, assertRejects, assertStringIncludes, assertThrows } from "@std/assert";
import type { Remote } from "../../lib/data/download.ts";
import { loadStl10, parseStl10Images, parseStl10Labels, STL10_CLASSES } from "../../lib/data/stl10.ts";
import { digest, gzip, makeTar, pixel, serve, stlImages } from "./_fixtures.ts";

Deno.test("parseStl10Images: column-major 3x96x96 -> NHWC", () => {
  const { n, images } = parseStl10Images(stlImages(2), "x.bin");
  assertEquals(n, 2);
  for (const [i, y, x] of [[0, 0, 1], [0, 1, 0], [1, 95, 3], [1, 40, 77]]) {
    for (let c = 0; c < 3; c++) assertEquals(images[((i * 96 + y) * 96 + x) * 3 + c], pixel(i, y, x, c));
  }
});

Deno.test("parseStl10Labels: 1..10 -> 0..9; out-of-range and truncated inputs are rejected", () => {
  assertEquals(Array.from(parseStl10Labels(Uint8Array.from([1, 10, 5]), "y.bin")), [0, 9, 4]);
  assertThrows(() => parseStl10Labels(Uint8Array.from([0]), "y.bin"), Error, "label 0 at index 0");
  const e = assertThrows(() => parseStl10Images(stlImages(1).slice(0, 1000), "train_X.bin"));
  assertStringIncludes(e.message, "train_X.bin");
  assertStringIncludes(e.message, "27648-byte");
  assertEquals(STL10_CLASSES.length, 10);
});

Deno.test("loadStl10: from a local archive, with unlabeled subset and downsampling; label count mismatch", async () => {
  const dir = await Deno.makeTempDir();
  const files = {
    "stl10_binary/train_X.bin": stlImages(3),
    "stl10_binary/train_y.bin": Uint8Array.from([1, 2, 10]),
    "stl10_binary/test_X.bin": stlImages(2),
    "stl10_binary/test_y.bin": Uint8Array.from([4, 4]),
    "stl10_binary/unlabeled_X.bin": stlImages(4),
  };
  const archive = await gzip(makeTar(files));
  const srv = serve({ "/stl.tar.gz": archive });
  const remote: Remote = {
    url: "http://unused.invalid/stl.tar.gz",
    file: "stl.tar.gz",
    checksum: { algorithm: "sha256", digest: await digest(archive, "sha256") },
  };
  try {
    const ds = await loadStl10({ dir: `${dir}/a`, baseUrl: srv.url, quiet: true, remote, unlabeled: 2 });
    assertEquals([ds.train.n, ds.test.n, ds.unlabeled?.n], [3, 2, 2]);
    assertEquals(Array.from(ds.train.labels.label), [0, 1, 9]);
    assertEquals(ds.train.images[((2 * 96 + 10) * 96 + 20) * 3 + 1], pixel(2, 10, 20, 1));
    const small = await loadStl10({ dir: `${dir}/a`, quiet: true, remote, size: 48 });
    assertEquals([small.train.height, small.train.width, small.unlabeled], [48, 48, undefined]);
    // area downsampling by 2: output pixel = rounded mean of its 2x2 block
    const [i, y, x, c] = [1, 5, 7, 2];
    const mean = (pixel(i, 2 * y, 2 * x, c) + pixel(i, 2 * y, 2 * x + 1, c) + pixel(i, 2 * y + 1, 2 * x, c) +
      pixel(i, 2 * y + 1, 2 * x + 1, c)) / 4;
    assertEquals(Math.abs(small.train.images[((i * 48 + y) * 48 + x) * 3 + c] - mean) <= 0.5, true);
    // labels file shorter than the images file
    await Deno.writeFile(`${dir}/a/test_y.bin`, Uint8Array.from([4]));
    await assertRejects(
      () => loadStl10({ dir: `${dir}/a`, quiet: true, remote }),
      Error,
      "expected 2 labels",
    );
  } finally {
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
