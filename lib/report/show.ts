/**
 * Notebook display helpers shared by every paper: estimates as text, claims as a markdown table, and markdown
 * shown inline in the Deno Jupyter kernel (as `text/markdown`) or printed elsewhere.
 *
 * @module
 */
import type { Claim } from "./results.ts";
import type { ArmRecords } from "./gate.ts";
import type { Estimate } from "../stats/confidence.ts";
import { jupyterNamespace } from "./figure.ts";
import { markdownTable } from "./markdown.ts";

/** "63.2 [61.0, 65.4]" (× k, one decimal; the CI is omitted when it is missing). */
export function formatEstimate(e: Estimate, k = 1): string {
  const f = (v: number) => (k * v).toFixed(1);
  return Number.isFinite(e.ci95[0])
    ? `${f(e.mean)} [${f(e.ci95[0])}, ${f(e.ci95[1])}]`
    : `${f(e.mean)} (n=${e.n})`;
}

export { markdownTable };

/** The claims as a markdown table: claim, paper, ours (mean [95% CI]), verdict. */
export function claimsMarkdown(claims: Claim[]): string {
  return markdownTable(
    ["claim", "paper", "ours", "verdict"],
    claims.map((c) => [c.claim, c.paper ?? "—", formatEstimate(c.ours), `**${c.verdict}**`]),
  );
}

/**
 * The training gate as a markdown table: every arm's probe (%), its paired gain over random init (pp) and
 * whether it learned, in the records' order.
 */
export function armsMarkdown(arms: ArmRecords): string {
  return markdownTable(
    ["arm", "probe %", "gain over random init (pp)", "learned"],
    Object.entries(arms).map(([name, a]) => [
      name,
      formatEstimate(a.probe),
      formatEstimate(a.vsRandomInit),
      a.learned ? "yes" : "**no**",
    ]),
  );
}

/** Show markdown inline in the kernel (or print it). */
export async function showMarkdown(md: string): Promise<void> {
  const j = jupyterNamespace();
  if (j) await j.display({ "text/markdown": md, "text/plain": md }, { raw: true });
  else console.log(md);
}
