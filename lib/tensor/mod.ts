/**
 * The tensor layer's public surface: the matrix type, the {@link Kernels} interface and its three
 * implementations.
 *
 * - `naiveKernels`: the readable reference (tests compare everything against it).
 * - `tsKernels`: register-tiled pure TypeScript, operands in plain typed arrays (~3–4 GFLOP/s).
 * - wasm kernels: WebAssembly SIMD over a shared `WebAssembly.Memory` (~35 GFLOP/s fp32 GEMM),
 *   created with `await createWasmKernels()` on a thread that assembles the module, or with
 *   `instantiateWasmKernels(module, memory)` in a Worker that was posted the module and memory
 *   (import lib/tensor/wasm/wasm-kernels.ts there to keep the assembler out of the Worker).
 *
 * Besides the BLAS-like products, the kernels carry what the training step needs: the bias
 * gradient (`addColumnSums`), the batch gather from byte images (`gatherBytes`) and input-layer
 * weights kept in the layout the kernels multiply fastest (`inputWeights`, `inputForward`,
 * `inputUpdate`; wasm pre-packs them into GEMM panels, see input-weights.ts).
 *
 * @example
 * ```ts
 * import { createWasmKernels } from "./mod.ts";
 * const k = await createWasmKernels();
 * const x = k.matrix(64, 784, "float32"), w = k.matrix(256, 784, "float32"), s = k.matrix(64, 256, "float32");
 * const b = k.vector(256, "float32");
 * k.gemm(false, true, 1, x, w, 0, s); // S = X·Wᵀ
 * k.biasRelu(s, b); // S = max(0, S + b)
 * ```
 *
 * @module
 */

export { allocFloat, type DType, dtypeOf, type Float, Matrix } from "./matrix.ts";
export type { Kernels } from "./kernels.ts";
export type { InputWeights } from "./input-weights.ts";
export { naiveKernels } from "./naive.ts";
export { tsKernels } from "./ts-kernels.ts";
export { Arena, createSharedMemory } from "./wasm/arena.ts";
export { kernelModule, kernelModuleBytes } from "./wasm/assemble.ts";
export { createWasmKernels, type WasmKernelsOptions } from "./wasm/create-wasm-kernels.ts";
export { instantiateWasmKernels, type WasmKernels } from "./wasm/wasm-kernels.ts";
