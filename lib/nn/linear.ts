/**
 * The fully connected layer with bias, sample-major (a batch is B × features, one row per sample):
 *
 * - forward:  S = X·Wᵀ + 1·bᵀ, optionally followed by ReLU (fused in the kernels);
 * - backward: C = Δ·W, the signal passed to the previous layer (before its ReLU′);
 * - update:   W ← W + α·Δᵀ·X, b ← b + α·Σ_rows Δ.
 *
 * Δ holds the *negative* loss gradient with respect to S (δ = onehot − softmax at the output, as
 * in the paper), so the update adds; SGD on the batch-mean loss uses α = η / B.
 *
 * @module
 */

import type { Kernels } from "../tensor/kernels.ts";
import type { Float, Matrix } from "../tensor/matrix.ts";

/** out ← x·wᵀ + b, then ReLU when `relu` is set. */
export function linearForward(k: Kernels, x: Matrix, w: Matrix, b: Float, out: Matrix, relu: boolean): void {
  k.gemm(false, true, 1, x, w, 0, out);
  if (relu) k.biasRelu(out, b);
  else k.biasAdd(out, b);
}

/** dx ← delta·w: the back-propagated signal for the layer's input. */
export function linearBackward(k: Kernels, delta: Matrix, w: Matrix, dx: Matrix): void {
  k.gemm(false, false, 1, delta, w, 0, dx);
}

/** w ← w + alpha·deltaᵀ·x and b ← b + alpha·(column sums of delta). */
export function linearUpdate(k: Kernels, alpha: number, delta: Matrix, x: Matrix, w: Matrix, b: Float): void {
  k.rankUpdate(alpha, delta, x, w);
  biasUpdate(alpha, delta, b);
}

/** b ← b + alpha·(column sums of delta), each sum accumulated in float64. */
export function biasUpdate(alpha: number, delta: Matrix, b: Float): void {
  for (let j = 0; j < b.length; j++) {
    let s = 0;
    for (let i = 0; i < delta.rows; i++) s += delta.data[delta.offset + i * delta.ld + j];
    b[j] += alpha * s;
  }
}
