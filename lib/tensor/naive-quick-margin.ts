/**
 * The decoder's quick clean test (lib/codes/decoder.ts) in plain TypeScript: for one or two
 * syndrome rows h (r × n, row-major) over n symbols y_0 … y_{n−1}, every entry l < len gets
 * `s_j = Σ_i h[j·n + i]·y_i[l]`, summed in float64 from 0 with i = 0 … n − 1 in order (a separate
 * multiply and add per term), and the score `w_j = |s_j| = 0 ? 0 : |s_j|·inv_j` (an exact zero
 * passes even a zero threshold, where inv_j = Infinity). The margin is the largest score over all
 * entries and rows, or NaN when any score is NaN (the caller then re-tests in full).
 *
 * This is the readable reference of the wasm kernels' `syndromeMargin`, which gives the same
 * margin bit for bit; both have the type {@link QuickMargin}, which the decoder takes as an option.
 *
 * @example
 * ```ts
 * import { jsQuickMargin } from "./naive-quick-margin.ts";
 * const margin = jsQuickMargin();
 * const y = [Float32Array.of(1, 2), Float32Array.of(1, 2), Float32Array.of(-2, -4)];
 * const h = Float64Array.of(1, 1, 1); // one parity row: y0 + y1 + y2 = 0
 * margin(y, 3, h, 1e6, 0, 1, 2); // 0: every syndrome is exactly zero
 * ```
 *
 * @module
 */

import type { Float } from "./matrix.ts";

/**
 * The largest syndrome score of `len` entries (see the module documentation): symbols `ys[0 … n − 1]`
 * (at least `len` entries each), parity rows `h` (r × n float64, row-major), the rows' inverse
 * thresholds `inv0` and `inv1` (`inv1` is ignored for r = 1), r = 1 or 2.
 */
export type QuickMargin = (
  ys: readonly Float[],
  n: number,
  h: Float64Array,
  inv0: number,
  inv1: number,
  r: number,
  len: number,
) => number;

/**
 * The JS quick margin: {@link quickMargin2x8} for up to 8 float32 symbols and two rows (the grid
 * codes; the missing symbols are zeros with zero coefficients, which add exact zeros to the sums),
 * else {@link quickMargin2} or {@link quickMargin1}. Each call of the factory has its own small
 * workspaces (the zero symbol grows to the longest `len` seen).
 */
export function jsQuickMargin(): QuickMargin {
  let zeros = new Float32Array(0);
  const h8 = new Float64Array(16);
  const y8: Float32Array[] = new Array(8);
  return (ys, n, h, inv0, inv1, r, len) => {
    checkQuickMargin(ys, n, h, r, len);
    if (r === 1) return quickMargin1(ys, n, h, inv0, len);
    let float32 = n <= 8;
    for (let i = 0; i < n && float32; i++) float32 = ys[i] instanceof Float32Array;
    if (!float32) return quickMargin2(ys, n, h, inv0, inv1, len);
    if (zeros.length < len) zeros = new Float32Array(len);
    h8.fill(0);
    for (let i = 0; i < n; i++) {
      h8[i] = h[i];
      h8[8 + i] = h[n + i];
    }
    for (let i = 0; i < 8; i++) y8[i] = i < n ? ys[i] as Float32Array : zeros;
    const margin = quickMargin2x8(
      y8[0],
      y8[1],
      y8[2],
      y8[3],
      y8[4],
      y8[5],
      y8[6],
      y8[7],
      h8,
      inv0,
      inv1,
      len,
    );
    y8.fill(zeros);
    return margin;
  };
}

