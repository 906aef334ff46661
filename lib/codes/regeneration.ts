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
import { selectRows, solve, transpose, zeros } from "../tensor/linalg.ts";
import { chooseRows } from "./clean-set.ts";
import { systematicRows } from "./decoder.ts";
import type { RegenerationPlan } from "./layer-code.ts";

/**
 * Q rows of `available` (well conditioned, systematic first) and the coefficients that give row
 * `target` of the code from them. Throws RangeError if fewer than Q rows are available.
 */
export function regenerationCoefficients(
  g: Matrix,
  target: number,
  available: readonly number[],
): { sources: number[]; coefficients: number[] } {
  const q = g.cols;
  const usable = available.filter((p) => p !== target);
  if (usable.length < q) {
    throw new RangeError(`regenerating needs ${q} intact peers, only ${usable.length} available`);
  }
  const sources = chooseRows(g, usable, systematicRows(g));
  // c·G_S = G[target]  ⇔  G_Sᵀ·cᵀ = G[target]ᵀ.
  const rhs = zeros(q, 1);
  for (let k = 0; k < q; k++) rhs.set(k, 0, g.get(target, k));
  const c = solve(transpose(selectRows(g, sources)), rhs);
  return { sources, coefficients: Array.from(c.data) };
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
