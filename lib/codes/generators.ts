/**
 * Generator matrices of real-number (P, Q) codes: P × Q float64 matrices whose every Q × Q
 * row-subset is nonsingular (MDS), so that any Q of the P coded symbols determine the message.
 *
 * - `gaussianSystematic`: `[I; randn(P−Q, Q)]`, the authors' choice (MDS with probability 1);
 * - `chebyshevVandermonde`: `T_k(α_p)` with α_p the P Chebyshev points (well-conditioned Vandermonde);
 *   its systematic form is the `chebyshev` kind;
 * - `cauchySystematic`: `[I; C]`, C a Cauchy matrix `1/(a_i − b_j)` (every minor nonzero, so MDS);
 * - `vandermonde`: monomials `α_p^k` at given points (the encoding Generalized PolyDot implies);
 * - `checksumSystematic`: `[I; 1ᵀ; (1..Q)ᵀ]`, Huang–Abraham sum and weighted-sum checksums (ABFT);
 * - `systematize`: `G · G_S⁻¹`, the systematic generator of the same code.
 *
 * @example
 * ```ts
 * import { gaussianSystematic } from "./generators.ts";
 * const gr = gaussianSystematic(7, 5, 1); // 7 × 5, first five rows the identity
 * gr.get(5, 0); // a standard normal draw from the seed's "generator" stream
 * ```
 *
 * @module
 */

import { Rng } from "../random/rng.ts";
import type { Matrix } from "../tensor/matrix.ts";
import { identity, inverse, multiply, selectRows, zeros } from "../tensor/linalg.ts";
import { chooseRows } from "./clean-set.ts";

/** Names of the generator families (the `--generator` choices). */
export const GENERATOR_KINDS = ["gaussian", "chebyshev", "cauchy"] as const;
/** A generator family. */
export type GeneratorKind = typeof GENERATOR_KINDS[number];

function checkShape(p: number, q: number): void {
  if (!(Number.isInteger(p) && Number.isInteger(q) && q >= 1 && p >= q)) {
    throw new RangeError(`a (P, Q) generator needs integers P ≥ Q ≥ 1, got (${p}, ${q})`);
  }
}

/**
 * `[I; randn(P−Q, Q)]` from `Rng.named(seed, stream)`: the systematic Gaussian generator of the
 * authors' implementation. Different `stream` names give independent generators from one seed.
 */
export function gaussianSystematic(p: number, q: number, seed: number, stream = "generator"): Matrix {
  checkShape(p, q);
  const g = zeros(p, q);
  for (let i = 0; i < q; i++) g.set(i, i, 1);
  const rng = Rng.named(seed, stream);
  for (let i = q; i < p; i++) for (let j = 0; j < q; j++) g.set(i, j, rng.normal());
  return g;
}

/** The P Chebyshev points of the first kind, `cos((2p+1)π / 2P)`, decreasing in (−1, 1). */
export function chebyshevPoints(p: number): Float64Array {
  return Float64Array.from({ length: p }, (_, i) => Math.cos(((2 * i + 1) * Math.PI) / (2 * p)));
}

/** Monomial Vandermonde matrix `G[p][k] = points[p]^k`, k < q. */
export function vandermonde(points: ArrayLike<number>, q: number): Matrix {
  checkShape(points.length, q);
  const g = zeros(points.length, q);
  for (let i = 0; i < points.length; i++) {
    let x = 1;
    for (let k = 0; k < q; k++) {
      g.set(i, k, x);
      x *= points[i];
    }
  }
  return g;
}

/**
 * Chebyshev–Vandermonde matrix `G[p][k] = T_k(α_p)` at the P Chebyshev points: the Vandermonde
 * matrix of the Chebyshev polynomial basis, far better conditioned than monomials.
 */
export function chebyshevVandermonde(p: number, q: number): Matrix {
  checkShape(p, q);
  const pts = chebyshevPoints(p);
  const g = zeros(p, q);
  for (let i = 0; i < p; i++) {
    let prev = 1;
    let cur = pts[i];
    g.set(i, 0, 1);
    if (q > 1) g.set(i, 1, cur);
    for (let k = 2; k < q; k++) {
      const next = 2 * pts[i] * cur - prev;
      g.set(i, k, next);
      prev = cur;
      cur = next;
    }
  }
  return g;
}

