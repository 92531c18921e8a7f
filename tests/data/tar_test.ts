import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { extractTar, readTar } from "../../lib/data/tar.ts";
import { gzip, makeTar } from "./_fixtures.ts";

const enc = new TextEncoder();
const files: Record<string, Uint8Array> = {
  "dir/a.bin": Uint8Array.from({ length: 1500 }, (_, i) => i % 251),
  "dir/empty.txt": new Uint8Array(0),
  ["deep/" + "x".repeat(120) + ".txt"]: enc.encode("long name"),
  "b.txt": enc.encode("hello"),
};

Deno.test("readTar reads plain and gzipped archives, incl. empty members and GNU long names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tar = makeTar(files);
    await Deno.writeFile(`${dir}/x.tar`, tar);
    await Deno.writeFile(`${dir}/x.tar.gz`, await gzip(tar));
    for (const f of ["x.tar", "x.tar.gz"]) {
      const got = await readTar(`${dir}/${f}`);
      assertEquals([...got.keys()].sort(), Object.keys(files).sort());
      for (const [k, v] of Object.entries(files)) assertEquals(got.get(k), v, k);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("extractTar writes only wanted members, flattened, leaving no temp files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/x.tar.gz`, await gzip(makeTar(files)));
    const got = await extractTar(`${dir}/x.tar.gz`, `${dir}/out`, (n) => n.endsWith(".bin") || n === "b.txt");
    assertEquals([...got.keys()].sort(), ["b.txt", "dir/a.bin"]);
    assertEquals(await Deno.readFile(`${dir}/out/a.bin`), files["dir/a.bin"]);
    const names = [];
    for await (const e of Deno.readDir(`${dir}/out`)) names.push(e.name);
    assertEquals(names.sort(), ["a.bin", "b.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("truncated, corrupt and non-tar archives give a one-line error naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tar = makeTar(files);
    const gz = await gzip(tar);
    const cases: Record<string, [Uint8Array, string]> = {
      "trunc.tar": [tar.slice(0, 1100), "truncated tar member"],
      "trunc.tar.gz": [gz.slice(0, Math.floor(gz.length / 2)), ""],
      // Cut inside the gzip trailer: every tar byte decompresses, only the CRC/length check can notice.
      "trailer.tar.gz": [gz.slice(0, gz.length - 3), "gzip"],
      "header.tar": [
        (() => {
          const t = tar.slice();
          t[10] ^= 0xff; // name byte changed: checksum no longer matches
          return t;
        })(),
        "bad tar header checksum",
      ],
      "corrupt.tar.gz": [
        (() => {
          const g = gz.slice();
          for (let i = 20; i < 60; i++) g[i] ^= 0x5a;
          return g;
        })(),
        "",
      ],
    };
    for (const [name, [bytes, msg]] of Object.entries(cases)) {
      const path = `${dir}/${name}`;
      await Deno.writeFile(path, bytes);
      const e = await assertRejects(() => readTar(path), Error, path);
      if (msg) assertStringIncludes(e.message, msg);
      assertEquals(e.message.includes("\n"), false, `one line: ${e.message}`);
      // extraction of a bad archive leaves no files behind under final names
      await assertRejects(() => extractTar(path, `${dir}/out-${name}`));
      const left = [];
      for await (const f of Deno.readDir(`${dir}/out-${name}`)) left.push(f.name);
      for (const f of left) assertEquals(f.endsWith(".tmp"), false, `temp file left: ${f}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
