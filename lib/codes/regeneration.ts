/**
 * Regeneration of a stored block from its peers. In a code whose stored blocks form a codeword of
 * a (P, Q) MDS code with generator G (a grid column under Gr, a grid row under Gc, all PolyDot
 * blocks under the Vandermonde matrix of degree mn − 1), block t is a fixed combination of any Q
 * others: `W̃_t = Σ_{s∈S} c_s · W̃_s` with `c = G[t] · G_S⁻¹`.
 *
 * @example
 * ```ts
 * import { gaussianSystematic } from "./generators.ts";
 * import { regenerationCoefficients } from "./regeneration.ts";
 * const gr = gaussianSystematic(7, 5, 1);
 * // Rebuild grid row 2's block of a column from the other six rows:
 * const { sources, coefficients } = regenerationCoefficients(gr, 2, [0, 1, 3, 4, 5, 6]);
 * ```
 *
 * @module
 */

import { Matrix } from "../tensor/matrix.ts";
import { selectRows, solve, transpose, zeros } from "../tensor/linalg.ts";
import { chooseRows } from "./clean-set.ts";
import { systematicRows } from "./decoder.ts";
import type { RegenerationPlan } from "./layer-code.ts";

/**
 * Q rows of `available` (well conditioned, systematic first) and the coefficients that give row
 * `target` of the code from them; with a spare row, also a `check`: a second combination over
 * another Q rows, for cross-checking the peers. Throws RangeError if fewer than Q rows are available.
 */
export function regenerationCoefficients(
  g: Matrix,
  target: number,
  available: readonly number[],
): { sources: number[]; coefficients: number[]; check?: { sources: number[]; coefficients: number[] } } {
  const q = g.cols;
  const usable = available.filter((p) => p !== target);
  if (usable.length < q) {
    throw new RangeError(`regenerating needs ${q} intact peers, only ${usable.length} available`);
  }
  const sources = chooseRows(g, usable, systematicRows(g));
  const coefficients = combination(g, target, sources);
  if (usable.length === q) return { sources, coefficients };
  // A second combination that leaves out one of the first's peers and takes in a spare one: the
  // two agree unless a peer is itself corrupted (its error enters them with different weights).
  const others = usable.filter((p) => p !== sources[0]);
  const checkSources = chooseRows(g, others, systematicRows(g));
  return {
    sources,
    coefficients,
    check: { sources: checkSources, coefficients: combination(g, target, checkSources) },
  };
}

/** The coefficients c with c·G_S = G[target] (G_Sᵀ·cᵀ = G[target]ᵀ). */
function combination(g: Matrix, target: number, sources: readonly number[]): number[] {
  const q = g.cols;
  const rhs = zeros(q, 1);
  for (let k = 0; k < q; k++) rhs.set(k, 0, g.get(target, k));
  return Array.from(solve(transpose(selectRows(g, sources)), rhs).data);
}

/** Applies a regeneration plan: `out = Σ coefficients[k] · blocks[sources[k]]` (float64 accumulation). */
export function regenerate(plan: RegenerationPlan, blocks: readonly Matrix[], out: Matrix): void {
  const acc = new Float64Array(out.cols);
  for (let i = 0; i < out.rows; i++) {
    combineRow(plan.sources, plan.coefficients, blocks, i, acc);
    out.data.set(acc, out.offset + i * out.ld);
  }
}

/**
 * Rebuilds `out` by `plan` from `blocks` and, where the plan has a cross-check, rebuilds it again
 * from the check's peers: false when the two differ by more than rounding can explain (relative
 * to Σ|c|·max|block| of both combinations: 1e-2 in float32, whose stored blocks drift apart by
 * rounding over many updates, 1e-8 in float64), i.e. a peer's block is corrupted too. Works row by
 * row (two float64 rows of scratch, no block-sized allocation); on false, `out` is partly rebuilt.
 */
export function regenerateChecked(plan: RegenerationPlan, blocks: readonly Matrix[], out: Matrix): boolean {
  const { check } = plan;
  if (!check) {
    regenerate(plan, blocks, out);
    return true;
  }
  const peak = new Map<number, number>();
  for (const s of new Set([...plan.sources, ...check.sources])) peak.set(s, maxAbs(blocks[s]));
  let scale = 0;
  plan.sources.forEach((s, k) => (scale += Math.abs(plan.coefficients[k]) * peak.get(s)!));
  check.sources.forEach((s, k) => (scale += Math.abs(check.coefficients[k]) * peak.get(s)!));
  const tolerance = (out.data instanceof Float32Array ? 1e-2 : 1e-8) * scale;
  const acc = new Float64Array(out.cols);
  const other = new Float64Array(out.cols);
  const stored = out.data instanceof Float32Array ? new Float32Array(2) : new Float64Array(2);
  for (let i = 0; i < out.rows; i++) {
    combineRow(plan.sources, plan.coefficients, blocks, i, acc);
    combineRow(check.sources, check.coefficients, blocks, i, other);
    for (let j = 0; j < out.cols; j++) {
      // Both compared as stored (rounded to the block's type), as the two rebuilt blocks were.
      stored[0] = acc[j];
      stored[1] = other[j];
      if (!(Math.abs(stored[0] - stored[1]) <= tolerance)) return false;
    }
    out.data.set(acc, out.offset + i * out.ld);
  }
  return true;
}

/** acc = Σ_k coefficients[k] · row i of blocks[sources[k]], in that order, in float64. */
function combineRow(
  sources: readonly number[],
  coefficients: readonly number[],
  blocks: readonly Matrix[],
  i: number,
  acc: Float64Array,
): void {
  acc.fill(0);
  const n = acc.length;
  for (let k = 0; k < sources.length; k++) {
    const c = coefficients[k];
    const m = blocks[sources[k]];
    const data = m.data;
    const at = m.offset + i * m.ld;
    for (let j = 0; j < n; j++) acc[j] += c * data[at + j];
  }
}

/** max |entry| of a matrix. */
function maxAbs(m: Matrix): number {
  let v = 0;
  const data = m.data;
  for (let i = 0; i < m.rows; i++) {
    const at = m.offset + i * m.ld;
    for (let j = 0; j < m.cols; j++) v = Math.max(v, Math.abs(data[at + j]));
  }
  return v;
}
