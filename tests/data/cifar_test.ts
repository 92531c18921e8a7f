import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  CIFAR100_COARSE_CLASSES,
  CIFAR100_FINE_CLASSES,
  CIFAR10_CLASSES,
  concatSplits,
  loadCifar,
  parseCifar,
} from "../../lib/data/cifar.ts";
import type { Remote } from "../../lib/data/download.ts";
import { cifarRecords, digest, gzip, makeTar, pixel, serve } from "./_fixtures.ts";

Deno.test("class name lists have the published sizes", () => {
  assertEquals(CIFAR10_CLASSES.length, 10);
  assertEquals(CIFAR100_FINE_CLASSES.length, 100);
  assertEquals(CIFAR100_COARSE_CLASSES.length, 20);
  assertEquals(new Set(CIFAR100_FINE_CLASSES).size, 100);
  assertEquals([...CIFAR100_FINE_CLASSES].sort(), CIFAR100_FINE_CLASSES); // label order is alphabetical
});

Deno.test("parseCifar (CIFAR-10): labels and CHW planes -> NHWC", () => {
  const s = parseCifar(cifarRecords([[3], [9], [0]]), "cifar10", "f.bin");
  assertEquals([s.n, s.height, s.width, s.channels], [3, 32, 32, 3]);
  assertEquals(Array.from(s.labels.label), [3, 9, 0]);
  for (const [i, y, x] of [[0, 0, 0], [1, 5, 31], [2, 31, 7]]) {
    for (let c = 0; c < 3; c++) assertEquals(s.images[((i * 32 + y) * 32 + x) * 3 + c], pixel(i, y, x, c));
  }
});

Deno.test("parseCifar (CIFAR-100): coarse then fine label bytes", () => {
  const s = parseCifar(cifarRecords([[19, 99], [4, 0]]), "cifar100", "t.bin");
  assertEquals(Array.from(s.labels.coarse), [19, 4]);
  assertEquals(Array.from(s.labels.fine), [99, 0]);
  assertEquals(s.images[((1 * 32 + 2) * 32 + 3) * 3 + 2], pixel(1, 2, 3, 2));
});

Deno.test("parseCifar: truncated / corrupt files give one-line errors naming the file", () => {
  const good = cifarRecords([[1], [2]]);
  const e = assertThrows(() => parseCifar(good.slice(0, good.length - 5), "cifar10", "data_batch_1.bin"));
  assertStringIncludes(e.message, "data_batch_1.bin");
  assertStringIncludes(e.message, "3073-byte");
  assertEquals(e.message.includes("\n"), false);
  assertThrows(() => parseCifar(new Uint8Array(0), "cifar10", "x"), Error, "3073-byte");
  const badLabel = cifarRecords([[1], [12]]);
  assertThrows(() => parseCifar(badLabel, "cifar10", "b.bin"), Error, "record 1 has label 12");
  assertThrows(() => parseCifar(cifarRecords([[1, 100]]), "cifar100", "c.bin"), Error, "fine label 100");
  // A CIFAR-10 file read as CIFAR-100 has the wrong record size.
  assertThrows(() => parseCifar(cifarRecords([[1], [2], [3]]), "cifar100", "d.bin"), Error, "3074-byte");
});

Deno.test("concatSplits keeps order of images and labels", () => {
  const a = parseCifar(cifarRecords([[1], [2]]), "cifar10", "a");
  const b = parseCifar(cifarRecords([[7]]), "cifar10", "b");
  const c = concatSplits([a, b]);
  assertEquals(c.n, 3);
  assertEquals(Array.from(c.labels.label), [1, 2, 7]);
  assertEquals(c.images.subarray(2 * 3072), b.images);
});

Deno.test("loadCifar: download from a local server, verify, extract, parse (both variants)", async () => {
  const dir = await Deno.makeTempDir();
  const c10 = await gzip(makeTar({
    "cifar-10-batches-bin/batches.meta.txt": new TextEncoder().encode(CIFAR10_CLASSES.join("\n")),
    ...Object.fromEntries(
      [1, 2, 3, 4, 5].map((i) => [`cifar-10-batches-bin/data_batch_${i}.bin`, cifarRecords([[i], [0]])]),
    ),
    "cifar-10-batches-bin/test_batch.bin": cifarRecords([[9]]),
  }));
  const c100 = await gzip(makeTar({
    "cifar-100-binary/train.bin": cifarRecords([[1, 10], [2, 20]]),
    "cifar-100-binary/test.bin": cifarRecords([[3, 30]]),
  }));
  const srv = serve({ "/c10.tar.gz": c10, "/c100.tar.gz": c100 });
  const remote = async (file: string, bytes: Uint8Array): Promise<Remote> => ({
    url: "http://unused.invalid/" + file,
    file,
    size: bytes.length,
    checksum: { algorithm: "md5", digest: await digest(bytes, "md5") },
  });
  try {
    const ds = await loadCifar("cifar10", {
      dir: `${dir}/c10`,
      baseUrl: srv.url,
      quiet: true,
      remote: await remote("c10.tar.gz", c10),
    });
    assertEquals(ds.train.n, 10);
    assertEquals(Array.from(ds.train.labels.label), [1, 0, 2, 0, 3, 0, 4, 0, 5, 0]);
    assertEquals(Array.from(ds.test.labels.label), [9]);
    assertEquals(ds.labelSets.label, CIFAR10_CLASSES);
    const d100 = await loadCifar("cifar100", {
      dir: `${dir}/c100`,
      baseUrl: srv.url,
      quiet: true,
      remote: await remote("c100.tar.gz", c100),
    });
    assertEquals(d100.defaultLabel, "fine");
    assertEquals(Array.from(d100.train.labels.fine), [10, 20]);
    assertEquals(Array.from(d100.test.labels.coarse), [3]);
  } finally {
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("committed native-format fixtures parse to the documented labels and pixels", async () => {
  const dir = new URL("../fixtures/data/", import.meta.url);
  const c10 = parseCifar(
    await Deno.readFile(new URL("cifar10_3records.bin", dir)),
    "cifar10",
    "cifar10_3records.bin",
  );
  assertEquals(Array.from(c10.labels.label), [6, 0, 9]);
  assertEquals(c10.images[((2 * 32 + 31) * 32 + 30) * 3 + 1], pixel(2, 31, 30, 1));
  const c100 = parseCifar(
    await Deno.readFile(new URL("cifar100_2records.bin", dir)),
    "cifar100",
    "cifar100_2records.bin",
  );
  assertEquals([Array.from(c100.labels.coarse), Array.from(c100.labels.fine)], [[11, 19], [42, 99]]);
});
