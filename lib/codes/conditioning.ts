/**
 * Worst-case conditioning of a (P, Q) generator: the largest 2-norm condition number of its Q × Q
 * row-subsets, i.e. of every square system a decoder may have to solve after losing P − Q symbols.
 * Exact (every subset) when C(P, Q) ≤ `exactLimit` (default 100,000), otherwise the maximum over a
 * seeded uniform sample of `samples` subsets, reported as such.
 *
 * @example
 * ```ts
 * import { gaussianSystematic } from "./generators.ts";
 * import { worstConditionNumber } from "./conditioning.ts";
 * const c = worstConditionNumber(gaussianSystematic(7, 5, 1));
 * c.exact; // true: C(7, 5) = 21 subsets
 * c.value; // the worst κ₂ over those 21
 * ```
 *
 * @module
 */

import { Rng } from "../random/rng.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { conditionNumber, selectRows } from "../tensor/linalg.ts";

/** Result of {@link worstConditionNumber}. */
export interface Conditioning {
  /** Largest κ₂ found (Infinity if a subset is singular). */
  readonly value: number;
  /** The row subset that attains it. */
  readonly subset: readonly number[];
  /** Whether every Q-subset was examined. */
  readonly exact: boolean;
  /** Number of subsets examined. */
  readonly subsets: number;
  /** C(P, Q). */
  readonly total: number;
}

/** Binomial coefficient C(n, k) as a float (exact below 2^53). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** Calls `visit` with every k-subset of [0, n) in lexicographic order (the array is reused). */
export function forEachSubset(n: number, k: number, visit: (subset: readonly number[]) => void): void {
  const s = Array.from({ length: k }, (_, i) => i);
  if (k > n) return;
  while (true) {
    visit(s);
    let i = k - 1;
    while (i >= 0 && s[i] === n - k + i) i--;
    if (i < 0) return;
    s[i]++;
    for (let j = i + 1; j < k; j++) s[j] = s[j - 1] + 1;
  }
}

/** Options of {@link worstConditionNumber}. */
export interface ConditioningOptions {
  /** Examine every subset when there are at most this many (default 100,000). */
  exactLimit?: number;
  /** Sample size otherwise (default 20,000). */
  samples?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
}

/** Worst κ₂ over the Q-row subsets of a P × Q generator; see the module documentation. */
export function worstConditionNumber(g: Matrix, options: ConditioningOptions = {}): Conditioning {
  const { exactLimit = 100_000, samples = 20_000, seed = 1 } = options;
  const p = g.rows;
  const q = g.cols;
  const total = binomial(p, q);
  let value = 0;
  let subset: number[] = [];
  let count = 0;
  const consider = (s: readonly number[]) => {
    count++;
    const k = conditionNumber(selectRows(g, s));
    if (k > value || subset.length === 0) {
      value = k;
      subset = [...s];
    }
  };
  if (total <= exactLimit) {
    forEachSubset(p, q, consider);
    return { value, subset, exact: true, subsets: count, total };
  }
  const rng = Rng.named(seed, "conditioning-sample");
  for (let i = 0; i < samples; i++) consider(rng.sample(p, q));
  return { value, subset, exact: false, subsets: count, total };
}
