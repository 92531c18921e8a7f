/**
 * The tfjs namespace used everywhere in the suite.
 *
 * Everything imports `tf` from here so that exactly one copy of tfjs (one engine, one kernel registry, one tensor
 * counter) is in play, whichever backend `lib/backend` selects. This is the `@tensorflow/tfjs` union package rather
 * than bare tfjs-core because only the union registers the gradients (training needs them) and the chained ops
 * (`x.square()`); it also brings the pure-JS `cpu` backend, the reference the wasm kernels are tested against.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

// PROD silences tfjs's console banners ("looks like you are running TensorFlow.js in Node.js") and skips
// debug-only checks; it does not change any numerical result.
tf.env().set("PROD", true);

export { tf };
export type {
  Rank,
  Scalar,
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  Tensor5D,
  Variable,
} from "@tensorflow/tfjs";
