/**
 * The readable reference of the fused B = 1 backward product and update (the wasm kernels'
 * `gemvTransGer`): the two textbook kernels one after the other.
 *
 * @module
 */

import { checkGemvShapes, checkGerShapes } from "./kernels.ts";
import type { Float, Matrix } from "./matrix.ts";
import { naiveKernels } from "./naive.ts";

/** y ← α·Aᵀ·x with A as it was, then A ← A + γ·u·vᵀ. */
export function naiveGemvTransGer(
  alpha: number,
  a: Matrix,
  x: Float,
  y: Float,
  gamma: number,
  u: Float,
  v: Float,
): void {
  checkGemvShapes(true, a, x, y);
  checkGerShapes(u, v, a);
  naiveKernels.gemv(true, alpha, a, x, 0, y);
  naiveKernels.ger(gamma, u, v, a);
}
