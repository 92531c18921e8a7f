import { assertEquals, assertRejects } from "@std/assert";
import sharp from "sharp";
import { decodeImage, loadFolder } from "../../lib/data/folder.ts";

async function png(path: string, rgb: [number, number, number], w = 8, h = 8, channels: 3 | 4 = 3) {
  const data = new Uint8Array(w * h * channels);
  for (let p = 0; p < w * h; p++) {
    data.set(rgb, p * channels);
    if (channels === 4) data[p * channels + 3] = 255;
  }
  await sharp(data, { raw: { width: w, height: h, channels } }).png().toFile(path);
}

Deno.test("folder: class sub-folders, seeded split, colours survive decoding and resizing", async () => {
  const root = await Deno.makeTempDir();
  try {
    const colours: Record<string, [number, number, number]> = { blue: [0, 0, 255], red: [255, 0, 0] };
    for (const [name, rgb] of Object.entries(colours)) {
      await Deno.mkdir(`${root}/${name}`);
      for (let i = 0; i < 5; i++) await png(`${root}/${name}/${i}.png`, rgb, 8 + i, 6, i % 2 ? 4 : 3);
    }
    await Deno.writeTextFile(`${root}/red/notes.txt`, "ignored");
    const ds = await loadFolder(root, { size: 4, testFraction: 0.4, seed: 1 });
    assertEquals(ds.labelSets.label, ["blue", "red"]);
    assertEquals([ds.train.n, ds.test.n], [6, 4]);
    assertEquals([ds.train.height, ds.train.width, ds.train.channels], [4, 4, 3]);
    for (const s of [ds.train, ds.test]) {
      for (let i = 0; i < s.n; i++) {
        const want = colours[ds.labelSets.label[s.labels.label[i]]];
        assertEquals(Array.from(s.images.subarray(i * 48, i * 48 + 3)), want);
      }
    }
    const again = await loadFolder(root, { size: 4, testFraction: 0.4, seed: 1 });
    assertEquals(again.test.images, ds.test.images);
    const grey = await loadFolder(root, { size: 4, channels: 1 });
    assertEquals(grey.train.channels, 1);
    assertEquals(grey.train.images.length, grey.train.n * 16);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("folder: given train/test sub-folders are used as is; bad files give one-line errors", async () => {
  const root = await Deno.makeTempDir();
  try {
    for (const which of ["train", "test"]) {
      for (const c of ["a", "b"]) {
        await Deno.mkdir(`${root}/${which}/${c}`, { recursive: true });
        await png(`${root}/${which}/${c}/x.png`, c === "a" ? [10, 20, 30] : [200, 100, 50]);
      }
    }
    const ds = await loadFolder(root, { size: 2 });
    assertEquals([ds.train.n, ds.test.n], [2, 2]);
    assertEquals(Array.from(ds.test.labels.label), [0, 1]);
    await Deno.writeFile(`${root}/train/a/broken.png`, new TextEncoder().encode("not a png"));
    const e = await assertRejects(
      () => loadFolder(root, { size: 2 }),
      Error,
      `${root}/train/a/broken.png: cannot decode`,
    );
    assertEquals(e.message.includes("\n"), false);
    await assertRejects(() => decodeImage(`${root}/missing.png`, 2, 3), Error, "missing.png");
    await assertRejects(() => loadFolder(`${root}/nope`), Error, "does not exist");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
