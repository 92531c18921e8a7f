import { assertEquals } from "@std/assert";
import { PrimitiveCache } from "../../../lib/backend/onednn/primitive.ts";
import { OnednnError } from "../../../lib/backend/onednn/ffi.ts";

Deno.test("PrimitiveCache: builds once per key, evicts the least recently used and destroys it", () => {
  const destroyed: string[] = [];
  let built = 0;
  const make = (k: string) => () => {
    built++;
    return { destroy: () => destroyed.push(k) };
  };
  const cache = new PrimitiveCache(2);
  const a = cache.get("a", make("a"));
  cache.get("b", make("b"));
  assertEquals(cache.get("a", make("a")), a); // hit: a becomes the most recent
  cache.get("c", make("c")); // evicts b
  assertEquals(destroyed, ["b"]);
  assertEquals(built, 3);
  assertEquals(cache.size, 2);
  cache.clear();
  assertEquals(destroyed.sort(), ["a", "b", "c"]);
  assertEquals(cache.size, 0);
});

Deno.test("OnednnError names the call and the status in one line", () => {
  assertEquals(
    new OnednnError("dnnl_primitive_execute", 2).message,
    "oneDNN dnnl_primitive_execute failed: invalid arguments",
  );
  assertEquals(new OnednnError("x", 42).message, "oneDNN x failed: status 42");
});
