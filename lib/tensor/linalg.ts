/**
 * Dense float64 linear algebra for the small matrices of the coding layer (generators, parity
 * checks, decode matrices: tens of rows and columns at most). Written for reading and accuracy:
 * LU with partial pivoting, Householder QR, and the one-sided Jacobi SVD (accurate singular values
 * even for ill-conditioned matrices, which is what condition numbers need).
 *
 * Every function takes {@link Matrix} views of any precision and returns new float64 matrices.
 *
 * @example
 * ```ts
 * import { Matrix } from "./matrix.ts";
 * import { conditionNumber, solve } from "./linalg.ts";
 * const a = Matrix.from(2, 2, [2, 1, 1, 3]);
 * const x = solve(a, Matrix.from(2, 1, [3, 5])); // [0.8, 1.4]
 * conditionNumber(a); // ≈ 2.618
 * ```
 *
 * @module
 */

import { Matrix } from "./matrix.ts";

/** A float64 zero matrix. */
export function zeros(rows: number, cols: number): Matrix {
  return Matrix.zeros(rows, cols, "float64");
}

/** The n × n identity in float64. */
export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.set(i, i, 1);
  return m;
}

/** A float64 matrix from an array of rows. */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const m = zeros(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`row ${i} has ${row.length} entries, expected ${cols}`);
    row.forEach((v, j) => m.set(i, j, v));
  });
  return m;
}

/** The rows of a matrix as plain arrays (for JSON and tests). */
export function toRows(a: Matrix): number[][] {
  return Array.from({ length: a.rows }, (_, i) => Array.from(a.row(i)));
}

/** Aᵀ in float64. */
export function transpose(a: Matrix): Matrix {
  const t = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.set(j, i, a.get(i, j));
  return t;
}

/** A·B in float64. */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`multiply ${a.rows}×${a.cols} by ${b.rows}×${b.cols}`);
  const c = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.get(i, k);
      if (aik === 0) continue;
      for (let j = 0; j < b.cols; j++) c.data[i * b.cols + j] += aik * b.get(k, j);
    }
  }
  return c;
}

/** The matrix made of rows `rows` of `a` (in that order), in float64. */
export function selectRows(a: Matrix, rows: readonly number[]): Matrix {
  const s = zeros(rows.length, a.cols);
  rows.forEach((r, i) => s.data.set(a.row(r), i * a.cols));
  return s;
}

/** LU factorization with partial pivoting, P·A = L·U, stored compactly. */
export interface LuFactors {
  /** L (unit lower, below the diagonal) and U (upper, with diagonal) in one matrix. */
  readonly lu: Matrix;
  /** Row i of P·A is row `pivots[i]` of A. */
  readonly pivots: Int32Array;
  /** True when a pivot is exactly zero (the matrix is singular). */
  readonly singular: boolean;
}

/** LU factorization of a square matrix with partial pivoting. */
export function luFactor(a: Matrix): LuFactors {
  if (a.rows !== a.cols) throw new RangeError(`LU of a non-square ${a.rows}×${a.cols} matrix`);
  const n = a.rows;
  const lu = a.clone("float64");
  const d = lu.data;
  const pivots = Int32Array.from({ length: n }, (_, i) => i);
  let singular = false;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(d[i * n + k]) > Math.abs(d[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = d[k * n + j];
        d[k * n + j] = d[p * n + j];
        d[p * n + j] = t;
      }
      const t = pivots[k];
      pivots[k] = pivots[p];
      pivots[p] = t;
    }
    const pivot = d[k * n + k];
    if (pivot === 0) {
      singular = true;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (d[i * n + k] /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) d[i * n + j] -= f * d[k * n + j];
    }
  }
  return { lu, pivots, singular };
}

/** Solves A·X = B from the LU factors of A. */
export function luSolve(f: LuFactors, b: Matrix): Matrix {
  const n = f.lu.rows;
  if (b.rows !== n) throw new RangeError(`solve with ${n}×${n} matrix and ${b.rows}×${b.cols} right side`);
  if (f.singular) throw new RangeError("solve with a singular matrix");
  const d = f.lu.data;
  const x = zeros(n, b.cols);
  const xd = x.data;
  for (let i = 0; i < n; i++) xd.set(b.row(f.pivots[i]), i * b.cols);
  for (let c = 0; c < b.cols; c++) {
    for (let i = 1; i < n; i++) {
      let s = xd[i * b.cols + c];
      for (let k = 0; k < i; k++) s -= d[i * n + k] * xd[k * b.cols + c];
      xd[i * b.cols + c] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = xd[i * b.cols + c];
      for (let k = i + 1; k < n; k++) s -= d[i * n + k] * xd[k * b.cols + c];
      xd[i * b.cols + c] = s / d[i * n + i];
    }
  }
  return x;
}

/** X with A·X = B (A square and nonsingular). */
export function solve(a: Matrix, b: Matrix): Matrix {
  return luSolve(luFactor(a), b);
}

/** A⁻¹ (A square and nonsingular). */
export function inverse(a: Matrix): Matrix {
  return solve(a, identity(a.rows));
}

