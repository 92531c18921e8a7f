/**
 * Where the suite keeps files it downloads or computes.
 *
 * `SSL_CACHE_DIR` moves the cache (default: `.cache/` at the repository root, gitignored). Datasets live under
 * `<cache>/datasets`, trained encoders and other expensive intermediates under `<cache>/artifacts`.
 *
 * @module
 */

/** Absolute path of the repository root (the directory holding deno.json). */
export const REPO_ROOT: string = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(
  /\/$/,
  "",
);

/** The cache root: `$SSL_CACHE_DIR` or `<repo>/.cache`. */
export function cacheRoot(): string {
  return Deno.env.get("SSL_CACHE_DIR") || `${REPO_ROOT}/.cache`;
}

/** A sub-directory of the cache root, created on demand. */
export function cacheDir(sub: string): string {
  const dir = `${cacheRoot()}/${sub}`;
  Deno.mkdirSync(dir, { recursive: true });
  return dir;
}
