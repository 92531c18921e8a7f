/**
 * A small streaming reader for (gzipped) tar archives, enough for the dataset tarballs: POSIX ustar and old GNU
 * headers, GNU long names (`L` entries) and pax `path` records; regular files are delivered, everything else
 * (directories, links, devices) is skipped. Decompression uses the web-standard `DecompressionStream("gzip")`.
 *
 * Every header's checksum is verified and every size checked against the stream, so a corrupt or truncated
 * archive fails with a one-line error naming the archive and what was expected, before a partial member is
 * handed on as complete.
 *
 * @module
 */

/** One regular file of an archive. */
export interface TarEntry {
  /** Path inside the archive (long names resolved). */
  name: string;
  /** Size in bytes. */
  size: number;
}

/** Reads exact byte counts from a stream of chunks. */
class ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  /** Up to `max` bytes (fewer only at the end of the stream; empty at the end). */
  async some(max: number): Promise<Uint8Array> {
    if (this.#pos >= this.#buf.length) {
      const { done, value } = await this.#reader.read();
      if (done) return new Uint8Array(0);
      this.#buf = value;
      this.#pos = 0;
    }
    const n = Math.min(max, this.#buf.length - this.#pos);
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /** Exactly n bytes, or fewer if the stream ends first. */
  async exact(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const part = await this.some(n - got);
      if (part.length === 0) break;
      out.set(part, got);
      got += part.length;
    }
    return got === n ? out : out.subarray(0, got);
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}

function parseOctal(b: Uint8Array, off: number, len: number): number {
  // GNU base-256 encoding for large sizes: high bit of the first byte set.
  if (b[off] & 0x80) {
    let v = b[off] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i];
    return v;
  }
  const s = new TextDecoder().decode(b.subarray(off, off + len)).replace(/\0.*$/s, "").trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

function cString(b: Uint8Array, off: number, len: number): string {
  const sub = b.subarray(off, off + len);
  const end = sub.indexOf(0);
  return new TextDecoder().decode(end < 0 ? sub : sub.subarray(0, end));
}

function parsePax(body: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const text = new TextDecoder().decode(body);
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(" ", i);
    if (sp < 0) break;
    const len = parseInt(text.slice(i, sp), 10);
    if (!(len > 0)) break;
    const rec = text.slice(sp + 1, i + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/**
 * Walk the regular files of a tar stream. For each, `onEntry` returns a sink for its bytes (called with
 * consecutive chunks; the chunks are only valid during the call) or null to skip it; `done` is called after
 * the last chunk of a member that was read completely.
 * @param source label for error messages (the archive's path).
 */
export async function walkTar(
  stream: ReadableStream<Uint8Array>,
  source: string,
  onEntry: (
    entry: TarEntry,
  ) => { chunk(bytes: Uint8Array): void | Promise<void>; done?(): void | Promise<void> } | null,
): Promise<void> {
  const r = new ByteReader(stream);
  let longName: string | null = null;
  let paxPath: string | null = null;
  let offset = 0;
  const fail = (why: string) => new Error(`${source}: ${why}`);
  try {
    while (true) {
      const h = await r.exact(512);
      if (h.length === 0) break; // end without the two zero blocks: tolerated
      if (h.length < 512) {
        throw fail(`truncated tar header at byte ${offset}: expected 512 bytes, got ${h.length}`);
      }
      if (h.every((x) => x === 0)) break; // end-of-archive marker
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
      const stored = parseOctal(h, 148, 8);
      if (stored !== sum) {
        throw fail(
          `bad tar header checksum at byte ${offset} (stored ${stored}, computed ${sum}); not a tar archive?`,
        );
      }
      const size = parseOctal(h, 124, 12);
      if (!Number.isFinite(size)) throw fail(`bad size field in tar header at byte ${offset}`);
      const type = String.fromCharCode(h[156] || 48);
      let name = cString(h, 0, 100);
      const magic = cString(h, 257, 6);
      if (magic === "ustar") {
        const prefix = cString(h, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      if (longName !== null) name = longName;
      if (paxPath !== null) name = paxPath;
      offset += 512;
      const padded = Math.ceil(size / 512) * 512;
      const isFile = type === "0" || type === "7";
      if (type === "L" || type === "x") {
        const body = await r.exact(padded);
        if (body.length < padded) {
          throw fail(`truncated tar member at byte ${offset}: expected ${padded} bytes`);
        }
        if (type === "L") longName = cString(body, 0, size);
        else paxPath = parsePax(body.subarray(0, size)).path ?? null;
        offset += padded;
        continue;
      }
      longName = null;
      paxPath = null;
      const sink = isFile ? onEntry({ name, size }) : null;
      let left = padded, dataLeft = size;
      while (left > 0) {
        const part = await r.some(Math.min(left, 1 << 20));
        if (part.length === 0) {
          throw fail(
            `truncated tar member "${name}": expected ${size} bytes, archive ended ${left} bytes early`,
          );
        }
        if (sink && dataLeft > 0) {
          const use = part.subarray(0, Math.min(part.length, dataLeft));
          await sink.chunk(use);
          dataLeft -= use.length;
        }
        left -= part.length;
      }
      offset += padded;
      if (sink?.done) await sink.done();
    }
    // Drain the rest (record padding) so that stream-level checks such as the gzip trailer run.
    while ((await r.some(1 << 20)).length > 0) { /* discard */ }
  } catch (e) {
    await r.cancel();
    const msg = (e as Error).message;
    if (msg.startsWith(source)) throw e;
    throw fail(`corrupt archive (${msg.split("\n")[0]})`);
  }
}

/**
 * The bytes of a (possibly gzipped: detected by the 1f 8b magic) archive file as a stream. The gzip decoder
 * checks the trailer (CRC-32 and length) once the stream is read to its end, which `walkTar` always does.
 */
export async function openArchive(path: string): Promise<ReadableStream<Uint8Array>> {
  const file = await Deno.open(path, { read: true });
  const head = new Uint8Array(2);
  const n = await file.read(head);
  await file.seek(0, Deno.SeekMode.Start);
  const gz = n === 2 && head[0] === 0x1f && head[1] === 0x8b;
  return gz ? file.readable.pipeThrough(new DecompressionStream("gzip")) : file.readable;
}

/** Read every regular file of a small (possibly gzipped) tar archive into memory. */
export async function readTar(path: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  await walkTar(await openArchive(path), path, (e) => {
    const buf = new Uint8Array(e.size);
    let at = 0;
    return {
      chunk(b) {
        buf.set(b, at);
        at += b.length;
      },
      done() {
        out.set(e.name, buf);
      },
    };
  });
  return out;
}

/**
 * Extract the members accepted by `want` (default: all) into `destDir`, flattened to their base names. Each
 * file is written to a temporary name and renamed once complete, so a failure never leaves a partial file
 * under a final name. Returns the written paths by member name.
 */
export async function extractTar(
  path: string,
  destDir: string,
  want: (name: string) => boolean = () => true,
): Promise<Map<string, string>> {
  await Deno.mkdir(destDir, { recursive: true });
  const written = new Map<string, string>();
  let open: { file: Deno.FsFile; tmp: string } | null = null;
  try {
    await walkTar(await openArchive(path), path, (e) => {
      if (!want(e.name)) return null;
      const base = e.name.split("/").pop()!;
      const final = `${destDir}/${base}`;
      const tmp = `${final}.${Deno.pid}.tmp`;
      let file: Deno.FsFile | null = null;
      return {
        async chunk(b) {
          if (!file) {
            file = await Deno.open(tmp, { write: true, create: true, truncate: true });
            open = { file, tmp };
          }
          let off = 0;
          while (off < b.length) off += await file.write(b.subarray(off));
        },
        async done() {
          if (!file) await Deno.writeFile(tmp, new Uint8Array(0));
          else file.close();
          open = null;
          await Deno.rename(tmp, final);
          written.set(e.name, final);
        },
      };
    });
  } catch (e) {
    const o = open as { file: Deno.FsFile; tmp: string } | null;
    if (o) {
      try {
        o.file.close();
      } catch { /* already closed */ }
      await Deno.remove(o.tmp).catch(() => {});
    }
    throw e;
  }
  return written;
}