/** Householder QR of an m × n matrix (m ≥ n): A = Q·R with Q orthogonal m × m. */
export interface QrFactors {
  /** The full orthogonal factor, m × m. */
  readonly q: Matrix;
  /** The upper-trapezoidal factor, m × n. */
  readonly r: Matrix;
}

/** Householder QR with the full Q formed explicitly (fine for the small matrices used here). */
export function qr(a: Matrix): QrFactors {
  const m = a.rows;
  const n = a.cols;
  if (m < n) throw new RangeError(`QR needs rows ≥ cols, got ${m}×${n}`);
  const r = a.clone("float64");
  const q = identity(m);
  const v = new Float64Array(m);
  for (let k = 0; k < Math.min(n, m - 1); k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm = Math.hypot(norm, r.get(i, k));
    if (norm === 0) continue;
    const alpha = r.get(k, k) > 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = r.get(i, k);
    v[k] -= alpha;
    let vv = 0;
    for (let i = k; i < m; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    // R ← (I − 2vvᵀ/vᵀv)·R on rows k.., and Q ← Q·(I − 2vvᵀ/vᵀv).
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i] * r.get(i, j);
      const f = (2 * s) / vv;
      for (let i = k; i < m; i++) r.set(i, j, r.get(i, j) - f * v[i]);
    }
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let l = k; l < m; l++) s += q.get(i, l) * v[l];
      const f = (2 * s) / vv;
      for (let l = k; l < m; l++) q.set(i, l, q.get(i, l) - f * v[l]);
    }
    for (let i = k + 1; i < m; i++) r.set(i, k, 0);
  }
  return { q, r };
}

/**
 * Rows spanning the orthogonal complement of A's column space: for an m × n matrix of full column
 * rank, an (m − n) × m matrix H with orthonormal rows and H·A ≈ 0 (a parity-check matrix when A is
 * a generator).
 */
export function orthogonalComplement(a: Matrix): Matrix {
  const { q } = qr(a);
  const h = zeros(a.rows - a.cols, a.rows);
  for (let i = 0; i < h.rows; i++) for (let j = 0; j < a.rows; j++) h.set(i, j, q.get(j, a.cols + i));
  return h;
}

/** Least-squares solution X minimising ‖A·X − B‖ (A of full column rank, m ≥ n). */
export function leastSquares(a: Matrix, b: Matrix): Matrix {
  const { q, r } = qr(a);
  const n = a.cols;
  // X = R₁⁻¹ · (Q₁ᵀ B), with R₁ the leading n × n block.
  const qtb = multiply(transpose(q), b);
  const x = zeros(n, b.cols);
  for (let c = 0; c < b.cols; c++) {
    for (let i = n - 1; i >= 0; i--) {
      let s = qtb.get(i, c);
      for (let k = i + 1; k < n; k++) s -= r.get(i, k) * x.get(k, c);
      x.set(i, c, s / r.get(i, i));
    }
  }
  return x;
}

/** Thin singular value decomposition A = U·diag(s)·Vᵀ, singular values in decreasing order. */
export interface Svd {
  /** m × k left singular vectors (k = min(m, n)). */
  readonly u: Matrix;
  /** k singular values, decreasing. */
  readonly s: Float64Array;
  /** n × k right singular vectors. */
  readonly v: Matrix;
}

/**
 * One-sided Jacobi SVD (Hestenes): orthogonalises the columns of A by plane rotations until every
 * pair is orthogonal to working precision. Slow for big matrices, accurate and simple for small ones.
 */
export function svd(a: Matrix): Svd {
  if (a.rows < a.cols) {
    const t = svd(transpose(a));
    return { u: t.v, s: t.s, v: t.u };
  }
  const m = a.rows;
  const n = a.cols;
  const w = a.clone("float64");
  const v = identity(n);
  const wd = w.data;
  const vd = v.data;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = wd[i * n + p];
          const y = wd[i * n + q];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = wd[i * n + p];
          const y = wd[i * n + q];
          wd[i * n + p] = c * x - s * y;
          wd[i * n + q] = s * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const x = vd[i * n + p];
          const y = vd[i * n + q];
          vd[i * n + p] = c * x - s * y;
          vd[i * n + q] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s = Math.hypot(s, wd[i * n + j]);
    return s;
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const u = zeros(m, n);
  const vs = zeros(n, n);
  const s = new Float64Array(n);
  order.forEach((j, k) => {
    s[k] = norms[j];
    for (let i = 0; i < m; i++) u.set(i, k, norms[j] === 0 ? 0 : wd[i * n + j] / norms[j]);
    for (let i = 0; i < n; i++) vs.set(i, k, vd[i * n + j]);
  });
  return { u, s, v: vs };
}

/** Singular values of A, decreasing. */
export function singularValues(a: Matrix): Float64Array {
  return svd(a).s;
}

/** 2-norm condition number σ_max / σ_min (Infinity for a rank-deficient matrix). */
export function conditionNumber(a: Matrix): number {
  const s = singularValues(a);
  const smin = s[s.length - 1];
  return smin === 0 ? Infinity : s[0] / smin;
}
