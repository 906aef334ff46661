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
    acc.fill(0);
    plan.sources.forEach((src, k) => {
      const c = plan.coefficients[k];
      const row = blocks[src].row(i);
      for (let j = 0; j < out.cols; j++) acc[j] += c * row[j];
    });
    out.row(i).set(acc);
  }
}

/**
 * Rebuilds `out` by `plan` from `blocks` and, where the plan has a cross-check, rebuilds it again
 * from the check's peers: false when the two differ by more than rounding can explain (relative
 * to Σ|c|·max|block| of both combinations: 1e-2 in float32, whose stored blocks drift apart by
 * rounding over many updates, 1e-8 in float64), i.e. a peer's block is corrupted too.
 */
export function regenerateChecked(plan: RegenerationPlan, blocks: readonly Matrix[], out: Matrix): boolean {
  regenerate(plan, blocks, out);
  if (!plan.check) return true;
  const check = new Matrix(
    out.data instanceof Float32Array
      ? new Float32Array(out.rows * out.cols)
      : new Float64Array(out.rows * out.cols),
    out.rows,
    out.cols,
  );
  regenerate({ node: plan.node, ...plan.check }, blocks, check);
  const maxAbs = (m: Matrix) => {
    let v = 0;
    for (let i = 0; i < m.rows; i++) for (const x of m.row(i)) v = Math.max(v, Math.abs(x));
    return v;
  };
  let scale = 0;
  plan.sources.forEach((s, k) => (scale += Math.abs(plan.coefficients[k]) * maxAbs(blocks[s])));
  plan.check.sources.forEach((s, k) => (scale += Math.abs(plan.check!.coefficients[k]) * maxAbs(blocks[s])));
  const tolerance = (out.data instanceof Float32Array ? 1e-2 : 1e-8) * scale;
  for (let i = 0; i < out.rows; i++) {
    const a = out.row(i);
    const b = check.row(i);
    for (let j = 0; j < out.cols; j++) {
      if (!(Math.abs(a[j] - b[j]) <= tolerance)) return false;
    }
  }
  return true;
}