/** Throws a RangeError unless the arguments fit {@link QuickMargin}. */
export function checkQuickMargin(
  ys: readonly Float[],
  n: number,
  h: Float64Array,
  r: number,
  len: number,
): void {
  if (!(r === 1 || r === 2)) throw new RangeError(`quick margin: r must be 1 or 2, got ${r}`);
  if (!(Number.isInteger(n) && n >= 1 && n <= ys.length)) {
    throw new RangeError(`quick margin: n = ${n} symbols, ${ys.length} given`);
  }
  if (!(Number.isInteger(len) && len >= 0)) throw new RangeError(`quick margin: length ${len}`);
  if (h.length < r * n) throw new RangeError(`quick margin: h holds ${h.length} < ${r}·${n} coefficients`);
  for (let i = 0; i < n; i++) {
    if (!(ys[i].length >= len)) {
      throw new RangeError(`quick margin: symbol ${i} has ${ys[i].length} < ${len}`);
    }
  }
}

/**
 * Largest |syndrome| / threshold over `len` entries for two syndrome rows (h: 2 × n, row-major),
 * each syndrome summed in float64 over the n symbols in order; an exact zero scores 0 (it passes
 * even a zero threshold). NaN as soon as a value is not comparable (the caller re-tests in full).
 */
export function quickMargin2(
  ys: readonly Float[],
  n: number,
  h: Float64Array,
  inv0: number,
  inv1: number,
  len: number,
): number {
  let margin = 0;
  for (let l = 0; l < len; l++) {
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < n; i++) {
      const y = ys[i][l];
      s0 += h[i] * y;
      s1 += h[n + i] * y;
    }
    const a0 = Math.abs(s0);
    const a1 = Math.abs(s1);
    const w0 = a0 === 0 ? 0 : a0 * inv0;
    const w1 = a1 === 0 ? 0 : a1 * inv1;
    if (w0 > margin) margin = w0;
    if (w1 > margin) margin = w1;
    if (w0 !== w0 || w1 !== w1) return NaN;
  }
  return margin;
}

/** {@link quickMargin2} for exactly 8 float32 symbols, unrolled (h: 2 × 8, row-major). */
export function quickMargin2x8(
  y0: Float32Array,
  y1: Float32Array,
  y2: Float32Array,
  y3: Float32Array,
  y4: Float32Array,
  y5: Float32Array,
  y6: Float32Array,
  y7: Float32Array,
  h: Float64Array,
  inv0: number,
  inv1: number,
  len: number,
): number {
  const [a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7] = h;
  let margin = 0;
  for (let l = 0; l < len; l++) {
    const v0 = y0[l], v1 = y1[l], v2 = y2[l], v3 = y3[l];
    const v4 = y4[l], v5 = y5[l], v6 = y6[l], v7 = y7[l];
    let s0 = 0;
    s0 += a0 * v0;
    s0 += a1 * v1;
    s0 += a2 * v2;
    s0 += a3 * v3;
    s0 += a4 * v4;
    s0 += a5 * v5;
    s0 += a6 * v6;
    s0 += a7 * v7;
    let s1 = 0;
    s1 += b0 * v0;
    s1 += b1 * v1;
    s1 += b2 * v2;
    s1 += b3 * v3;
    s1 += b4 * v4;
    s1 += b5 * v5;
    s1 += b6 * v6;
    s1 += b7 * v7;
    const c0 = Math.abs(s0);
    const c1 = Math.abs(s1);
    const w0 = c0 === 0 ? 0 : c0 * inv0;
    const w1 = c1 === 0 ? 0 : c1 * inv1;
    if (w0 > margin) margin = w0;
    if (w1 > margin) margin = w1;
    if (w0 !== w0 || w1 !== w1) return NaN;
  }
  return margin;
}

/** {@link quickMargin2} for one syndrome row. */
export function quickMargin1(
  ys: readonly Float[],
  n: number,
  h: Float64Array,
  inv0: number,
  len: number,
): number {
  let margin = 0;
  for (let l = 0; l < len; l++) {
    let s0 = 0;
    for (let i = 0; i < n; i++) s0 += h[i] * ys[i][l];
    const a0 = Math.abs(s0);
    const w0 = a0 === 0 ? 0 : a0 * inv0;
    if (w0 > margin) margin = w0;
    if (w0 !== w0) return NaN;
  }
  return margin;
}
