import { assertEquals, assertRejects } from "@std/assert";
import { writeFileAtomic, writeFileAtomicSync, writeJsonAtomic } from "../../lib/report/atomic.ts";

Deno.test("atomic writes create parents, replace content and leave no temp files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFileAtomic(`${dir}/a/b/x.txt`, "one");
    await writeFileAtomic(`${dir}/a/b/x.txt`, new Uint8Array([50]));
    assertEquals(await Deno.readTextFile(`${dir}/a/b/x.txt`), "2");
    writeFileAtomicSync(`${dir}/y.txt`, "sync");
    await writeJsonAtomic(`${dir}/z.json`, { a: 1 });
    assertEquals(await Deno.readTextFile(`${dir}/z.json`), '{\n  "a": 1\n}\n');
    assertEquals([...Deno.readDirSync(`${dir}/a/b`)].map((e) => e.name), ["x.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed atomic write keeps the previous file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFileAtomic(`${dir}/t`, "good");
    await Deno.mkdir(`${dir}/t2`);
    await assertRejects(() => writeFileAtomic(`${dir}/t2`, "x")); // cannot rename a file over a directory
    assertEquals(await Deno.readTextFile(`${dir}/t`), "good");
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["t", "t2"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
