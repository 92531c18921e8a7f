/**
 * The tfjs namespace used everywhere in the suite.
 *
 * Everything imports `tf` from here so that exactly one copy of tfjs-core (and therefore one engine, one
 * kernel registry and one tensor counter) is in play, whichever backend `lib/backend` selects.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
// The pure-JS backend is always available: it is the reference the wasm kernels are tested against.
import "@tensorflow/tfjs-backend-cpu";

export { tf };
export type {
  Rank,
  Scalar,
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  Variable,
} from "@tensorflow/tfjs-core";
