import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { zooEncoder, zooRun } from "../../../lib/experiments/transfer/zoo.ts";
import { tinyTransfer } from "./_helpers.ts";

async function weightsOf(enc: { namedVariables(): Record<string, tf.Variable> }): Promise<number[]> {
  const out: number[] = [];
  for (const v of Object.values(enc.namedVariables())) out.push(...(await v.data()));
  return out;
}

Deno.test("zooEncoder: random init is the untrained start of the seed's runs; trained weights come back", async () => {
  const { cfg, upstream } = await tinyTransfer();
  const dir = await Deno.makeTempDir();
  const ctx = { cfg: cfg.upstream, data: upstream, cache: { dir } };
  try {
    const random = cfg.zoo.find((m) => m.kind === "random")!;
    const simclr = cfg.zoo.find((m) => m.name === "SimCLR")!;
    assertEquals(zooRun(ctx, random, 3).seed, 3);
    const r = await zooEncoder(ctx, random, 0), s = await zooEncoder(ctx, simclr, 0);
    const before = tf.memory().numTensors;
    assertEquals(r.trainSeconds, 0);
    const [r1, r2, s1, s2] = [r.newEncoder(), r.newEncoder(), s.newEncoder(), s.newEncoder()];
    const [wr1, wr2, ws1, ws2] = await Promise.all([r1, r2, s1, s2].map(weightsOf));
    assertEquals(wr1, wr2, "two random-init copies are equal");
    assertEquals(ws1, ws2, "two copies of the trained weights are equal");
    assertNotEquals(ws1, wr1, "training moved the weights");
    assertEquals(ws1.length, wr1.length);
    // copies are independent: changing one leaves the other
    const v = Object.values(s1.namedVariables())[0];
    const zero = tf.zerosLike(v);
    v.assign(zero);
    zero.dispose();
    assertEquals(await weightsOf(s2), ws2);
    for (const e of [r1, r2, s1, s2]) e.dispose();
    assertEquals(tf.memory().numTensors, before, "encoder copies are freed");
    r.dispose();
    s.dispose();
    assert(tf.memory().numTensors < before, "the stored weights are freed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
