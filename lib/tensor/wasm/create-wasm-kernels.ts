/**
 * Creating wasm kernels from scratch: assembles and compiles the kernel module on first use in
 * the thread (assemble.ts), then instantiates it (wasm-kernels.ts) on a shared memory.
 *
 * @module
 */

import { createSharedMemory } from "./arena.ts";
import { kernelModule } from "./assemble.ts";
import { instantiateWasmKernels, type WasmKernels } from "./wasm-kernels.ts";

/** Where {@link createWasmKernels} runs. */
export interface WasmKernelsOptions {
  /** A shared memory (e.g. received from another thread); default: a new one (up to 4 GiB). */
  memory?: WebAssembly.Memory;
  /** The compiled kernel module (e.g. received from another thread); default: this thread's. */
  module?: WebAssembly.Module;
}

/**
 * Wasm kernels over `memory` (default: a new shared memory), assembling and compiling the module
 * on first use in this thread unless `module` is given.
 *
 * @example
 * ```ts
 * import { createWasmKernels } from "./create-wasm-kernels.ts";
 * const k = await createWasmKernels();
 * const a = k.matrix(64, 784, "float32"), w = k.matrix(256, 784, "float32"), s = k.matrix(64, 256, "float32");
 * k.gemm(false, true, 1, a, w, 0, s); // S = A·Wᵀ
 * ```
 */
export async function createWasmKernels(options: WasmKernelsOptions = {}): Promise<WasmKernels> {
  const module = options.module ?? (await kernelModule());
  return instantiateWasmKernels(module, options.memory ?? createSharedMemory());
}
