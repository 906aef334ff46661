/**
 * The hot loop of the node program's norm tracking (lib/cluster/node/norms.ts) as a small kernel
 * set: the readable reference `naiveNormKernels`, which the wasm kernels' `squaredNormUpdate`
 * matches bit for bit.
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
};

/** The largest entry of `a` and 0, NaN entries skipped (`if (a[i] > m) m = a[i]` from m = 0). */
export function maxSkipNaN(a: Float): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

/** Throws unless v and w hold an entry for every entry of sq. */
export function checkNormOperands(sq: Float64Array, v: Float, w: Float): void {
  if (v.length < sq.length || w.length < sq.length) {
    throw new RangeError(`squaredNormUpdate: ${sq.length} norms, v ${v.length}, w ${w.length}`);
  }
}
