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

/** Where a profile's outputs go: figures/results and the executed notebooks (`null`: over the inputs). */
export interface OutputRoots {
  /** Root of the per-paper figure directories (`<root>/<paper>/` holds the figures and results.json). */
  figures: string;
  /** Directory for executed notebooks, or null when they overwrite `notebooks/` in place (cpu profile). */
  notebooks: string | null;
}

/**
 * Only the `cpu` profile writes the checked-in `figures/` and `notebooks/`; every other profile writes to the
 * gitignored `out/<profile>/figures` and `out/<profile>/notebooks`, so a smoke or gpu run never changes tracked
 * files and the checked-in claims table never mixes profiles.
 * @example
 * ```ts
 * import { outputRoots } from "./paths.ts";
 * outputRoots("smoke").figures; // "<repo>/out/smoke/figures"
 * outputRoots("cpu").notebooks; // null: executed notebooks replace notebooks/*.ipynb
 * ```
 */
export function outputRoots(profile: string, root: string = REPO_ROOT): OutputRoots {
  if (profile === "cpu") return { figures: `${root}/figures`, notebooks: null };
  return { figures: `${root}/out/${profile}/figures`, notebooks: `${root}/out/${profile}/notebooks` };
}
