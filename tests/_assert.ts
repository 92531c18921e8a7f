/**
 * The assertion functions the tests use, under the import name `@std/assert`.
 *
 * The suite is meant to use `jsr:@std/assert`, but jsr.io is not reachable from the machines this project is
 * built and tested on (only the npm registry is). This module provides the subset of that API the tests need,
 * with the same names and signatures, so that pointing the `@std/assert` entry of `deno.json` at
 * `jsr:@std/assert@1` is the only change needed where jsr is reachable.
 *
 * @module
 */
import { inspect, isDeepStrictEqual } from "node:util";

/** Error thrown by every failed assertion. */
export class AssertionError extends Error {
  override name = "AssertionError";
}

function fmt(v: unknown): string {
  return inspect(v, { depth: 6, breakLength: 100, maxArrayLength: 20 });
}

/** Assert that `expr` is truthy. */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) throw new AssertionError(msg || "Expected expression to be truthy");
}

/** Assert deep equality (structural, strict). */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}Values are not equal.\n  actual:   ${fmt(actual)}\n  expected: ${
        fmt(expected)
      }`,
    );
  }
}

/** Assert deep inequality. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  if (isDeepStrictEqual(actual, expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}Expected actual: ${fmt(actual)} not to be: ${fmt(expected)}`,
    );
  }
}

/** Assert strict (===) equality. */
export function assertStrictEquals<T>(actual: unknown, expected: T, msg?: string): asserts actual is T {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}Values are not strictly equal: ${fmt(actual)} !== ${fmt(expected)}`,
    );
  }
}

/**
 * Assert |actual - expected| <= tolerance (default: 1e-7 relative to |expected|, as jsr:@std/assert).
 */
export function assertAlmostEquals(actual: number, expected: number, tolerance?: number, msg?: string): void {
  if (Object.is(actual, expected)) return;
  const tol = tolerance ?? Math.abs(expected * 1e-7);
  const delta = Math.abs(expected - actual);
  if (!(delta <= tol)) {
    throw new AssertionError(
      `${
        msg ? msg + ": " : ""
      }Expected actual: "${actual}" to be close to "${expected}": delta "${delta}" is greater than "${tol}"`,
    );
  }
}

/** Assert actual > expected. */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual > expected)) throw new AssertionError(msg ?? `Expect ${fmt(actual)} > ${fmt(expected)}`);
}

/** Assert actual >= expected. */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual >= expected)) throw new AssertionError(msg ?? `Expect ${fmt(actual)} >= ${fmt(expected)}`);
}

/** Assert actual < expected. */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual < expected)) throw new AssertionError(msg ?? `Expect ${fmt(actual)} < ${fmt(expected)}`);
}

/** Assert actual <= expected. */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (!(actual <= expected)) throw new AssertionError(msg ?? `Expect ${fmt(actual)} <= ${fmt(expected)}`);
}

/** Assert that `actual` matches the regular expression. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  if (!expected.test(actual)) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to match: "${expected}"`);
  }
}

/** Assert that `actual` contains `expected`. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to contain: "${expected}"`);
  }
}

type ErrorClass<E extends Error> = new (...args: never[]) => E;

function checkError<E extends Error>(
  e: unknown,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): E {
  if (ErrorClass && !(e instanceof ErrorClass)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}Expected error to be instance of "${ErrorClass.name}", got ${fmt(e)}`,
    );
  }
  const message = e instanceof Error ? e.message : String(e);
  if (msgIncludes !== undefined && !message.includes(msgIncludes)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}Expected error message to include "${msgIncludes}", but got "${message}"`,
    );
  }
  return e as E;
}

/** Assert that `fn` throws; optionally of a class and with a message containing `msgIncludes`. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): E {
  try {
    fn();
  } catch (e) {
    return checkError(e, ErrorClass, msgIncludes, msg);
  }
  throw new AssertionError(`${msg ? msg + ": " : ""}Expected function to throw.`);
}

/** Assert that the promise returned by `fn` rejects; optionally of a class and with a message. */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    return checkError(e, ErrorClass, msgIncludes, msg);
  }
  throw new AssertionError(`${msg ? msg + ": " : ""}Expected function to reject.`);
}
