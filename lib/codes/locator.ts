/**
 * The error locator: given whitened syndromes Z (r × k: each column a syndrome of the received
 * symbols, scaled so that clean-symbol noise is at most 1 per entry) and the whitened parity check
 * H (r × n), find the smallest set T of symbols such that every column of Z lies in the span of
 * H's columns T, up to noise. Errors on T produce exactly such syndromes (`Z = H_T·F + noise`).
 *
 * Supports are searched by increasing size. A size whose C(n, t) supports fit in the budget is
 * searched exhaustively (the best-fitting consistent support wins); beyond it two candidates are
 * tried: the subspace (MUSIC) candidate — the t columns of H closest to the span of Z's t leading
 * left singular vectors — and the greedy (orthogonal matching pursuit) candidate. Sizes below the
 * numerical rank of Z (its singular values against the noise bound) are skipped without a search.
 *
 * Each column of Z comes with a `slack`: a bound on its own float64 rounding (large errors make
 * large syndromes, whose rounding may exceed the noise bound); the test allows noise plus slack.
 * The decoder's final acceptance re-checks the remaining symbols on the full data.
 *
 * @module
 */

import type { Matrix } from "../tensor/matrix.ts";
import { svd } from "../tensor/linalg.ts";
import { binomial, forEachSubset } from "./conditioning.ts";

/** A support and how well it fits. */
interface Fit {
  readonly support: number[];
  /** Σ over columns of the squared residual outside span(H_T). */
  readonly residual: number;
  /** True when every column's residual is within its noise bound. */
  readonly consistent: boolean;
}

/** Columns `support` of H orthonormalised (modified Gram–Schmidt), or null if dependent. */
function orthonormalColumns(h: Matrix, support: readonly number[]): Float64Array[] | null {
  const r = h.rows;
  const basis: Float64Array[] = [];
  for (const p of support) {
    const v = new Float64Array(r);
    let norm0 = 0;
    for (let j = 0; j < r; j++) {
      v[j] = h.get(j, p);
      norm0 = Math.hypot(norm0, v[j]);
    }
    for (const b of basis) {
      let d = 0;
      for (let j = 0; j < r; j++) d += b[j] * v[j];
      for (let j = 0; j < r; j++) v[j] -= d * b[j];
    }
    let norm = 0;
    for (let j = 0; j < r; j++) norm = Math.hypot(norm, v[j]);
    if (!(norm > 1e-12 * norm0)) return null;
    for (let j = 0; j < r; j++) v[j] /= norm;
    basis.push(v);
  }
  return basis;
}

/** How well the columns of Z fit in span(H_T). */
function fit(h: Matrix, z: Matrix, support: readonly number[], slack: Float64Array): Fit | null {
  const basis = orthonormalColumns(h, support);
  if (basis === null) return null;
  const r = h.rows;
  const noise = Math.sqrt(r);
  const res = new Float64Array(r);
  let total = 0;
  let consistent = true;
  for (let c = 0; c < z.cols; c++) {
    for (let j = 0; j < r; j++) res[j] = z.get(j, c);
    for (const b of basis) {
      let d = 0;
      for (let j = 0; j < r; j++) d += b[j] * res[j];
      for (let j = 0; j < r; j++) res[j] -= d * b[j];
    }
    let left = 0;
    for (let j = 0; j < r; j++) left += res[j] * res[j];
    total += left;
    if (!(Math.sqrt(left) <= noise + slack[c])) consistent = false;
  }
  return { support: [...support], residual: total, consistent };
}

