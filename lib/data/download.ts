/**
 * Downloading dataset archives: resumable (HTTP `Range` into `<file>.part`), checksum-verified, with a
 * progress bar on stderr.
 *
 * - The archive becomes visible under its final name only after its size and checksum match; a mismatch
 *   moves the bytes to `<file>.bad` and throws a one-line error naming the file, the algorithm and both
 *   digests, so a bad file is never used (and never replaces a good one).
 * - A verified file gets a sidecar `<file>.<algorithm>` holding its digest, size and modification time, so
 *   later runs skip re-hashing while the file is unchanged; a file changed after it was verified (other size
 *   or mtime) is hashed again, and when unpacking a verified archive fails, {@link ensureMembers} re-hashes
 *   it and downloads it again if it no longer matches (repair instead of failing forever).
 * - An interrupted download leaves `<file>.part`; the next call asks the server for the remaining bytes
 *   (`Range: bytes=<size>-`) and appends them when it answers 206 with the matching `Content-Range`, or starts
 *   over when it answers 200.
 *
 * Checksums: MD5 as published by the CIFAR authors on https://www.cs.toronto.edu/~kriz/cifar.html, SHA-256
 * for STL-10 (the value pinned by several independent downloaders; the authors publish none). Hashing uses
 * `node:crypto` and streams the file, so multi-gigabyte archives are fine.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { extractTar } from "./tar.ts";
import { formatDuration } from "../train/progress.ts";

/** A published digest of a file. */
export interface Checksum {
  /** Hash algorithm. */
  algorithm: "md5" | "sha256";
  /** Lower-case hex digest. */
  digest: string;
}

/** A file to download. */
export interface Remote {
  /** Canonical URL. */
  url: string;
  /** File name in the cache. */
  file: string;
  /** Expected size in bytes, when known. */
  size?: number;
  /** Expected digest. */
  checksum: Checksum;
}

/** The archives of the real datasets, at their canonical URLs. */
export const REMOTES: Record<"cifar10" | "cifar100" | "stl10", Remote> = {
  cifar10: {
    url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
    file: "cifar-10-binary.tar.gz",
    size: 170052171,
    checksum: { algorithm: "md5", digest: "c32a1d4ab5d03f1284b67883e8d87530" },
  },
  cifar100: {
    url: "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
    file: "cifar-100-binary.tar.gz",
    size: 168513733,
    checksum: { algorithm: "md5", digest: "03b5dce01913d631647c71ecec9e9cb8" },
  },
  stl10: {
    url: "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz",
    file: "stl10_binary.tar.gz",
    size: 2640397119,
    checksum: {
      algorithm: "sha256",
      digest: "f31fd99273a1acb8609c8db427cebb1de3f71de77758cdc0e22956e1289b9866",
    },
  },
};

/** Options of `download`. */
export interface DownloadOptions {
  /** Expected size in bytes (checked before the digest). */
  size?: number;
  /** Expected digest; without it the file is accepted unverified. */
  checksum?: Checksum;
  /** No progress bar. */
  quiet?: boolean;
  /** Progress bar label (default: the file name). */
  label?: string;
  /** Hash an existing file even when its sidecar says it was verified (default false). */
  reverify?: boolean;
}

/** Hex digest of a file, streamed. */
export async function hashFile(path: string, algorithm: Checksum["algorithm"]): Promise<string> {
  const h = createHash(algorithm);
  const file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) h.update(chunk);
  return h.digest("hex");
}

