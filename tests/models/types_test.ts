import { assertEquals } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import type { Encoder, EncoderOutput } from "../../lib/models/types.ts";
import { resnet } from "../../lib/models/resnet.ts";
import { useCpu } from "./_helpers.ts";

await useCpu();

Deno.test("an EncoderOutput can be returned whole from tf.tidy, keeping h and stages alive", () => {
  const enc: Encoder = resnet(new Rng(0), { depth: 10, width: 2 });
  const x = tf.zeros([2, 8, 8, 3]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const out: EncoderOutput = tf.tidy(() => enc.apply(x, { training: false }));
  assertEquals(out.h.shape, [2, 16]);
  assertEquals(out.stages.length, 5);
  assertEquals(tf.memory().numTensors, before + 6);
  tf.dispose([out.h, ...out.stages]);
  assertEquals(tf.memory().numTensors, before);
  x.dispose();
  enc.dispose();
});
