import { assertEquals, assertThrows } from "@std/assert";
import { createHmac } from "node:crypto";
import { decodeMessage, DELIMITER, encodeMessage, makeHeader, sign } from "../../lib/notebook/wire.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("sign is hex HMAC-SHA256 over the four JSON frames, empty without a key", () => {
  const parts = ["{}", '{"a":1}', "{}", '{"code":"1"}'].map((s) => enc.encode(s));
  const h = createHmac("sha256", "k");
  for (const p of parts) h.update(p);
  assertEquals(sign("k", parts), h.digest("hex"));
  assertEquals(sign("", parts), "");
});

Deno.test("encodeMessage lays out ids, delimiter, signature, dicts, buffers; decodeMessage inverts it", () => {
  const header = makeHeader("execute_request", "sess");
  assertEquals(header.version, "5.3");
  const frames = encodeMessage("secret", {
    identities: [enc.encode("peer")],
    header,
    parent_header: {},
    metadata: { m: 1 },
    content: { code: "1+1" },
    buffers: [new Uint8Array([1, 2])],
  });
  assertEquals(frames.length, 8);
  assertEquals(dec.decode(frames[1]), DELIMITER);
  assertEquals(JSON.parse(dec.decode(frames[3])).msg_type, "execute_request");
  const m = decodeMessage("secret", frames);
  assertEquals(dec.decode(m.identities[0]), "peer");
  assertEquals(m.header, header);
  assertEquals(m.metadata, { m: 1 });
  assertEquals(m.content, { code: "1+1" });
  assertEquals([...m.buffers[0]], [1, 2]);
});

Deno.test("decodeMessage rejects a tampered message, a wrong key and a missing delimiter", () => {
  const frames = encodeMessage("secret", {
    header: makeHeader("status", "s"),
    parent_header: {},
    metadata: {},
    content: { execution_state: "idle" },
  });
  const tampered = [...frames];
  tampered[5] = enc.encode('{"execution_state":"busy"}');
  assertThrows(() => decodeMessage("secret", tampered), Error, "invalid HMAC signature");
  assertThrows(() => decodeMessage("other", frames), Error, "invalid HMAC signature");
  assertThrows(() => decodeMessage("secret", frames.slice(1)), Error, "delimiter");
  // without a key, signatures are not checked (Jupyter's behaviour for key "")
  assertEquals(decodeMessage("", tampered).content, { execution_state: "busy" });
});
