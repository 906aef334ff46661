/**
 * The hot loop of the node program's norm tracking (lib/cluster/node/norms.ts) as a small kernel
 * set: the readable reference `naiveNormKernels`, which the wasm kernels' `squaredNormUpdate` and
 * `squaredNorm` match bit for bit.
 *
 * @example
 * ```ts
 * import { naiveNormKernels } from "./naive-norms.ts";
 * const sq = Float64Array.of(4, 9);
 * naiveNormKernels.squaredNormUpdate(sq, 0.5, Float64Array.of(1, 0), Float64Array.of(2, 7), 3); // 9
 * sq[0]; // 4 + 2·0.5·(1·2) + 0.25·(1·1·3) = 6.75; sq[1] stays 9 (its v is 0)
 * ```
 *
 * @module
 */

import type { DType, Float } from "./matrix.ts";

/** The norm-tracking loop a kernel set may run faster, and where its arrays live best. */
export interface NormKernels {
  /** A zeroed vector in the memory these kernels run on fastest (the norms ask for float64). */
  vector(length: number, dtype: DType): Float;
  /**
   * sq[i] ← sq[i] + (2α·(v_i·w_i) + α²·((v_i·v_i)·g)) for every i < sq.length with v_i ≠ 0, in
   * float64 with exactly these operations in this order (entries with v_i = 0 are not touched,
   * even when w_i is not finite). v and w hold at least sq.length entries. Returns
   * {@link maxSkipNaN} of sq after the update (the largest squared norm, for the decoder's tolerance).
   */
  squaredNormUpdate(sq: Float64Array, alpha: number, v: Float, w: Float, g: number): number;
  /**
   * Σ x[k]² over k < n, in float64 and in this order: four partial sums s_j (j = 0 … 3) take
   * x[k]·x[k] for the k ≡ j (mod 4) below n − n mod 4, in increasing k; then
   * (s_0 + s_2) + (s_1 + s_3), to which the last n mod 4 squares are added one by one. (The order
   * of the wasm kernel's two float64x2 accumulators.)
   */
  squaredNorm(x: Float, n: number): number;
}

/** The reference {@link NormKernels} over plain typed arrays. */
export const naiveNormKernels: NormKernels = {
  vector(length: number, dtype: DType): Float {
    return dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
  },
  squaredNormUpdate(sq: Float64Array, alpha: number, v: Float, w: Float, g: number): number {
    checkNormOperands(sq, v, w);
    const a2 = 2 * alpha;
    const aa = alpha * alpha;
    for (let i = 0; i < sq.length; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      sq[i] += a2 * (vi * w[i]) + aa * (vi * vi * g);
    }
    return maxSkipNaN(sq);
  },
  squaredNorm(x: Float, n: number): number {
    checkNormLength(x, n);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const end = n - (n % 4);
    let k = 0;
    for (; k < end; k += 4) {
      s0 += x[k] * x[k];
      s1 += x[k + 1] * x[k + 1];
      s2 += x[k + 2] * x[k + 2];
      s3 += x[k + 3] * x[k + 3];
    }
    let s = (s0 + s2) + (s1 + s3);
    for (; k < n; k++) s += x[k] * x[k];
    return s;
  },
};

/** The largest entry of `a` and 0, NaN entries skipped (`if (a[i] > m) m = a[i]` from m = 0). */
export function maxSkipNaN(a: Float): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

/** Throws unless `x` holds at least n ≥ 0 entries (n an integer). */
export function checkNormLength(x: Float, n: number): void {
  if (!(Number.isInteger(n) && n >= 0 && n <= x.length)) {
    throw new RangeError(`squaredNorm: ${n} entries asked of a vector of ${x.length}`);
  }
}

/** Throws unless v and w hold an entry for every entry of sq. */
export function checkNormOperands(sq: Float64Array, v: Float, w: Float): void {
  if (v.length < sq.length || w.length < sq.length) {
    throw new RangeError(`squaredNormUpdate: ${sq.length} norms, v ${v.length}, w ${w.length}`);
  }
}
