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
 * @module
 */

import type { Float } from "../../tensor/matrix.ts";

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

/** Σ a[k]² over the first n entries, in float64 (the 1 × 1 {@link gram}, same order). */
function selfDot(a: Float, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[k] * a[k];
  return s;
}

/**
 * The one-sample update `sq[i] += 2α·v_i·w_i + α²·v_i²·g` for i < n, skipping v_i = 0, with the
 * same operations in the same order as the batched loops (so the same rounding).
 */
function updateOne(sq: Float64Array, alpha: number, v: Float, w: Float, g: number, n: number): void {
  const a2 = 2 * alpha;
  const aa = alpha * alpha;
  for (let i = 0; i < n; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    sq[i] += a2 * (vi * w[i]) + aa * (vi * v[i] * g);
  }
}

/** Squared norms of one layer's rows and columns, and the update rule above. */
export class LayerNorms {
  /** ‖W_i‖² for each of the N rows. */
  readonly rowSq: Float64Array;
  /** ‖W^j‖² for each of the preN columns. */
  readonly colSq: Float64Array;
  readonly #gram: Float64Array;

  constructor(readonly rows: number, readonly cols: number, maxBatch: number) {
    this.rowSq = new Float64Array(rows);
    this.colSq = new Float64Array(cols);
    this.#gram = new Float64Array(maxBatch * maxBatch);
  }

  /** Safe bound on every row's 2-norm (a relative margin covers the storage rounding of updates). */
  get rowBound(): number {
    return maxSqrt(this.rowSq);
  }

  /** Safe bound on every column's 2-norm. */
  get colBound(): number {
    return maxSqrt(this.colSq);
  }

  /** Rows after the update: `delta` b × N, `x` b × preN, `pre` = X·Wᵀ (b × N), all row-major. */
  updateRows(alpha: number, delta: Float, x: Float, pre: Float, b: number): void {
    const { rows: n, cols: m } = this;
    if (b === 1) {
      updateOne(this.rowSq, alpha, delta, pre, selfDot(x, m), n);
      return;
    }
    const g = this.#gram;
    gram(x, b, m, g);
    for (let i = 0; i < n; i++) {
      let linear = 0;
      let quad = 0;
      for (let p = 0; p < b; p++) {
        const dp = delta[p * n + i];
        if (dp === 0) continue;
        linear += dp * pre[p * n + i];
        for (let q = 0; q < b; q++) quad += dp * delta[q * n + i] * g[p * b + q];
      }
      this.rowSq[i] += 2 * alpha * linear + alpha * alpha * quad;
    }
  }

  /** Columns after the update: `c` = Δ·W (b × preN) decoded before it. */
  updateCols(alpha: number, delta: Float, x: Float, c: Float, b: number): void {
    const { rows: n, cols: m } = this;
    if (b === 1) {
      updateOne(this.colSq, alpha, x, c, selfDot(delta, n), m);
      return;
    }
    const g = this.#gram;
    gram(delta, b, n, g);
    for (let j = 0; j < m; j++) {
      let linear = 0;
      let quad = 0;
      for (let p = 0; p < b; p++) {
        const xp = x[p * m + j];
        if (xp === 0) continue;
        linear += xp * c[p * m + j];
        for (let q = 0; q < b; q++) quad += xp * x[q * m + j] * g[p * b + q];
      }
      this.colSq[j] += 2 * alpha * linear + alpha * alpha * quad;
    }
  }

  /** Copies another tracker's norms (snapshot / roll-back). */
  copyFrom(other: LayerNorms): void {
    this.rowSq.set(other.rowSq);
    this.colSq.set(other.colSq);
  }
}

/** 1.001 · √max(v): the relative margin covers float32 storage rounding over many updates. */
function maxSqrt(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > m) m = v[i];
  return 1.001 * Math.sqrt(m);
}
