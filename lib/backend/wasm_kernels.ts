/**
 * Training kernels that tfjs-backend-wasm lacks (placeholder; implemented in the wasm-kernels work).
 * @module
 */

/** Register the missing wasm training kernels. Idempotent. */
export function registerWasmTrainingKernels(): void {
}