async function fileSize(path: string): Promise<number | null> {
  try {
    return (await Deno.stat(path)).size;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = bytes / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** A throttled one-line progress bar on stderr. */
/**
 * The download progress line: redrawn in place (`\r`) on a terminal, every 200 ms; otherwise one plain line
 * every {@link PLAIN_PROGRESS_MS} (and at the end), so a log file gets a few readable lines, not thousands of
 * carriage returns. Shows the rate and, with a known total, an ETA.
 */
export class DownloadProgress {
  #last = -Infinity;
  #start = performance.now();
  #startBytes: number;
  #enc = new TextEncoder();
  #tty: boolean;
  #write: (s: string) => void;
  constructor(
    readonly label: string,
    readonly total: number | null,
    start: number,
    readonly quiet: boolean,
    opts: { tty?: boolean; write?: (s: string) => void } = {},
  ) {
    this.#startBytes = start;
    this.#tty = opts.tty ?? Deno.stderr.isTerminal();
    this.#write = opts.write ?? ((s) => Deno.stderr.writeSync(this.#enc.encode(s)));
  }
  /** The line for `done` bytes at time `now` (ms, performance.now()). */
  line(done: number, now: number): string {
    const seconds = Math.max(1e-3, (now - this.#start) / 1000);
    const rate = (done - this.#startBytes) / seconds;
    if (!this.total) return `${this.label} ${human(done)} ${human(rate)}/s`;
    const f = Math.min(1, done / this.total);
    const w = 30, full = Math.round(f * w);
    const eta = rate > 0 && f < 1
      ? ` · ETA ${formatDuration((this.total - done) / rate, { spaced: true })}`
      : "";
    return `${this.label} [${"#".repeat(full)}${"-".repeat(w - full)}] ${(100 * f).toFixed(1)}% ` +
      `${human(done)}/${human(this.total)} ${human(rate)}/s${eta}`;
  }
  /** Show progress at `done` bytes (throttled unless `force`). */
  update(done: number, force = false): void {
    if (this.quiet) return;
    const now = performance.now();
    if (!force && now - this.#last < (this.#tty ? 200 : PLAIN_PROGRESS_MS)) return;
    this.#last = now;
    this.#write(this.#tty ? `\r${this.line(done, now)}\x1b[K` : `${this.line(done, now)}\n`);
  }
  /** End the line (terminal only). */
  end(): void {
    if (!this.quiet && this.#tty) this.#write("\n");
  }
}

/** Plain (non-terminal) download progress: one line at most this often. */
export const PLAIN_PROGRESS_MS = 10_000;

/** Check size and digest of a complete file; on failure move it to `<dest>.bad` and throw. */
async function verify(tmp: string, dest: string, opts: DownloadOptions): Promise<void> {
  const size = await fileSize(tmp);
  const reject = async (why: string): Promise<never> => {
    await Deno.rename(tmp, `${dest}.bad`).catch(() => {});
    throw new Error(`${dest}: ${why}; the file was moved to ${dest}.bad and not used`);
  };
  if (opts.size !== undefined && size !== opts.size) {
    await reject(`size mismatch: expected ${opts.size} bytes, got ${size}`);
  }
  if (opts.checksum) {
    const got = await hashFile(tmp, opts.checksum.algorithm);
    if (got !== opts.checksum.digest.toLowerCase()) {
      await reject(
        `${opts.checksum.algorithm} checksum mismatch: expected ${opts.checksum.digest}, got ${got}`,
      );
    }
  }
}

/** The sidecar line of a verified file: "<digest> size=<bytes> mtime=<ms>". */
async function sidecarLine(path: string, digest: string): Promise<string> {
  const st = await Deno.stat(path);
  return `${digest.toLowerCase()} size=${st.size} mtime=${st.mtime?.getTime() ?? 0}\n`;
}

/**
 * Download `url` to `dest` (resuming `<dest>.part`), verify it and return `dest`. An existing `dest` whose
 * sidecar matches (digest, and the file's size and mtime as when it was verified) is returned at once; any
 * other existing `dest` is hashed first (always, with `reverify`), and set aside as `<dest>.bad` when it does
 * not match.
 */
export async function download(url: string, dest: string, opts: DownloadOptions = {}): Promise<string> {
  const ck = opts.checksum;
  const sidecar = ck ? `${dest}.${ck.algorithm}` : null;
  if ((await fileSize(dest)) !== null) {
    if (!ck) return dest;
    const noted = await Deno.readTextFile(sidecar!).catch(() => "");
    if (!opts.reverify && noted === await sidecarLine(dest, ck.digest)) return dest;
    const got = await hashFile(dest, ck.algorithm);
    if (got === ck.digest.toLowerCase()) {
      await Deno.writeTextFile(sidecar!, await sidecarLine(dest, got));
      return dest;
    }
    await Deno.remove(sidecar!).catch(() => {});
    // A stale or foreign file under the final name: set it aside and download afresh.
    await Deno.rename(dest, `${dest}.bad`);
    console.error(`${dest}: ${ck.algorithm} ${got} does not match ${ck.digest}; moved to ${dest}.bad`);
  }
  const part = `${dest}.part`;
  const parent = dest.slice(0, dest.lastIndexOf("/"));
  if (parent) await Deno.mkdir(parent, { recursive: true });
  let have = (await fileSize(part)) ?? 0;
  if (opts.size !== undefined && have > opts.size) {
    await Deno.remove(part);
    have = 0;
  }
  const complete = opts.size !== undefined && have === opts.size;
  if (!complete) {
    const headers: Record<string, string> = {};
    if (have > 0) headers["Range"] = `bytes=${have}-`;
    let res: Response;
    try {
      res = await fetch(url, { headers });
    } catch (e) {
      throw new Error(`download of ${url} failed: ${(e as Error).message.split("\n")[0]}`);
    }
    let append = false;
    if (res.status === 206 && have > 0) {
      const m = /^bytes (\d+)-/.exec(res.headers.get("content-range") ?? "");
      if (m && Number(m[1]) === have) append = true;
      else {
        await res.body?.cancel();
        throw new Error(
          `download of ${url} failed: server resumed at "${res.headers.get("content-range")}", ` +
            `expected byte ${have}`,
        );
      }
    } else if (res.status === 416 && have > 0) {
      // Nothing left to fetch: the part file is (claimed) complete; verification decides.
      await res.body?.cancel();
    } else if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`download of ${url} failed: HTTP ${res.status} ${res.statusText}`);
    }
    if (res.status !== 416) {
      if (!append) have = 0;
      const len = Number(res.headers.get("content-length") ?? NaN);
      const total = opts.size ?? (Number.isFinite(len) ? have + len : null);
      const bar = new DownloadProgress(
        opts.label ?? dest.split("/").pop()!,
        total,
        have,
        opts.quiet ?? false,
      );
      const file = await Deno.open(part, { write: true, create: true, append, truncate: !append });
      let done = have;
      try {
        for await (const chunk of res.body!) {
          let off = 0;
          while (off < chunk.length) off += await file.write(chunk.subarray(off));
          done += chunk.length;
          bar.update(done);
        }
      } catch (e) {
        bar.end();
        throw new Error(
          `download of ${url} interrupted after ${done} bytes (${(e as Error).message.split("\n")[0]}); ` +
            `run again to resume from ${part}`,
        );
      } finally {
        file.close();
      }
      bar.update(done, true);
      bar.end();
    }
  }
  await verify(part, dest, opts);
  await Deno.rename(part, dest);
  if (ck) await Deno.writeTextFile(sidecar!, await sidecarLine(dest, ck.digest));
  return dest;
}

/**
 * Download one of `REMOTES` into `dir` and return its path. `baseUrl` replaces the URL's directory (for a
 * mirror, or a local server in tests).
 */
export function downloadRemote(
  remote: Remote,
  dir: string,
  opts: { baseUrl?: string; quiet?: boolean; reverify?: boolean } = {},
): Promise<string> {
  const url = opts.baseUrl ? `${opts.baseUrl.replace(/\/$/, "")}/${remote.file}` : remote.url;
  return download(url, `${dir}/${remote.file}`, {
    size: remote.size,
    checksum: remote.checksum,
    quiet: opts.quiet,
    label: remote.file,
    reverify: opts.reverify,
  });
}

/**
 * Make sure the archive members with base names `members` are extracted under `dir` (downloading and
 * unpacking `remote` when any is missing) and return their paths by base name. Throws a one-line error
 * naming the archive when it lacks a member.
 */
export async function ensureMembers(
  remote: Remote,
  dir: string,
  members: string[],
  opts: { baseUrl?: string; quiet?: boolean } = {},
): Promise<Record<string, string>> {
  await Deno.mkdir(dir, { recursive: true });
  const paths = Object.fromEntries(members.map((m) => [m, `${dir}/${m}`]));
  const missing = [];
  for (const m of members) if ((await fileSize(paths[m])) === null) missing.push(m);
  if (missing.length === 0) return paths;
  let archive = await downloadRemote(remote, dir, opts);
  if (!opts.quiet) console.error(`extracting ${missing.join(", ")} from ${archive}`);
  const want = new Set(missing);
  const pick = (name: string) => want.has(name.split("/").pop()!);
  let got: Map<string, unknown>;
  try {
    got = await extractTar(archive, dir, pick);
  } catch (e) {
    // The archive may have changed since it was verified: hash it again (re-downloading when it no longer
    // matches) and retry once; an archive that still verifies is genuinely unreadable.
    console.error(
      `${archive}: unpacking failed (${(e as Error).message.split("\n")[0]}); verifying it again`,
    );
    archive = await downloadRemote(remote, dir, { ...opts, reverify: true });
    got = await extractTar(archive, dir, pick);
  }
  const names = new Set([...got.keys()].map((n) => n.split("/").pop()!));
  const lacking = missing.filter((m) => !names.has(m));
  if (lacking.length) throw new Error(`${archive}: archive has no member named ${lacking.join(", ")}`);
  return paths;
}
