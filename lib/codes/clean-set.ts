/**
 * Everything the decoder precomputes for one set C of symbols it treats as clean (all symbols
 * minus erasures minus located errors): a parity-check matrix of the code restricted to C, the
 * weights that turn a {@link DecodeTolerance} into per-syndrome thresholds, and the decode plan
 * (which Q symbols of C to decode from and with which coefficients).
 *
 * Built once per distinct set (the decoder caches them), so a decode step allocates nothing.
 *
 * @module
 */

import type { Matrix } from "../tensor/matrix.ts";
import { inverse, multiply, orthogonalComplement, selectRows, zeros } from "../tensor/linalg.ts";
import type { DecodeTolerance } from "./tolerance.ts";

const U64 = 2 ** -53;

/** Σ|v_i|, the 1-norm of a vector (here: of a generator row). */
export function absSum(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]);
  return s;
}

/** Precomputed data of one clean set; see the module documentation. */
export interface CleanSet {
  /** Symbol indices of the set, increasing. */
  readonly members: Int32Array;
  /** Redundancy left: members − Q (the number of syndrome rows). */
  readonly redundancy: number;
  /** Parity check, redundancy × members, orthonormal rows, `H · G_C ≈ 0` (row-major). */
  readonly parity: Float64Array;
  /** Per syndrome row j: `Σ_p |H[j][p]| · ‖G[p]‖₁` (how clean-symbol errors add up). */
  readonly noiseWeight: Float64Array;
  /** Per syndrome row j: float64 rounding of the syndrome and the residual `|H·G|`, per unit scale. */
  readonly roundingWeight: Float64Array;
  /** The Q symbols the message is decoded from (systematic ones first, then best conditioned). */
  readonly decodeFrom: Int32Array;
  /** Position of each of them in `members`. */
  readonly decodePositions: Int32Array;
  /** wanted × Q coefficients: wanted message row w = Σ_s decodeRows[w][s] · symbol decodeFrom[s]. */
  readonly decodeRows: Float64Array;
  /** Per wanted row: the systematic symbol to copy verbatim, or −1 to combine with decodeRows. */
  readonly copyFrom: Int32Array;
}

/**
 * Q of `members` to decode from: every systematic symbol present, then greedily the member whose
 * generator row has the largest component outside the span of those already chosen (a pivoted
 * Gram–Schmidt, which keeps the Q × Q system well conditioned).
 */