/**
 * `[I; C]` with the Cauchy matrix `C[i][j] = 1 / (a_i − b_j)`: every square submatrix of a Cauchy
 * matrix is nonsingular, so the systematic code is MDS. The a's and b's interleave among the P
 * Chebyshev points (b_j at evenly spread positions, a_i at the others): separating them instead
 * makes C numerically low-rank and the code useless in floating point.
 */
export function cauchySystematic(p: number, q: number): Matrix {
  checkShape(p, q);
  const z = chebyshevPoints(p);
  const bAt = Array.from({ length: q }, (_, j) => Math.floor(((j + 0.5) * p) / q));
  const aAt = Array.from({ length: p }, (_, i) => i).filter((i) => !bAt.includes(i));
  const g = zeros(p, q);
  for (let i = 0; i < q; i++) g.set(i, i, 1);
  aAt.forEach((ai, i) => {
    for (let j = 0; j < q; j++) g.set(q + i, j, 1 / (z[ai] - z[bAt[j]]));
  });
  return g;
}

/**
 * `[I; 1ᵀ; (1, 2, …, Q)ᵀ]` with `P − Q` ∈ {1, 2} checksum rows: the Huang–Abraham sum checksum
 * and, for P − Q = 2, the weighted checksum that locates a single error (ABFT). MDS: any Q rows
 * are nonsingular because the weights are distinct.
 */
export function checksumSystematic(p: number, q: number): Matrix {
  checkShape(p, q);
  if (p - q > 2) throw new RangeError(`ABFT uses 1 or 2 checksum rows, got ${p - q}`);
  const g = zeros(p, q);
  for (let i = 0; i < q; i++) g.set(i, i, 1);
  for (let j = 0; j < q; j++) {
    if (p - q >= 1) g.set(q, j, 1);
    if (p - q >= 2) g.set(q + 1, j, j + 1);
  }
  return g;
}

/** `[I; I; …; I]`, r stacked identities: r copies of every message symbol (replication). */
export function repetition(copies: number, q: number): Matrix {
  checkShape(copies * q, q);
  const g = zeros(copies * q, q);
  for (let c = 0; c < copies; c++) for (let i = 0; i < q; i++) g.set(c * q + i, i, 1);
  return g;
}

/**
 * The row order {@link systematize} uses: the Q best-conditioned rows of G (pivoted Gram–Schmidt)
 * first, then the others in their original order.
 */
export function systematicOrder(g: Matrix): number[] {
  const first = chooseRows(g, Array.from({ length: g.rows }, (_, i) => i), new Int32Array(g.cols).fill(-1));
  return [...first, ...Array.from({ length: g.rows }, (_, i) => i).filter((i) => !first.includes(i))];
}

/**
 * A systematic generator of the same code, up to the order of the symbols: with S the first Q
 * rows of {@link systematicOrder}, `G[order] · G_S⁻¹`, whose top Q × Q block is the identity.
 * (Making the *first* Q rows systematic instead can be disastrous: for Chebyshev points they
 * cluster near 1 and G_top is nearly singular.)
 */
export function systematize(g: Matrix): Matrix {
  const q = g.cols;
  const order = systematicOrder(g);
  const s = multiply(selectRows(g, order), inverse(selectRows(g, order.slice(0, q))));
  // The top block is the identity by construction; set it exactly.
  const id = identity(q);
  for (let i = 0; i < q; i++) s.data.set(id.row(i), i * q);
  return s;
}

/** A systematic (P, Q) generator of `kind`, from `seed` (Gaussian) or deterministic (the others). */
export function systematicGenerator(
  kind: GeneratorKind,
  p: number,
  q: number,
  seed: number,
  stream: string,
): Matrix {
  switch (kind) {
    case "gaussian":
      return gaussianSystematic(p, q, seed, stream);
    case "chebyshev":
      return systematize(chebyshevVandermonde(p, q));
    case "cauchy":
      return cauchySystematic(p, q);
  }
}
