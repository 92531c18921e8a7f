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

Deno.test("folder: an empty class, a class missing from test or one too small to split is a one-line error", async () => {
  const root = await Deno.makeTempDir();
  try {
    for (const which of ["train", "test"]) {
      for (const c of ["a", "b"]) {
        await Deno.mkdir(`${root}/split/${which}/${c}`, { recursive: true });
        await png(`${root}/split/${which}/${c}/x.png`, [1, 2, 3]);
      }
    }
    // a class present in train only
    await Deno.mkdir(`${root}/split/train/c`);
    await png(`${root}/split/train/c/x.png`, [9, 9, 9]);
    const e = await assertRejects(
      () => loadFolder(`${root}/split`, { size: 2 }),
      Error,
      `class "c" has no test images (${root}/split/test/c is missing or empty)`,
    );
    assertEquals(e.message.includes("\n"), false);
    // an empty class directory in test
    await Deno.mkdir(`${root}/split/test/c`);
    await assertRejects(
      () => loadFolder(`${root}/split`, { size: 2 }),
      Error,
      `class "c" has no test images`,
    );
    // an empty class directory in train
    await Deno.remove(`${root}/split/train/c/x.png`);
    await png(`${root}/split/test/c/x.png`, [9, 9, 9]);
    await assertRejects(
      () => loadFolder(`${root}/split`, { size: 2 }),
      Error,
      `class "c" has no train images`,
    );
    // no given split: an empty class, and a class too small to hold one image out
    await Deno.mkdir(`${root}/flat/a`, { recursive: true });
    await Deno.mkdir(`${root}/flat/b`);
    for (let i = 0; i < 5; i++) await png(`${root}/flat/a/${i}.png`, [1, 2, 3]);
    await assertRejects(
      () => loadFolder(`${root}/flat`, { size: 2 }),
      Error,
      `${root}/flat/b holds no images`,
    );
    await png(`${root}/flat/b/0.png`, [4, 5, 6]);
    await assertRejects(
      () => loadFolder(`${root}/flat`, { size: 2 }),
      Error,
      `class "b" has 1 image(s), too few`,
    );
    await png(`${root}/flat/b/1.png`, [4, 5, 6]);
    await png(`${root}/flat/b/2.png`, [4, 5, 6]);
    const ok = await loadFolder(`${root}/flat`, { size: 2, testFraction: 0.34 });
    assertEquals([ok.train.n, ok.test.n], [5, 3]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
