/**
 * Test helpers for the data tests: a minimal ustar writer, gzip via CompressionStream, builders of files in the
 * native CIFAR / STL-10 formats (independent of the parsers under test), and a local HTTP server.
 *
 * @module
 */

/** Write a ustar archive holding `files` (name -> bytes). `longNames` adds a GNU `L` record for long names. */
export function makeTar(files: Record<string, Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  const header = (name: string, size: number, type: string): Uint8Array => {
    const h = new Uint8Array(512);
    const put = (s: string, off: number, len: number) => h.set(enc.encode(s).subarray(0, len), off);
    put(name, 0, 100);
    put("0000644\0", 100, 8);
    put("0000000\0", 108, 8);
    put("0000000\0", 116, 8);
    put(size.toString(8).padStart(11, "0") + "\0", 124, 12);
    put("00000000000\0", 136, 12);
    put("        ", 148, 8);
    put(type, 156, 1);
    put("ustar\0", 257, 6);
    put("00", 263, 2);
    let sum = 0;
    for (const b of h) sum += b;
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
    return h;
  };
  const pad = (n: number) => new Uint8Array((512 - (n % 512)) % 512);
  for (const [name, data] of Object.entries(files)) {
    if (enc.encode(name).length > 100) {
      const nb = enc.encode(name + "\0");
      blocks.push(header("././@LongLink", nb.length, "L"), nb, pad(nb.length));
    }
    blocks.push(header(name, data.length, "0"), data, pad(data.length));
  }
  blocks.push(new Uint8Array(1024));
  const total = blocks.reduce((s, b) => s + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** gzip bytes with the web-standard CompressionStream. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Pixel value of test image i at (y, x, c): a simple, position-dependent pattern. */
export function pixel(i: number, y: number, x: number, c: number): number {
  return (i * 37 + y * 7 + x * 3 + c * 101) % 256;
}

/** CIFAR records (label bytes then R, G, B planes row-major) for images whose pixels follow `pixel`. */
export function cifarRecords(labels: number[][], side = 32): Uint8Array {
  const lb = labels[0].length, px = side * side;
  const rec = lb + 3 * px;
  const out = new Uint8Array(labels.length * rec);
  labels.forEach((l, i) => {
    out.set(l, i * rec);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) out[i * rec + lb + c * px + y * side + x] = pixel(i, y, x, c);
      }
    }
  });
  return out;
}

/** STL-10 images in the native column-major 3×96×96 layout, pixels following `pixel`. */
export function stlImages(n: number): Uint8Array {
  const S = 96, out = new Uint8Array(n * 3 * S * S);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      for (let x = 0; x < S; x++) {
        for (let y = 0; y < S; y++) out[i * 3 * S * S + c * S * S + x * S + y] = pixel(i, y, x, c);
      }
    }
  }
  return out;
}

/** Hex digest of bytes. */
export async function digest(bytes: Uint8Array, algorithm: "md5" | "sha256"): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash(algorithm).update(bytes).digest("hex");
}

/** What the local server saw. */
export interface ServerLog {
  /** Range headers of the requests, in order ("" for none). */
  ranges: string[];
}

/**
 * Serve `files` (path -> bytes) on 127.0.0.1 with Range support. `cutAfter` (path -> n) makes the first
 * full-body response of that path end abruptly after n bytes, like a dropped connection.
 */
export function serve(
  files: Record<string, Uint8Array>,
  opts: { cutAfter?: Record<string, number>; noRange?: boolean } = {},
): { url: string; log: ServerLog; close: () => Promise<void> } {
  const log: ServerLog = { ranges: [] };
  const cut = { ...(opts.cutAfter ?? {}) };
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    (req) => {
      const path = new URL(req.url).pathname;
      const body = files[path];
      const range = req.headers.get("range") ?? "";
      log.ranges.push(range);
      if (!body) return new Response("not found", { status: 404 });
      const m = /^bytes=(\d+)-$/.exec(range);
      if (m && !opts.noRange) {
        const start = Number(m[1]);
        if (start >= body.length) {
          return new Response(null, { status: 416, headers: { "content-range": `bytes */${body.length}` } });
        }
        return new Response(body.slice(start), {
          status: 206,
          headers: { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` },
        });
      }
      if (cut[path] !== undefined) {
        const n = cut[path];
        delete cut[path];
        const stream = new ReadableStream<Uint8Array>({
          start(ctrl) {
            ctrl.enqueue(body.slice(0, n));
          },
          async pull(ctrl) {
            // Error only after the first chunk went out, like a connection dropped mid-transfer.
            await new Promise((r) => setTimeout(r, 20));
            ctrl.error(new Error("connection dropped"));
          },
        });
        return new Response(stream, { headers: { "content-length": String(body.length) } });
      }
      return new Response(body.slice(), { headers: { "content-length": String(body.length) } });
    },
  );
  const addr = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    log,
    close: async () => {
      ac.abort();
      await server.finished;
    },
  };
}
