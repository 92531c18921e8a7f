/**
 * Exponential moving averages of weights: momentum (teacher) encoders as in PCAE, MoCo and BYOL.
 *
 * @module
 */
import { tf } from "../tf.ts";

/**
 * target ← m·target + (1 − m)·source for every name in `target` (e.g. `teacher.namedVariables()` against
 * `student.namedVariables()`; batch-norm running statistics are averaged too). Throws on a missing name or a
 * shape mismatch before changing anything.
 */
export function emaUpdate(
  target: Record<string, tf.Variable>,
  source: Record<string, tf.Variable>,
  momentum: number,
): void {
  if (!(momentum >= 0 && momentum <= 1)) {
    throw new Error(`emaUpdate: momentum must be in [0, 1], got ${momentum}`);
  }
  for (const [name, t] of Object.entries(target)) {
    const s = source[name];
    if (!s) throw new Error(`emaUpdate: source lacks variable "${name}"`);
    if (!tf.util.arraysEqual(s.shape, t.shape)) {
      throw new Error(
        `emaUpdate: "${name}" has shape [${t.shape}] in the target but [${s.shape}] in the source`,
      );
    }
  }
  tf.tidy(() => {
    for (const [name, t] of Object.entries(target)) {
      t.assign(tf.add(tf.mul(t, momentum), tf.mul(source[name], 1 - momentum)));
    }
  });
}

/** Copy every variable of `source` into `target` by name (initialising a momentum encoder). */
export function copyVariables(
  target: Record<string, tf.Variable>,
  source: Record<string, tf.Variable>,
): void {
  emaUpdate(target, source, 0);
}
