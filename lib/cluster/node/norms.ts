/**
 * Exact squared row and column norms of a layer's weights, tracked through SGD updates without
 * reading the weights: the bounds the decoder's tolerance is scaled by (lib/codes/tolerance.ts).
 *
 * For the update W ← W + α·Δᵀ·X (Δ: b × N, X: b × preN) with P = X·Wᵀ and C = Δ·W taken before it
 * (the decoded products of the step):
 *
 *   ‖W_i‖²  += 2α Σ_b Δ_bi P_bi + α² Σ_{b,b′} Δ_bi Δ_b′i (X·Xᵀ)_bb′
 *   ‖W^j‖²  += 2α Σ_b X_bj C_bj + α² Σ_{b,b′} X_bj X_b′j (Δ·Δᵀ)_bb′
 *
 * which is exact in real arithmetic (expand the square of each updated row or column). The inputs
 * are values every node already holds after decoding, so every node tracks the same norms.
 *
 * The one-sample update, its input's squared norm and the maxima run on a {@link NormKernels} set
 * (the node program passes its wasm kernels; the reference loops by default), with the same
 * rounding either way. (In JavaScript, that squared norm ran up to six times slower once V8 had
 * inlined it into the update at its mid tier, Maglev, for the rest of the run.)
 *
 * @module
 */

import type { Float } from "../../tensor/matrix.ts";
import { maxSkipNaN, naiveNormKernels, type NormKernels } from "../../tensor/naive-norms.ts";

/** Gram matrix G = A·Aᵀ of the first `b` rows of a row-major b × n array, in float64. */
function gram(a: Float, b: number, n: number, out: Float64Array): void {
  for (let p = 0; p < b; p++) {
    for (let q = p; q < b; q++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[p * n + k] * a[q * n + k];
      out[p * b + q] = s;
      out[q * b + p] = s;
    }
  }
}

/**
 * Squared norms of one layer's rows and columns, and the update rule above. The largest of each
 * is kept from the one-sample update (which returns it) until someone may write the arrays:
 * reading {@link rowSq} or {@link colSq} (to fill, copy or save them) forgets it, and the next
 * bound scans the array again.
 */
export class LayerNorms {
  readonly #rowSq: Float64Array;
  readonly #colSq: Float64Array;
  /** The largest entry of each array and 0 (NaN skipped), or NaN when not known. */
  #rowMax = NaN;
  #colMax = NaN;
  readonly #gram: Float64Array;
  readonly #k: NormKernels;

  constructor(readonly rows: number, readonly cols: number, maxBatch: number, kernels = naiveNormKernels) {
    this.#k = kernels;
    this.#rowSq = kernels.vector(rows, "float64") as Float64Array;
    this.#colSq = kernels.vector(cols, "float64") as Float64Array;
    this.#gram = new Float64Array(maxBatch * maxBatch);
  }

  /** ‖W_i‖² for each of the N rows (to read or write; the kept maximum is recomputed after). */
  get rowSq(): Float64Array {
    this.#rowMax = NaN;
    return this.#rowSq;
  }

  /** ‖W^j‖² for each of the preN columns (as {@link rowSq}). */
  get colSq(): Float64Array {
    this.#colMax = NaN;
    return this.#colSq;
  }

  /**
   * Safe bound on every row's 2-norm: 1.001·√(largest squared norm); the relative margin covers
   * the float32 storage rounding of many updates.
   */
  get rowBound(): number {
    if (Number.isNaN(this.#rowMax)) this.#rowMax = maxSkipNaN(this.#rowSq);
    return 1.001 * Math.sqrt(this.#rowMax);
  }

  /** Safe bound on every column's 2-norm (as {@link rowBound}). */
  get colBound(): number {
    if (Number.isNaN(this.#colMax)) this.#colMax = maxSkipNaN(this.#colSq);
    return 1.001 * Math.sqrt(this.#colMax);
  }

  /** Rows after the update: `delta` b × N, `x` b × preN, `pre` = X·Wᵀ (b × N), all row-major. */
  updateRows(alpha: number, delta: Float, x: Float, pre: Float, b: number): void {
    const { rows: n, cols: m } = this;
    if (b === 1) {
      this.#rowMax = this.#k.squaredNormUpdate(this.#rowSq, alpha, delta, pre, this.#k.squaredNorm(x, m));
      return;
    }
    const g = this.#gram;
    gram(x, b, m, g);
    const sq = this.rowSq;
    for (let i = 0; i < n; i++) {
      let linear = 0;
      let quad = 0;
      for (let p = 0; p < b; p++) {
        const dp = delta[p * n + i];
        if (dp === 0) continue;
        linear += dp * pre[p * n + i];
        for (let q = 0; q < b; q++) quad += dp * delta[q * n + i] * g[p * b + q];
      }
      sq[i] += 2 * alpha * linear + alpha * alpha * quad;
    }
  }

  /** Columns after the update: `c` = Δ·W (b × preN) decoded before it. */
  updateCols(alpha: number, delta: Float, x: Float, c: Float, b: number): void {
    const { rows: n, cols: m } = this;
    if (b === 1) {
      this.#colMax = this.#k.squaredNormUpdate(this.#colSq, alpha, x, c, this.#k.squaredNorm(delta, n));
      return;
    }
    const g = this.#gram;
    gram(delta, b, n, g);
    const sq = this.colSq;
    for (let j = 0; j < m; j++) {
      let linear = 0;
      let quad = 0;
      for (let p = 0; p < b; p++) {
        const xp = x[p * m + j];
        if (xp === 0) continue;
        linear += xp * c[p * m + j];
        for (let q = 0; q < b; q++) quad += xp * x[q * m + j] * g[p * b + q];
      }
      sq[j] += 2 * alpha * linear + alpha * alpha * quad;
    }
  }

  /** Copies another tracker's norms (snapshot / roll-back). */
  copyFrom(other: LayerNorms): void {
    this.#rowSq.set(other.#rowSq);
    this.#colSq.set(other.#colSq);
    this.#rowMax = other.#rowMax;
    this.#colMax = other.#colMax;
  }
}
