/**
 * `deno run -A lib/backend/probe.ts NAME`: start backend NAME in a throw-away process and report whether it
 * came up: exit 0 and its description on stdout, or exit 1 and the one-line reason on stderr. `reproduce` runs
 * it before the first notebook, so a named backend that cannot start is an error up front, not at cell 4, and
 * the probe's GPU context or native library is gone before any kernel needs the device.
 *
 * @module
 */
import { initBackend, parseBackend } from "./mod.ts";
import { REPO_ROOT } from "../paths.ts";

/**
 * Check in a subprocess that backend `name` starts; resolves to its description, or rejects with one line.
 * @param name a backend name (not checked here beyond {@link parseBackend}).
 */
export async function probeBackend(name: string): Promise<string> {
  parseBackend(name);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO_ROOT}/lib/backend/probe.ts`, name],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim().split("\n").filter(Boolean).at(-1) ?? "";
  if (!out.success) throw new Error(text(out.stderr) || `backend "${name}" could not start`);
  return text(out.stdout);
}

if (import.meta.main) {
  try {
    const info = await initBackend(parseBackend(Deno.args[0] ?? "auto"), { quiet: true });
    console.log(`${info.name} (${info.device})`);
  } catch (e) {
    console.error((e as Error).message.split("\n")[0]);
    Deno.exit(1);
  }
}
