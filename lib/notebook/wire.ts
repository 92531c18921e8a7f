/**
 * The Jupyter messaging wire format (protocol 5.3) over ZeroMQ multipart frames.
 *
 * A message on the wire is
 * `[...routing ids, "<IDS|MSG>", signature, header, parent_header, metadata, content, ...buffers]`, where the
 * four dictionaries are JSON and `signature` is the hex HMAC-SHA256 of those four JSON frames, keyed by the
 * connection file's `key` (an empty key disables signing, as in Jupyter).
 *
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The delimiter frame between routing identities and the signed message. */
export const DELIMITER = "<IDS|MSG>";
/** The protocol version this client speaks. */
export const PROTOCOL_VERSION = "5.3";

/** A Jupyter message header. */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded Jupyter message. */
export interface JupyterMessage<C = Record<string, unknown>> {
  /** ZeroMQ routing identities that preceded the delimiter. */
  identities: Uint8Array[];
  header: MessageHeader;
  /** The header of the request this message answers, or `{}`. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Uint8Array[];
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Hex HMAC-SHA256 of the four message frames; "" when the key is empty (signing disabled). */
export function sign(key: string, frames: Uint8Array[]): string {
  if (!key) return "";
  const h = createHmac("sha256", key);
  for (const f of frames) h.update(f);
  return h.digest("hex");
}

/** Build a message header for a new request. */
export function makeHeader(msgType: string, session: string, username = "ssl-repro"): MessageHeader {
  return {
    msg_id: crypto.randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

/** Serialise a message to signed multipart frames. */
export function encodeMessage(
  key: string,
  msg: Pick<JupyterMessage, "header" | "parent_header" | "metadata" | "content"> & {
    identities?: Uint8Array[];
    buffers?: Uint8Array[];
  },
): Uint8Array[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((d) =>
    enc.encode(JSON.stringify(d))
  );
  return [
    ...(msg.identities ?? []),
    enc.encode(DELIMITER),
    enc.encode(sign(key, parts)),
    ...parts,
    ...(msg.buffers ?? []),
  ];
}

/**
 * Parse signed multipart frames. Throws a one-line error on a missing delimiter, a bad signature or malformed
 * JSON.
 */
export function decodeMessage(key: string, frames: Uint8Array[]): JupyterMessage {
  const d = frames.findIndex((f) => f.length === DELIMITER.length && dec.decode(f) === DELIMITER);
  if (d < 0) throw new Error("jupyter message without <IDS|MSG> delimiter");
  if (frames.length < d + 6) {
    throw new Error(`jupyter message has ${frames.length - d - 1} frames after delimiter`);
  }
  const parts = frames.slice(d + 2, d + 6);
  if (key) {
    const expected = enc.encode(sign(key, parts));
    const got = frames[d + 1];
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw new Error("jupyter message with invalid HMAC signature");
    }
  }
  const [header, parent_header, metadata, content] = parts.map((p, i) => {
    try {
      return JSON.parse(dec.decode(p));
    } catch {
      throw new Error(`jupyter message frame ${i} is not valid JSON`);
    }
  });
  return {
    identities: frames.slice(0, d),
    header,
    parent_header,
    metadata,
    content,
    buffers: frames.slice(d + 6),
  };
}
