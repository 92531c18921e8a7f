/**
 * Atomic file writes: write to a temporary sibling, then rename over the target.
 *
 * A reader (or a crash) therefore sees either the previous complete file or the new complete file, never a
 * truncated one. Used for notebooks, figures, results and cache entries.
 *
 * @module
 */

function tempSibling(path: string): string {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash + 1) : "";
  const base = slash >= 0 ? path.slice(slash + 1) : path;
  const rand = crypto.getRandomValues(new Uint32Array(1))[0].toString(16);
  return `${dir}.${base}.${Deno.pid}.${rand}.tmp`;
}

function parentDir(path: string): string | null {
  const slash = path.lastIndexOf("/");
  return slash > 0 ? path.slice(0, slash) : null;
}

/**
 * Write bytes or text to `path` atomically, creating parent directories.
 * On failure the temporary file is removed and the previous file (if any) is left untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = parentDir(path);
  if (dir) await Deno.mkdir(dir, { recursive: true });
  const tmp = tempSibling(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Synchronous variant of {@link writeFileAtomic}. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const dir = parentDir(path);
  if (dir) Deno.mkdirSync(dir, { recursive: true });
  const tmp = tempSibling(path);
  try {
    if (typeof data === "string") Deno.writeTextFileSync(tmp, data);
    else Deno.writeFileSync(tmp, data);
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* already gone */ }
    throw e;
  }
}

/** Write a value as pretty-printed JSON (2-space indent, trailing newline) atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}
