import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import {
  download,
  DownloadProgress,
  downloadRemote,
  ensureMembers,
  hashFile,
  type Remote,
  REMOTES,
} from "../../lib/data/download.ts";
import { digest, gzip, makeTar, serve } from "./_fixtures.ts";

const body = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 253);

async function exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

Deno.test("canonical remotes: authors' URLs with md5 (CIFAR) / sha256 (STL-10) digests", () => {
  assertEquals(REMOTES.cifar10.url, "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
  assertEquals(REMOTES.cifar100.url, "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz");
  assertEquals(REMOTES.stl10.url, "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz");
  for (const r of Object.values(REMOTES)) {
    const len = r.checksum.algorithm === "md5" ? 32 : 64;
    assertEquals(new RegExp(`^[0-9a-f]{${len}}$`).test(r.checksum.digest), true, r.file);
  }
});

Deno.test("hashFile agrees with an independent in-memory digest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/f`, body);
    assertEquals(await hashFile(`${dir}/f`, "md5"), await digest(body, "md5"));
    assertEquals(await hashFile(`${dir}/f`, "sha256"), await digest(body, "sha256"));
    // Known vector: md5("") and sha256("abc").
    await Deno.writeFile(`${dir}/e`, new Uint8Array(0));
    assertEquals(await hashFile(`${dir}/e`, "md5"), "d41d8cd98f00b204e9800998ecf8427e");
    await Deno.writeFile(`${dir}/abc`, new TextEncoder().encode("abc"));
    assertEquals(
      await hashFile(`${dir}/abc`, "sha256"),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: checksum match -> file + sidecar; second call does not touch the network", async () => {
  const dir = await Deno.makeTempDir();
  const srv = serve({ "/f.bin": body });
  try {
    const checksum = { algorithm: "sha256" as const, digest: await digest(body, "sha256") };
    const dest = `${dir}/f.bin`;
    assertEquals(
      await download(`${srv.url}/f.bin`, dest, { checksum, size: body.length, quiet: true }),
      dest,
    );
    assertEquals(await Deno.readFile(dest), body);
    assertEquals(
      (await Deno.readTextFile(`${dest}.sha256`)).split(" ")[0],
      checksum.digest,
      "the sidecar holds the digest, then the size and mtime it was verified at",
    );
    assertStringIncludes(await Deno.readTextFile(`${dest}.sha256`), ` size=${body.length} mtime=`);
    assertEquals(await exists(`${dest}.part`), false);
    await download(`${srv.url}/f.bin`, dest, { checksum, quiet: true });
    assertEquals(srv.log.ranges.length, 1);
  } finally {
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: checksum mismatch -> one-line error, file moved to .bad, never under the final name", async () => {
  const dir = await Deno.makeTempDir();
  const srv = serve({ "/f.bin": body });
  try {
    const dest = `${dir}/f.bin`;
    const wrong = "0".repeat(32);
    const e = await assertRejects(
      () =>
        download(`${srv.url}/f.bin`, dest, { checksum: { algorithm: "md5", digest: wrong }, quiet: true }),
      Error,
      "md5 checksum mismatch",
    );
    assertStringIncludes(e.message, dest);
    assertStringIncludes(e.message, await digest(body, "md5"));
    assertEquals(e.message.includes("\n"), false);
    assertEquals(await exists(dest), false);
    assertEquals(await exists(`${dest}.part`), false);
    assertEquals(await Deno.readFile(`${dest}.bad`), body);
    // Size mismatch is reported before hashing.
    await assertRejects(
      () => download(`${srv.url}/f.bin`, `${dir}/g.bin`, { size: body.length + 1, quiet: true }),
      Error,
      "size mismatch",
    );
  } finally {
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: an interrupted transfer resumes from the .part file with a Range request", async () => {
  const dir = await Deno.makeTempDir();
  const srv = serve({ "/f.bin": body }, { cutAfter: { "/f.bin": 70_000 } });
  try {
    const dest = `${dir}/f.bin`;
    const checksum = { algorithm: "md5" as const, digest: await digest(body, "md5") };
    await assertRejects(() => download(`${srv.url}/f.bin`, dest, { checksum, quiet: true }), Error, "resume");
    const partial = await Deno.readFile(`${dest}.part`);
    assertEquals(partial.length > 0 && partial.length < body.length, true);
    assertEquals(partial, body.slice(0, partial.length));
    await download(`${srv.url}/f.bin`, dest, { checksum, quiet: true });
    assertEquals(srv.log.ranges, ["", `bytes=${partial.length}-`]);
    assertEquals(await Deno.readFile(dest), body);
  } finally {
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: a server ignoring Range (200) restarts the file; a complete .part is just verified", async () => {
  const dir = await Deno.makeTempDir();
  const srv = serve({ "/f.bin": body }, { noRange: true });
  try {
    const dest = `${dir}/f.bin`;
    const checksum = { algorithm: "md5" as const, digest: await digest(body, "md5") };
    await Deno.writeFile(`${dest}.part`, body.slice(0, 1000));
    await download(`${srv.url}/f.bin`, dest, { checksum, quiet: true });
    assertEquals(await Deno.readFile(dest), body);
    // complete .part with known size: no request at all
    const dest2 = `${dir}/g.bin`;
    await Deno.writeFile(`${dest2}.part`, body);
    const before = srv.log.ranges.length;
    await download(`${srv.url}/f.bin`, dest2, { checksum, size: body.length, quiet: true });
    assertEquals(srv.log.ranges.length, before);
    assertEquals(await Deno.readFile(dest2), body);
  } finally {
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("download: HTTP errors and unreachable hosts give one-line errors", async () => {
  const dir = await Deno.makeTempDir();
  const srv = serve({});
  try {
    const e = await assertRejects(
      () => download(`${srv.url}/nope`, `${dir}/x`, { quiet: true }),
      Error,
      "HTTP 404",
    );
    assertEquals(e.message.includes("\n"), false);
  } finally {
    await srv.close();
  }
  await assertRejects(() => download(`${srv.url}/nope`, `${dir}/y`, { quiet: true }), Error, "download of");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ensureMembers downloads, verifies and extracts only what is missing", async () => {
  const dir = await Deno.makeTempDir();
  const enc = new TextEncoder();
  const archive = await gzip(makeTar({ "pkg/a.bin": enc.encode("AAA"), "pkg/b.bin": enc.encode("BB") }));
  const srv = serve({ "/pkg.tar.gz": archive });
  try {
    const remote: Remote = {
      url: "http://unused.invalid/pkg.tar.gz",
      file: "pkg.tar.gz",
      size: archive.length,
      checksum: { algorithm: "sha256", digest: await digest(archive, "sha256") },
    };
    const paths = await ensureMembers(remote, dir, ["a.bin", "b.bin"], { baseUrl: srv.url, quiet: true });
    assertEquals(await Deno.readTextFile(paths["a.bin"]), "AAA");
    assertEquals(await Deno.readTextFile(paths["b.bin"]), "BB");
    await ensureMembers(remote, dir, ["a.bin"], { baseUrl: srv.url, quiet: true });
    assertEquals(srv.log.ranges.length, 1);
    await assertRejects(
      () => ensureMembers(remote, dir, ["c.bin"], { baseUrl: srv.url, quiet: true }),
      Error,
      "no member named c.bin",
    );
    // a corrupted archive on the server is rejected by its checksum and not extracted
    const bad = archive.slice();
    bad[bad.length - 20] ^= 1;
    const srv2 = serve({ "/pkg.tar.gz": bad });
    try {
      const dir2 = `${dir}/two`;
      await assertRejects(
        () => downloadRemote(remote, dir2, { baseUrl: srv2.url, quiet: true }),
        Error,
        "sha256 checksum mismatch",
      );
      assertEquals(await exists(`${dir2}/pkg.tar.gz`), false);
    } finally {
      await srv2.close();
    }
  } finally {
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an archive changed after it was verified is hashed again and repaired, not used or failed on forever", async () => {
  const dir = await Deno.makeTempDir();
  const enc = new TextEncoder();
  const archive = await gzip(
    makeTar({ "pkg/a.bin": enc.encode("A".repeat(5000)), "pkg/b.bin": enc.encode("BB") }),
  );
  const srv = serve({ "/pkg.tar.gz": archive });
  const errors: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => void errors.push(a.join(" "));
  try {
    const remote: Remote = {
      url: "http://unused.invalid/pkg.tar.gz",
      file: "pkg.tar.gz",
      size: archive.length,
      checksum: { algorithm: "sha256", digest: await digest(archive, "sha256") },
    };
    const path = `${dir}/pkg.tar.gz`;
    const corrupt = async (keepMtime: boolean) => {
      const st = await Deno.stat(path);
      const bytes = await Deno.readFile(path);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff; // same length
      await Deno.writeFile(path, bytes);
      // a write can land within the file system's mtime granularity of the verification: set the new mtime
      // explicitly (changed in place) or restore the old one, so the test never depends on the clock
      await Deno.utime(path, st.atime!, keepMtime ? st.mtime! : new Date(st.mtime!.getTime() + 2000));
    };
    await ensureMembers(remote, dir, ["a.bin", "b.bin"], { baseUrl: srv.url, quiet: true });
    // 1. changed in place (new mtime): the sidecar no longer vouches for it, so it is hashed and fetched again
    await corrupt(false);
    await downloadRemote(remote, dir, { baseUrl: srv.url, quiet: true });
    assertEquals(await Deno.readFile(path), archive);
    assertEquals(srv.log.ranges.length, 2);
    // 2. changed with its mtime restored: unpacking fails, so ensureMembers verifies again and repairs it
    await corrupt(true);
    await Deno.remove(`${dir}/a.bin`);
    const paths = await ensureMembers(remote, dir, ["a.bin"], { baseUrl: srv.url, quiet: true });
    assertEquals(await Deno.readTextFile(paths["a.bin"]), "A".repeat(5000));
    assertEquals(await Deno.readFile(path), archive);
    assertEquals(srv.log.ranges.length, 3);
    assert(
      errors.some((e) => e.includes("unpacking failed") && e.includes("verifying it again")),
      errors.join("|"),
    );
    assert(errors.some((e) => e.includes("moved to") && e.endsWith(".bad")), errors.join("|"));
  } finally {
    console.error = orig;
    await srv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DownloadProgress: \\r redraws only on a terminal; plain lines otherwise, with rate and ETA", () => {
  for (const tty of [true, false]) {
    let out = "";
    const p = new DownloadProgress("f.bin", 1000, 0, false, { tty, write: (s) => (out += s) });
    p.update(100, true);
    p.update(200); // throttled
    p.update(1000, true);
    p.end();
    if (tty) {
      assert(out.startsWith("\r") && out.endsWith("\n"), JSON.stringify(out));
    } else {
      assertEquals(out.includes("\r") || out.includes("\x1b"), false, JSON.stringify(out));
      assertEquals(out.trim().split("\n").length, 2);
    }
  }
  const p = new DownloadProgress("f.bin", 1000, 0, true, { tty: false });
  assertStringIncludes(p.line(250, performance.now() + 1000), "25.0%");
  assertStringIncludes(p.line(250, performance.now() + 1000), "ETA");
});
