/**
 * The kernel set a run's `--kernels` names: the WebAssembly SIMD kernels (default; assembled and
 * compiled once per thread), the pure-TypeScript ones, or the naive reference loops.
 *
 * @module
 */

import type { Kernels } from "../tensor/kernels.ts";
import { naiveKernels } from "../tensor/naive.ts";
import { tsKernels } from "../tensor/ts-kernels.ts";
import { createWasmKernels } from "../tensor/wasm/create-wasm-kernels.ts";
import type { KERNELS } from "./config.ts";

/** The kernels called `name`. */
export function kernelsNamed(name: (typeof KERNELS)[number]): Promise<Kernels> {
  switch (name) {
    case "wasm":
      return createWasmKernels();
    case "ts":
      return Promise.resolve(tsKernels);
    case "naive":
      return Promise.resolve(naiveKernels);
  }
}
