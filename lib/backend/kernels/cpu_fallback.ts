/**
 * Correct-but-slow stand-ins for rarely used kernels that tfjs-backend-wasm lacks (depthwise convolution
 * gradients, `Einsum`): the inputs are copied to the pure-JS cpu backend, its kernel runs there, and the
 * outputs are copied back onto the wasm heap. Nothing in the suite's models needs them on a hot path; they exist
 * so that a model using them trains (slowly) instead of failing with "kernel not registered".
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { type KernelArgs, type WasmBackend, wasmKernelConfig } from "./compose.ts";

function toCpu(cpu: tf.KernelBackend, from: tf.KernelBackend, t: tf.TensorInfo): tf.TensorInfo {
  const values = from.readSync(t.dataId) as tf.BackendValues;
  return { dataId: cpu.write(values, t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
}

/** A wasm kernel config that runs the cpu backend's kernel `kernelName` on copies of the inputs. */
export function cpuFallbackConfig(kernelName: string): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs) => {
    const wasm = args.backend as WasmBackend;
    const cpu = tf.findBackend("cpu");
    const cpuKernel = tf.getKernel(kernelName, "cpu");
    if (!cpu || !cpuKernel) throw new Error(`cpu fallback for ${kernelName}: cpu backend or kernel missing`);
    const copies: tf.TensorInfo[] = [];
    const move = (t: tf.TensorInfo) => {
      const c = toCpu(cpu, wasm, t);
      copies.push(c);
      return c;
    };
    // Most kernels take named inputs; a few (Einsum, Concat) an array.
    const inputs = Array.isArray(args.inputs)
      ? (args.inputs as tf.TensorInfo[]).map(move)
      : Object.fromEntries(Object.entries(args.inputs).map(([k, v]) => [k, move(v)]));
    const result = cpuKernel.kernelFunc({
      inputs: inputs as unknown as tf.NamedTensorInfoMap,
      attrs: args.attrs,
      backend: cpu,
    });
    const outs = Array.isArray(result) ? result : [result];
    const moved = outs.map((o) => {
      const values = cpu.readSync(o.dataId) as tf.TypedArray;
      copies.push(o);
      return wasm.makeOutput(o.shape, o.dtype, undefined, values);
    });
    for (const c of copies) cpu.disposeData(c.dataId);
    return Array.isArray(result) ? moved : moved[0];
  };
  return wasmKernelConfig(kernelName, kernelFunc);
}
