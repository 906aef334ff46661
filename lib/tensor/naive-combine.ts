/**
 * Linear combinations of equally shaped matrices, formed in float64 and compared as stored: what a
 * regeneration does (lib/codes/regeneration.ts) when it rebuilds a block from its peers and
 * cross-checks the result with a second combination. This is the readable reference of the wasm
 * kernels' `combineAndCompare`, which gives the same numbers bit for bit.
 *
 * @example
 * ```ts
 * import { Matrix } from "./matrix.ts";
 * import { naiveCombineAndCompare } from "./naive-combine.ts";
 * const a = Matrix.from(1, 2, [1, 2], "float32");
 * const b = Matrix.from(1, 2, [3, 4], "float32");
 * const out = Matrix.zeros(1, 2, "float32");
 * const r = naiveCombineAndCompare(
 *   { matrices: [a, b], coefficients: [1, 1] },
 *   { matrices: [b, a], coefficients: [2, -2] },
 *   out,
 * );
 * // out = a + b = [4, 6]; the second combination is [4, 4]: difference 2; peaks 2 (a) and 4 (b)
 * r.difference; // 2
 * ```
 *
 * @module
 */

import type { Matrix } from "./matrix.ts";

/** Σ_k coefficients[k] · matrices[k], the terms added in this order. */
export interface LinearCombination {
  readonly matrices: readonly Matrix[];
  readonly coefficients: readonly number[];
}

/** What {@link naiveCombineAndCompare} measured besides its output. */
export interface CombineReport {
  /**
   * The largest |first − second| over all entries, both rounded to the output's type and their
   * difference taken in float64 (NaN when any entry of either is NaN; 0 without a second).
   */
  readonly difference: number;
  /** max |entry| of every matrix of either combination (NaN when it holds a NaN). */
  readonly peaks: ReadonlyMap<Matrix, number>;
}

/** The signature {@link naiveCombineAndCompare} and the wasm kernels' `combineAndCompare` share. */
export type CombineAndCompare = (
  first: LinearCombination,
  second: LinearCombination | null,
  out: Matrix,
) => CombineReport;

/**
 * `out ← Σ_k first.coefficients[k]·first.matrices[k]`, accumulated in float64 from 0 in the terms'
 * order and rounded once to out's type; with `second`, the same sum over its terms is compared
 * with it (see {@link CombineReport}). Every matrix must have out's shape.
 */
export function naiveCombineAndCompare(
  first: LinearCombination,
  second: LinearCombination | null,
  out: Matrix,
): CombineReport {
  const all = combinationMatrices(first, second, out);
  const peaks = new Map(all.map((m) => [m, maxAbs(m)]));
  const a = new Float64Array(out.cols);
  const b = new Float64Array(out.cols);
  const stored = out.data instanceof Float32Array ? new Float32Array(2) : new Float64Array(2);
  let difference = 0;
  for (let i = 0; i < out.rows; i++) {
    combineRow(first, i, a);
    if (second) {
      combineRow(second, i, b);
      for (let j = 0; j < out.cols; j++) {
        stored[0] = a[j];
        stored[1] = b[j];
        difference = Math.max(difference, Math.abs(stored[0] - stored[1]));
      }
    }
    out.data.set(a, out.offset + i * out.ld);
  }
  return { difference, peaks };
}

/**
 * The distinct matrices of both combinations (first's, then second's new ones), or throws a
 * RangeError unless every combination has one coefficient per matrix and every matrix out's shape
 * and type.
 */
export function combinationMatrices(
  first: LinearCombination,
  second: LinearCombination | null,
  out: Matrix,
): Matrix[] {
  const terms = second ? [first, second] : [first];
  for (const c of terms) {
    if (c.coefficients.length !== c.matrices.length) {
      throw new RangeError(`${c.coefficients.length} coefficients for ${c.matrices.length} matrices`);
    }
  }
  const all = [...new Set(terms.flatMap((c) => c.matrices))];
  for (const m of all) {
    if (m.rows !== out.rows || m.cols !== out.cols || m.dtype !== out.dtype) {
      throw new RangeError(
        `combination of a ${m.rows}×${m.cols} ${m.dtype} matrix into a ${out.rows}×${out.cols} ${out.dtype} one`,
      );
    }
  }
  return all;
}

/** acc = Σ_k c.coefficients[k] · row i of c.matrices[k], in that order, in float64. */
function combineRow(c: LinearCombination, i: number, acc: Float64Array): void {
  acc.fill(0);
  const n = acc.length;
  for (let k = 0; k < c.matrices.length; k++) {
    const coefficient = c.coefficients[k];
    const m = c.matrices[k];
    const data = m.data;
    const at = m.offset + i * m.ld;
    for (let j = 0; j < n; j++) acc[j] += coefficient * data[at + j];
  }
}

/** max |entry| of a matrix (NaN when it holds a NaN). */
function maxAbs(m: Matrix): number {
  let v = 0;
  const data = m.data;
  for (let i = 0; i < m.rows; i++) {
    const at = m.offset + i * m.ld;
    for (let j = 0; j < m.cols; j++) v = Math.max(v, Math.abs(data[at + j]));
  }
  return v;
}