export function chooseRows(g: Matrix, members: ArrayLike<number>, systematicOf: Int32Array): number[] {
  const q = g.cols;
  const chosen: number[] = [];
  const basis: Float64Array[] = [];
  const add = (p: number) => {
    const v = Float64Array.from(g.row(p));
    for (const b of basis) {
      let d = 0;
      for (let k = 0; k < q; k++) d += b[k] * v[k];
      for (let k = 0; k < q; k++) v[k] -= d * b[k];
    }
    let norm = 0;
    for (let k = 0; k < q; k++) norm = Math.hypot(norm, v[k]);
    for (let k = 0; k < q; k++) v[k] /= norm;
    basis.push(v);
    chosen.push(p);
  };
  const isMember = new Set(Array.from(members));
  for (let k = 0; k < q; k++) if (systematicOf[k] >= 0 && isMember.has(systematicOf[k])) add(systematicOf[k]);
  while (chosen.length < q) {
    let best = -1;
    let bestScore = -1;
    for (const p of Array.from(members)) {
      if (chosen.includes(p)) continue;
      const row = g.row(p);
      let total = 0;
      for (let k = 0; k < q; k++) total += row[k] * row[k];
      let inSpan = 0;
      for (const b of basis) {
        let d = 0;
        for (let k = 0; k < q; k++) d += b[k] * row[k];
        inSpan += d * d;
      }
      const score = total === 0 ? 0 : Math.max(0, total - inSpan) / total;
      if (score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
    add(best);
  }
  return chosen;
}

/**
 * Builds the clean-set data for `members` (at least Q symbol indices) of the code with generator
 * `g`; `wanted` are the message rows to decode, `systematicOf[q]` the symbol equal to message row
 * q (or −1).
 */
export function buildCleanSet(
  g: Matrix,
  members: readonly number[],
  wanted: readonly number[],
  systematicOf: Int32Array,
): CleanSet {
  const q = g.cols;
  const n = members.length;
  if (n < q) throw new RangeError(`a clean set needs at least Q = ${q} symbols, got ${n}`);
  const mem = Int32Array.from(members);
  const gc = selectRows(g, members);
  const r = n - q;
  const h = r > 0 ? orthogonalComplement(gc) : zeros(0, n);
  const hg = multiply(h, gc);
  const rowNorm1 = Array.from(mem, (p) => absSum(g.row(p)));
  const noiseWeight = new Float64Array(r);
  const roundingWeight = new Float64Array(r);
  for (let j = 0; j < r; j++) {
    let a = 0;
    for (let i = 0; i < n; i++) a += Math.abs(h.get(j, i)) * rowNorm1[i];
    let residual = 0;
    for (let k = 0; k < q; k++) residual += Math.abs(hg.get(j, k));
    noiseWeight[j] = a;
    roundingWeight[j] = residual + 4 * (n + 1) * U64 * a;
  }
  const from = chooseRows(g, mem, systematicOf);
  const inv = inverse(selectRows(g, from));
  const decodeRows = new Float64Array(wanted.length * q);
  const copyFrom = new Int32Array(wanted.length).fill(-1);
  wanted.forEach((w, i) => {
    decodeRows.set(inv.row(w), i * q);
    if (systematicOf[w] >= 0 && from.includes(systematicOf[w])) copyFrom[i] = systematicOf[w];
  });
  return {
    members: mem,
    redundancy: r,
    parity: h.toFloat64(),
    noiseWeight,
    roundingWeight,
    decodeFrom: Int32Array.from(from),
    decodePositions: Int32Array.from(from, (p) => members.indexOf(p)),
    decodeRows,
    copyFrom,
  };
}

/** Fills `out[j]` with the syndrome threshold of row j: `scale · (ε·noiseWeight[j] + roundingWeight[j])`. */
export function syndromeThresholds(set: CleanSet, tol: DecodeTolerance, out: Float64Array): void {
  for (let j = 0; j < set.redundancy; j++) {
    out[j] = tol.scale * (tol.epsilon * set.noiseWeight[j] + (1 + tol.epsilon) * set.roundingWeight[j]);
  }
}

/**
 * Per member i of the set: the size of an error in one entry of that symbol alone above which the
 * syndrome test always sees it, `min_j 2·thr_j / |H[j][i]|` (the factor 2 covers noise that
 * cancels part of the error). Written to `out[i]`.
 */
export function detectionBounds(set: CleanSet, thr: Float64Array, out: Float64Array): void {
  const n = set.members.length;
  for (let i = 0; i < n; i++) {
    let tau = Infinity;
    for (let j = 0; j < set.redundancy; j++) {
      const h = Math.abs(set.parity[j * n + i]);
      if (h > 0) tau = Math.min(tau, (2 * thr[j]) / h);
    }
    out[i] = tau;
  }
}

/**
 * Bound on |decoded − exact| per entry of the wanted message rows when the set is accepted: every
 * decode symbol may carry its noise (`ε·scale·‖G[p]‖₁`) and an undetected error up to its
 * detection bound (`detect`, per member as from {@link detectionBounds}).
 */
export function outputBound(
  set: CleanSet,
  tol: DecodeTolerance,
  rowNorm1: ArrayLike<number>,
  detect: Float64Array,
): number {
  const q = set.decodeFrom.length;
  let bound = 0;
  for (let w = 0; w < set.copyFrom.length; w++) {
    let b = 0;
    for (let s = 0; s < q; s++) {
      const p = set.decodeFrom[s];
      const c = set.copyFrom[w] >= 0 ? (p === set.copyFrom[w] ? 1 : 0) : set.decodeRows[w * q + s];
      b += Math.abs(c) * (tol.epsilon * tol.scale * rowNorm1[p] + detect[set.decodePositions[s]]);
    }
    bound = Math.max(bound, b);
  }
  return bound;
}
