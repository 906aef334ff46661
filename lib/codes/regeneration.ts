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

import type { Matrix } from "../tensor/matrix.ts";
import {
  type CombineAndCompare,
  type LinearCombination,
  naiveCombineAndCompare,
} from "../tensor/naive-combine.ts";
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
export function regenerate(
  plan: RegenerationPlan,
  blocks: readonly Matrix[],
  out: Matrix,
  combine: CombineAndCompare = naiveCombineAndCompare,
): void {
  combine(combinationOf(plan, blocks), null, out);
}

/**
 * Rebuilds `out` by `plan` from `blocks` and, where the plan has a cross-check, rebuilds it again
 * from the check's peers: false when the two differ by more than rounding can explain (relative
 * to Σ|c|·max|block| of both combinations: 1e-2 in float32, whose stored blocks drift apart by
 * rounding over many updates, 1e-8 in float64), i.e. a peer's block is corrupted too; `out` then
 * holds the first combination, which must not be used. `combine` forms the combinations: the
 * naive reference by default, the wasm kernels' `combineAndCompare` in the node program (the same
 * numbers bit for bit).
 */
export function regenerateChecked(
  plan: RegenerationPlan,
  blocks: readonly Matrix[],
  out: Matrix,
  combine: CombineAndCompare = naiveCombineAndCompare,
): boolean {
  const { check } = plan;
  const first = combinationOf(plan, blocks);
  if (!check) {
    combine(first, null, out);
    return true;
  }
  const second = combinationOf(check, blocks);
  const { difference, peaks } = combine(first, second, out);
  let scale = 0;
  for (const c of [first, second]) {
    c.matrices.forEach((m, k) => (scale += Math.abs(c.coefficients[k]) * peaks.get(m)!));
  }
  return difference <= (out.data instanceof Float32Array ? 1e-2 : 1e-8) * scale;
}

/** The combination of `blocks` a plan (or its check) names. */
function combinationOf(
  plan: { readonly sources: readonly number[]; readonly coefficients: readonly number[] },
  blocks: readonly Matrix[],
): LinearCombination {
  return { matrices: plan.sources.map((s) => blocks[s]), coefficients: plan.coefficients };
}
