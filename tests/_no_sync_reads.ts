/**
 * A test helper that forbids synchronous tensor reads, as the webgpu backend does under Deno.
 *
 * `dataSync()`, `arraySync()` and `bufferSync()` all go through the engine's `readSync`; `data()` and `array()`
 * go through its asynchronous `read` instead. While `fn` runs, the engine's `readSync` throws, so a library
 * function that still reads synchronously fails the test on any backend (cpu and wasm included).
 *
 * @module
 */
import { tf } from "../lib/tf.ts";

/** The message of the error a synchronous read throws inside `withoutSyncReads`. */
export const SYNC_READ_ERROR = "synchronous tensor read (dataSync/arraySync) inside withoutSyncReads";

type ReadSync = (dataId: object) => unknown;

/**
 * Run `fn` with synchronous tensor reads disabled (they throw `SYNC_READ_ERROR`), restoring them afterwards
 * even if `fn` fails. Checks first that the patch is effective (a `dataSync()` of a fresh scalar must throw).
 * Not re-entrant; tests run sequentially (`--parallel=false`), so nothing else reads meanwhile.
 */
export async function withoutSyncReads<T>(fn: () => Promise<T>): Promise<T> {
  const engine = tf.engine() as unknown as { readSync: ReadSync };
  const own = Object.hasOwn(engine, "readSync");
  const original = engine.readSync;
  engine.readSync = () => {
    throw new Error(SYNC_READ_ERROR);
  };
  try {
    const probe = tf.scalar(1);
    let patched = false;
    try {
      probe.dataSync();
    } catch (e) {
      patched = e instanceof Error && e.message === SYNC_READ_ERROR;
    } finally {
      probe.dispose();
    }
    if (!patched) {
      throw new Error("withoutSyncReads: dataSync() does not go through engine.readSync any more");
    }
    return await fn();
  } finally {
    if (own) engine.readSync = original;
    else delete (engine as Partial<typeof engine>).readSync;
  }
}
