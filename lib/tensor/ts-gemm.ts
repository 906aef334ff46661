/**
 * Register-tiled GEMM in plain TypeScript (the fallback when WebAssembly is not wanted).
 *
 * op(A) and op(B) are packed, a k-slice at a time, into 4-row and 4-column panels stored k-major
 * (so both transposes become the same contiguous loop), and a 4 × 4 block of C is accumulated in
 * 16 local variables. Arithmetic is in float64 (JS numbers) whatever the storage precision.
 *
 * @module
 */

import type { Matrix } from "./matrix.ts";

/** Register block (rows and columns of C per micro-kernel call). */
const R = 4;
/** Depth of a packed k-slice: a 4 × KC panel of each operand stays in L1. */
const KC = 256;

let packedA = new Float64Array(0);
let packedB = new Float64Array(0);

/**
 * C ← α·op(A)·op(B) + β·C for shapes already checked, with m, n, k > 0 (β = 0 never reads C).
 */
export function tiledGemm(
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
  beta: number,
  c: Matrix,
  k: number,
): void {
  const m = c.rows;
  const n = c.cols;
  const mp = Math.ceil(m / R) * R;
  const np = Math.ceil(n / R) * R;
  if (packedA.length < mp * KC) packedA = new Float64Array(mp * KC);
  if (packedB.length < np * KC) packedB = new Float64Array(np * KC);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    pack(a, !transA, pc, kc, m, alpha, packedA);
    pack(b, transB, pc, kc, n, 1, packedB);
    const accumulate = pc > 0;
    for (let i0 = 0; i0 < m; i0 += R) {
      for (let j0 = 0; j0 < n; j0 += R) {
        block(packedA, i0 * kc, packedB, j0 * kc, kc, c, i0, j0, accumulate ? 1 : beta);
      }
    }
  }
}

/**
 * Packs `count` lines × `kc` depth (from depth `p0`) of an operand into 4-line panels, k-major,
 * zero-padded, scaled by `scale`. A line is a row of op(A) or a column of op(B); `alongRows` says
 * that a line runs along a stored row of X (op(A) = A, or op(B) = Bᵀ), else down a stored column.
 */
function pack(
  x: Matrix,
  alongRows: boolean,
  p0: number,
  kc: number,
  count: number,
  scale: number,
  out: Float64Array,
) {
  const { data, ld, offset } = x;
  for (let l0 = 0; l0 < count; l0 += R) {
    const base = l0 * kc;
    for (let r = 0; r < R; r++) {
      const line = l0 + r;
      if (line >= count) {
        for (let p = 0; p < kc; p++) out[base + p * R + r] = 0;
      } else if (alongRows) {
        const from = offset + line * ld + p0;
        for (let p = 0; p < kc; p++) out[base + p * R + r] = scale * data[from + p];
      } else {
        const from = offset + p0 * ld + line;
        for (let p = 0; p < kc; p++) out[base + p * R + r] = scale * data[from + p * ld];
      }
    }
  }
}

/** The 4 × 4 micro-kernel and its write-back: C[i0.., j0..] ← Apanel·Bpanel + β·C. */
function block(
  pa: Float64Array,
  ia: number,
  pb: Float64Array,
  ib: number,
  kc: number,
  c: Matrix,
  i0: number,
  j0: number,
  beta: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const qa = ia + p * R;
    const qb = ib + p * R;
    const a0 = pa[qa], a1 = pa[qa + 1], a2 = pa[qa + 2], a3 = pa[qa + 3];
    const b0 = pb[qb], b1 = pb[qb + 1], b2 = pb[qb + 2], b3 = pb[qb + 3];
    c00 += a0 * b0, c01 += a0 * b1, c02 += a0 * b2, c03 += a0 * b3;
    c10 += a1 * b0, c11 += a1 * b1, c12 += a1 * b2, c13 += a1 * b3;
    c20 += a2 * b0, c21 += a2 * b1, c22 += a2 * b2, c23 += a2 * b3;
    c30 += a3 * b0, c31 += a3 * b1, c32 += a3 * b2, c33 += a3 * b3;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  const rows = Math.min(R, c.rows - i0);
  const cols = Math.min(R, c.cols - j0);
  const { data, ld, offset } = c;
  for (let i = 0; i < rows; i++) {
    const at = offset + (i0 + i) * ld + j0;
    for (let j = 0; j < cols; j++) {
      data[at + j] = tile[i * R + j] + (beta === 0 ? 0 : beta * data[at + j]);
    }
  }
}
