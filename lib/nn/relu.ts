/**
 * ReLU. Its forward, x = max(0, s + b), is fused with the bias in the kernels (`biasRelu`, used by
 * `linearForward`); its backward masks the incoming signal where the unit was inactive:
 * δ = c ∘ f′(s), with f′(s) = [x > 0] read from the layer's output x.
 *
 * @module
 */

import type { Matrix } from "../tensor/matrix.ts";

/** c ← c ∘ [x > 0], in place (c and x have the same shape). */
export function reluBackward(c: Matrix, x: Matrix): void {
  if (c.rows !== x.rows || c.cols !== x.cols) {
    throw new RangeError(`reluBackward: signal ${c.rows}×${c.cols}, activations ${x.rows}×${x.cols}`);
  }
  for (let i = 0; i < c.rows; i++) {
    const ci = c.offset + i * c.ld;
    const xi = x.offset + i * x.ld;
    for (let j = 0; j < c.cols; j++) if (!(x.data[xi + j] > 0)) c.data[ci + j] = 0;
  }
}