/** Greedy (OMP) supports of sizes 1..maxSize: each extends the previous by the best-correlated column. */
function greedyPath(h: Matrix, z: Matrix, maxSize: number): number[][] {
  const r = h.rows;
  const n = h.cols;
  const colNorm = Array.from({ length: n }, (_, p) => {
    let s = 0;
    for (let j = 0; j < r; j++) s = Math.hypot(s, h.get(j, p));
    return s;
  });
  const residual = z.clone("float64");
  const path: number[][] = [];
  const support: number[] = [];
  for (let t = 1; t <= maxSize; t++) {
    let best = -1;
    let bestScore = -1;
    for (let p = 0; p < n; p++) {
      if (support.includes(p) || colNorm[p] === 0) continue;
      let score = 0;
      for (let c = 0; c < z.cols; c++) {
        let d = 0;
        for (let j = 0; j < r; j++) d += h.get(j, p) * residual.get(j, c);
        score += d * d;
      }
      score /= colNorm[p] * colNorm[p];
      if (score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
    if (best < 0) break;
    support.push(best);
    path.push([...support]);
    const basis = orthonormalColumns(h, support);
    if (basis === null) break;
    for (let c = 0; c < z.cols; c++) {
      for (let j = 0; j < r; j++) residual.set(j, c, z.get(j, c));
      for (const b of basis) {
        let d = 0;
        for (let j = 0; j < r; j++) d += b[j] * residual.get(j, c);
        for (let j = 0; j < r; j++) residual.set(j, c, residual.get(j, c) - d * b[j]);
      }
    }
  }
  return path;
}

/** The t columns of H nearest (in angle) to the span of Z's t leading left singular vectors. */
function subspaceCandidate(h: Matrix, u: Matrix, t: number): number[] {
  const r = h.rows;
  const scores = Array.from({ length: h.cols }, (_, p) => {
    let total = 0;
    let inside = 0;
    for (let j = 0; j < r; j++) total += h.get(j, p) ** 2;
    for (let k = 0; k < t; k++) {
      let d = 0;
      for (let j = 0; j < r; j++) d += u.get(j, k) * h.get(j, p);
      inside += d * d;
    }
    return total === 0 ? Infinity : Math.max(0, total - inside) / total;
  });
  return scores.map((s, p) => [s, p]).sort((a, b) => a[0] - b[0]).slice(0, t).map((e) => e[1]).sort((a, b) =>
    a - b
  );
}

/**
 * A fast necessary test for the exhaustive search, from the Gram matrices HᵀH and HᵀZ:
 * ‖res_c‖² = ‖z_c‖² − z_cᵀ H_T (H_TᵀH_T)⁻¹ H_Tᵀ z_c, with a generous allowance for the cancellation
 * of that subtraction. Supports that pass are confirmed by the accurate {@link fit}.
 */
class GramFilter {
  readonly #n: number;
  readonly #k: number;
  readonly #gram: Float64Array;
  readonly #cz: Float64Array;
  readonly #limit: Float64Array;
  readonly #norm2: Float64Array;
  readonly #chol = new Float64Array(64 * 64);
  readonly #x = new Float64Array(64);

  constructor(h: Matrix, z: Matrix, slack: Float64Array) {
    const r = h.rows;
    const n = h.cols;
    const k = z.cols;
    this.#n = n;
    this.#k = k;
    this.#gram = new Float64Array(n * n);
    this.#cz = new Float64Array(n * k);
    this.#limit = new Float64Array(k);
    this.#norm2 = new Float64Array(k);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let j = 0; j < r; j++) s += h.get(j, a) * h.get(j, b);
        this.#gram[a * n + b] = s;
      }
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < r; j++) s += h.get(j, a) * z.get(j, c);
        this.#cz[a * k + c] = s;
      }
    }
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < r; j++) s += z.get(j, c) ** 2;
      this.#norm2[c] = s;
      this.#limit[c] = Math.sqrt(r) + slack[c] + 1e-6 * Math.sqrt(s);
    }
  }

  /** False only when the support certainly fails the consistency test. */
  mayFit(support: readonly number[]): boolean {
    const t = support.length;
    if (t > 64) return true;
    const n = this.#n;
    const l = this.#chol;
    for (let i = 0; i < t; i++) {
      for (let j = 0; j <= i; j++) {
        let s = this.#gram[support[i] * n + support[j]];
        for (let m = 0; m < j; m++) s -= l[i * t + m] * l[j * t + m];
        if (i === j) {
          if (!(s > 0)) return true;
          l[i * t + i] = Math.sqrt(s);
        } else l[i * t + j] = s / l[j * t + j];
      }
    }
    const x = this.#x;
    for (let c = 0; c < this.#k; c++) {
      // ‖L⁻¹ H_Tᵀ z_c‖² is the squared norm of z_c's projection on span(H_T).
      let proj = 0;
      for (let i = 0; i < t; i++) {
        let s = this.#cz[support[i] * this.#k + c];
        for (let m = 0; m < i; m++) s -= l[i * t + m] * x[m];
        x[i] = s / l[i * t + i];
        proj += x[i] * x[i];
      }
      const left = Math.sqrt(Math.max(0, this.#norm2[c] - proj));
      if (left > this.#limit[c]) return false;
    }
    return true;
  }
}

/** Options of {@link locateSupport}. */
export interface LocateOptions {
  /** Largest support to consider. */
  readonly maxSize: number;
  /** Supports that may be tested exhaustively in total (default 4096). */
  readonly budget?: number;
  /** Per column of Z: bound on its float64 rounding, in the same (whitened) units. */
  readonly slack: Float64Array;
}

/**
 * The smallest support (indices of H's columns, increasing) consistent with every column of Z,
 * or null if none of size ≤ maxSize is found. See the module documentation.
 */
export function locateSupport(h: Matrix, z: Matrix, options: LocateOptions): number[] | null {
  const { maxSize, budget = 4096, slack } = options;
  const n = h.cols;
  let left = budget;
  const { u: leading, s: sigma } = svd(z);
  // A consistent support of size t leaves residuals whose Frobenius norm is at most `allowed`,
  // and Z minus those residuals has rank ≤ t: so σ_{t+1}(Z) > allowed rules the size out.
  let allowed = 0;
  for (let c = 0; c < z.cols; c++) allowed = Math.hypot(allowed, Math.sqrt(z.rows) + slack[c]);
  let greedy: number[][] | null = null;
  let filter: GramFilter | null = null;
  for (let t = 1; t <= Math.min(maxSize, n); t++) {
    if (t < sigma.length && sigma[t] > allowed) continue;
    let best: Fit | null = null;
    const consider = (support: readonly number[]) => {
      const f = fit(h, z, support, slack);
      if (f && f.consistent && (best === null || f.residual < best.residual)) best = f;
    };
    const count = binomial(n, t);
    if (count <= left) {
      left -= count;
      filter ??= new GramFilter(h, z, slack);
      const f = filter;
      forEachSubset(n, t, (support) => {
        if (f.mayFit(support)) consider(support);
      });
    } else {
      greedy ??= greedyPath(h, z, Math.min(maxSize, n));
      if (t <= leading.cols) consider(subspaceCandidate(h, leading, t));
      if (t <= greedy.length) consider([...greedy[t - 1]].sort((a, b) => a - b));
    }
    if (best !== null) return (best as Fit).support;
  }
  return null;
}
