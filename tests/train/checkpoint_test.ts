import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import {
  fileExists,
  loadCheckpoint,
  loadModel,
  NonFiniteCheckpointError,
  restoreVariables,
  saveCheckpoint,
  saveModel,
} from "../../lib/train/checkpoint.ts";
import { resnet } from "../../lib/models/resnet.ts";

await tf.setBackend("cpu");

Deno.test("saveCheckpoint / loadCheckpoint round-trip tensors, step and meta exactly", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sub/ck.bin`;
  const a = tf.tensor2d([[1.5, -2], [Math.PI, 1e-30]]);
  const b = tf.tensor1d([7, -3, 2 ** 30], "int32");
  const s = tf.scalar(0.1);
  await saveCheckpoint(path, {
    step: 12,
    tensors: { a, b, "opt.t": s },
    meta: { seed: 3, note: "x", list: [1, 2] },
  });
  const ck = await loadCheckpoint(path);
  assertEquals(ck.step, 12);
  assertEquals(ck.meta, { seed: 3, note: "x", list: [1, 2] });
  assertEquals(Object.keys(ck.tensors), ["a", "b", "opt.t"]);
  assertEquals(ck.tensors.a.shape, [2, 2]);
  assertEquals(Array.from(ck.tensors.a.data), Array.from(a.dataSync()));
  assertEquals(ck.tensors.b.dtype, "int32");
  assertEquals(Array.from(ck.tensors.b.data), [7, -3, 2 ** 30]);
  assertEquals(ck.tensors["opt.t"].shape, []);
  // no temp file left behind
  assertEquals([...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name), ["ck.bin"]);
  tf.dispose([a, b, s]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadCheckpoint rejects missing, foreign and truncated files with one-line errors", async () => {
  const dir = await Deno.makeTempDir();
  await assertRejects(() => loadCheckpoint(`${dir}/none.bin`), Error, "cannot read");
  await Deno.writeTextFile(`${dir}/foreign.bin`, "hello world, not a checkpoint");
  await assertRejects(() => loadCheckpoint(`${dir}/foreign.bin`), Error, "not a checkpoint");
  const t = tf.ones([100]);
  await saveCheckpoint(`${dir}/ok.bin`, { step: 1, tensors: { t } });
  const bytes = await Deno.readFile(`${dir}/ok.bin`);
  await Deno.writeFile(`${dir}/cut.bin`, bytes.slice(0, bytes.length - 10));
  const err = await assertRejects(() => loadCheckpoint(`${dir}/cut.bin`), Error, "corrupt or truncated");
  assert(!err.message.includes("\n"));
  assert(await fileExists(`${dir}/ok.bin`));
  assert(!(await fileExists(`${dir}/cut2.bin`)));
  t.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("restoreVariables assigns by name and checks names, shapes and prefixes before assigning", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/ck.bin`;
  const v = tf.variable(tf.tensor1d([1, 2]));
  const u = tf.variable(tf.tensor2d([[3]]));
  await saveCheckpoint(path, { step: 0, tensors: { "m.v": v, "m.u": u } });
  const ck = await loadCheckpoint(path);
  const v2 = tf.variable(tf.zeros([2])), u2 = tf.variable(tf.zeros([1, 1]));
  assertEquals(restoreVariables(ck, { v: v2, u: u2 }, { prefix: "m." }), ["v", "u"]);
  assertEquals(Array.from(v2.dataSync()), [1, 2]);
  assertEquals(Array.from(u2.dataSync()), [3]);
  const bad = tf.variable(tf.zeros([3]));
  const untouched = tf.variable(tf.zeros([2]));
  assertThrows(
    () => restoreVariables(ck, { v: untouched, u: bad }, { prefix: "m." }),
    Error,
    "in the checkpoint but",
  );
  assertEquals(Array.from(untouched.dataSync()), [0, 0], "nothing is assigned when validation fails");
  assertThrows(() => restoreVariables(ck, { w: v2 }, { prefix: "m." }), Error, 'lacks variable "m.w"');
  assertEquals(restoreVariables(ck, { w: v2 }, { prefix: "m.", allowMissing: true }), []);
  tf.dispose([v, u, v2, u2, bad, untouched]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("saveModel / loadModel restore a ResNet including batch-norm statistics", async () => {
  const dir = await Deno.makeTempDir();
  const a = resnet(new Rng(1), { depth: 10, width: 2 });
  const x = tf.randomUniform([4, 8, 8, 3], 0, 1, "float32", 5) as tf.Tensor4D;
  tf.tidy(() => {
    a.apply(x, { training: true });
  }); // moves the running statistics away from their initial values
  await saveModel(`${dir}/enc.bin`, a, { epochs: 1 });
  const b = resnet(new Rng(2), { depth: 10, width: 2 });
  const meta = await loadModel(`${dir}/enc.bin`, b);
  assertEquals(meta, { model: "resnet10-w2", epochs: 1 });
  const ha = tf.tidy(() => a.apply(x, { training: false }).h),
    hb = tf.tidy(() => b.apply(x, { training: false }).h);
  assertEquals(Array.from(hb.dataSync()), Array.from(ha.dataSync()));
  const c = resnet(new Rng(2), { depth: 10, width: 4 });
  await assertRejects(() => loadModel(`${dir}/enc.bin`, c), Error, "stem.conv.weight");
  tf.dispose([x, ha, hb]);
  [a, b, c].forEach((m) => m.dispose());
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadCheckpoint names the file for a well-formed JSON header that is not a checkpoint header", async () => {
  const dir = await Deno.makeTempDir();
  const write = async (name: string, header: unknown) => {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const bytes = new Uint8Array(12 + json.length + 32);
    bytes.set(new TextEncoder().encode("SSLCKPT2"), 0);
    new DataView(bytes.buffer).setUint32(8, json.length, true);
    bytes.set(json, 12);
    const body = bytes.subarray(0, 12 + json.length);
    bytes.set(new Uint8Array(await crypto.subtle.digest("SHA-256", body)), body.length);
    await Deno.writeFile(`${dir}/${name}`, bytes);
    return `${dir}/${name}`;
  };
  const noList = await write("nolist.bin", { version: 1, step: 3, meta: {} });
  const e1 = await assertRejects(() => loadCheckpoint(noList), Error, `${noList} has a corrupt header`);
  assert(!(e1 instanceof TypeError));
  const badDtype = await write("dtype.bin", {
    step: 0,
    tensors: [{ name: "x", dtype: "float64", shape: [1], offset: 0, bytes: 4 }],
  });
  await assertRejects(() => loadCheckpoint(badDtype), Error, `corrupt at tensor "x"`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadCheckpoint refuses same-length corruption of the data, the header or the old unchecked format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const t = tf.linspace(0, 1, 64);
    await saveCheckpoint(`${dir}/ok.bin`, { step: 5, tensors: { t } });
    t.dispose();
    const good = await Deno.readFile(`${dir}/ok.bin`);
    // 0xFF over four bytes of tensor data (a NaN), then one flipped digit in the header's step
    const nan = good.slice();
    nan.fill(0xff, good.length - 32 - 16, good.length - 32 - 12);
    await Deno.writeFile(`${dir}/nan.bin`, nan);
    const e = await assertRejects(() => loadCheckpoint(`${dir}/nan.bin`), Error, `${dir}/nan.bin is corrupt`);
    assert(!e.message.includes("\n"));
    const head = good.slice();
    const at = new TextDecoder().decode(head).indexOf('"step":5');
    head[at + 7] = "9".charCodeAt(0);
    await Deno.writeFile(`${dir}/head.bin`, head);
    await assertRejects(() => loadCheckpoint(`${dir}/head.bin`), Error, "SHA-256 mismatch");
    const old = good.slice();
    old.set(new TextEncoder().encode("SSLCKPT1"), 0);
    await Deno.writeFile(`${dir}/old.bin`, old);
    await assertRejects(() => loadCheckpoint(`${dir}/old.bin`), Error, "old format without a checksum");
    assertEquals((await loadCheckpoint(`${dir}/ok.bin`)).step, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveCheckpoint writes only finite weights and keeps the previous file otherwise", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ok = tf.ones([3]), bad = tf.tensor1d([1, NaN, 3]), inf = tf.tensor1d([Infinity]);
    await saveCheckpoint(`${dir}/ck.bin`, { step: 1, tensors: { w: ok } });
    const e = await assertRejects(
      () => saveCheckpoint(`${dir}/ck.bin`, { step: 2, tensors: { w: bad } }),
      NonFiniteCheckpointError,
      `tensor "w" holds NaN at index 1; ${dir}/ck.bin not written`,
    );
    assert(!e.message.includes("\n"));
    await assertRejects(
      () => saveCheckpoint(`${dir}/ck.bin`, { step: 2, tensors: { inf } }),
      Error,
      "Infinity",
    );
    const back = await loadCheckpoint(`${dir}/ck.bin`);
    assertEquals(back.step, 1);
    assertEquals(Array.from(back.tensors.w.data), [1, 1, 1]);
    assertEquals([...Deno.readDirSync(dir)].map((x) => x.name), ["ck.bin"]);
    tf.dispose([ok, bad, inf]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
