/**
 * Micro-benchmark of the wasm `Conv2DBackpropFilter` implementations (`lib/backend/kernels/
 * conv2d_backprop_filter.ts`) on the convolution shapes of ResNet-18-w16 (or `CASES`), beside the forward
 * convolution of the same shape. Best of 5 runs after a warm-up, interleaved so that load on a shared machine
 * hits every variant alike.
 *
 *     deno run -A bench/conv_filter_grad.ts [conv,grid,auto] [--batch 256]
 *     CASES='[[H, Ci, Co, k, stride], ...]' deno run -A bench/conv_filter_grad.ts
 *
 * @module
 */
import { initBackend } from "../lib/backend/mod.ts";
import { tf } from "../lib/tf.ts";
import { conv2dFilterGradOptions } from "../lib/backend/kernels/conv2d_backprop_filter.ts";

type Shape = [h: number, ci: number, co: number, k: number, stride: number];

/** ResNet-18-w16's filter-gradient shapes on 32×32 inputs (the stem, each stage's 3×3 and 1×1 convolutions). */
const RESNET18_W16: Shape[] = [
  [32, 3, 16, 3, 1],
  [32, 16, 16, 3, 1],
  [16, 32, 32, 3, 1],
  [8, 64, 64, 3, 1],
  [4, 128, 128, 3, 1],
  [32, 16, 32, 3, 2],
  [16, 32, 64, 3, 2],
  [8, 64, 128, 3, 2],
  [32, 16, 32, 1, 2],
  [16, 32, 64, 1, 2],
  [8, 64, 128, 1, 2],
];

if (import.meta.main) {
  await initBackend("wasm", { quiet: true });
  const args = Deno.args.filter((a) => !a.startsWith("--"));
  const bi = Deno.args.indexOf("--batch");
  const batch = bi >= 0 ? Number(Deno.args[bi + 1]) : 256;
  const methods = (args[0] ?? "conv,grid,auto").split(",") as ("conv" | "grid" | "auto")[];
  const env = Deno.env.get("CASES");
  const cases: Shape[] = env ? JSON.parse(env) : RESNET18_W16;
  const totals: Record<string, number> = {};
  for (const [h, ci, co, k, s] of cases) {
    const x = tf.randomNormal([batch, h, h, ci]) as tf.Tensor4D;
    const dy = tf.randomNormal([batch, Math.ceil(h / s), Math.ceil(h / s), co]) as tf.Tensor4D;
    const w = tf.randomNormal([k, k, ci, co]) as tf.Tensor4D;
    const grad = () =>
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
        strides: s,
        pad: "same",
        dataFormat: "NHWC",
        filterShape: [k, k, ci, co],
      }) as tf.Tensor;
    const variants: Record<string, () => tf.Tensor> = { forward: () => tf.conv2d(x, w, s, "same") };
    for (const m of methods) {
      variants[m] = () => {
        conv2dFilterGradOptions.method = m;
        try {
          return grad();
        } finally {
          conv2dFilterGradOptions.method = "auto";
        }
      };
    }
    const best: Record<string, number> = {};
    for (let r = 0; r < 6; r++) {
      for (const [name, f] of Object.entries(variants)) {
        const t0 = performance.now();
        const out = f();
        out.dataSync();
        const t = performance.now() - t0;
        out.dispose();
        if (r > 0) best[name] = Math.min(best[name] ?? Infinity, t);
      }
    }
    for (const [name, t] of Object.entries(best)) totals[name] = (totals[name] ?? 0) + t;
    const row = Object.entries(best).map(([n, t]) => `${n} ${t.toFixed(1)}`).join("  ");
    console.log(`${h}x${h}x${ci}->${co} k${k} s${s}: ${row} ms`);
    tf.dispose([x, dy, w]);
  }
  console.log(`total: ${Object.entries(totals).map(([n, t]) => `${n} ${t.toFixed(0)}`).join("  ")} ms`);
}
