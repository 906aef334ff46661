/**
 * GEMM with pre-packed input weights (the `"panels"` layout of lib/tensor/input-weights.ts: Wᵀ as
 * NR-column micro-panels, k-major), driving the same wasm packing routines and macro-kernel as
 * gemm-driver.ts:
 *
 * - forward S = X·Wᵀ: Wᵀ is already packed B, so only X is packed (per k-slice and row block);
 *   the macro-kernel reads each k-slice of the panels in place (panel stride cols·NR);
 * - update Wᵀ += α·Xᵀ·Δ: Δ is packed as B, Xᵀ as A (scaled by α), and the macro-kernel writes
 *   its 6 × NR tiles straight into the panels (row stride NR, panel stride cols·NR).
 *
 * Both skip the input columns that are zero in every row of the batch (a third of the pixels of
 * a batch of 64 MNIST images): they contribute nothing to S (those k-steps are left out) and
 * receive a zero update (those rows of Wᵀ are left alone). The work runs over
 * {@link nonzeroSegments}, column ranges that cover every non-zero column in whole register
 * tiles where possible. Leaving out exact zeros changes no sum except in the order its terms
 * are added (the forward's k-slices follow the segments).
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import type { GemmBlocking } from "./gemm-driver.ts";
import { MR } from "./wat-gemm.ts";
import type { KernelExports } from "./wat-module.ts";

/** An operand resident in wasm memory. */
export interface Placed {
  readonly address: number;
  readonly matrix: Matrix;
}

/** Packed weights resident in wasm memory: `rows` outputs × `cols` inputs at `address`. */
export interface PlacedPanels {
  readonly address: number;
  readonly rows: number;
  readonly cols: number;
}

/** Scratch bytes {@link panelForward} needs for a batch of `m` rows. */
export function panelForwardScratch(blocking: GemmBlocking, bytes: number, m: number, k: number): number {
  return (Math.min(blocking.mc, Math.ceil(m / MR) * MR) * Math.min(blocking.kc, k) + MR * blocking.nr) *
      bytes +
    64;
}

/** Scratch bytes {@link panelUpdate} needs for a batch of `b` rows and `n` outputs. */
export function panelUpdateScratch(
  blocking: GemmBlocking,
  bytes: number,
  b: number,
  n: number,
  k: number,
): number {
  const depth = Math.min(blocking.kc, b);
  const rows = Math.min(blocking.mc, Math.ceil(k / MR) * MR);
  return (rows * depth + depth * Math.ceil(n / blocking.nr) * blocking.nr + MR * blocking.nr) * bytes + 64;
}

/**
 * Column ranges `[start₀, end₀, start₁, end₁, …]` covering every column whose `mask` entry is not
 * zero: each range starts at a non-zero column and grows `tile` columns at a time while the next
 * `tile` columns hold a non-zero one, so ranges are whole tiles except at the last column.
 */
export function nonzeroSegments(mask: Int32Array, tile: number): number[] {
  const n = mask.length;
  const segments: number[] = [];
  let j = 0;
  while (j < n) {
    if (mask[j] === 0) {
      j++;
      continue;
    }
    const start = j;
    let end = Math.min(n, start + tile);
    while (end < n) {
      const next = Math.min(n, end + tile);
      let any = false;
      for (let q = end; q < next && !any; q++) any = mask[q] !== 0;
      if (!any) break;
      end = next;
    }
    segments.push(start, end);
    j = end;
  }
  return segments;
}

/**
 * S ← X·Wᵀ with W pre-packed, summing over the input columns in `segments` only (the others
 * must be zero in X); requires b, rows > 0 and at least one segment.
 */
export function panelForward(
  wasm: KernelExports,
  blocking: GemmBlocking,
  x: Placed,
  w: PlacedPanels,
  s: Placed,
  segments: readonly number[],
  scratch: number,
): void {
  const bytes = s.matrix.data.BYTES_PER_ELEMENT;
  const { mc, kc, nr } = blocking;
  const m = x.matrix.rows;
  const k = w.cols;
  const lda = x.matrix.ld * bytes;
  const ldc = s.matrix.ld * bytes;
  const packedA = scratch;
  const edge = packedA + Math.min(mc, Math.ceil(m / MR) * MR) * Math.min(kc, k) * bytes;
  let first = true;
  for (let q = 0; q < segments.length; q += 2) {
    const end = segments[q + 1];
    for (let pc = segments[q]; pc < end; pc += kc) {
      const kcb = Math.min(kc, end - pc);
      for (let ic = 0; ic < m; ic += mc) {
        const mcb = Math.min(mc, m - ic);
        wasm.pack_a_n(x.address + ic * lda + pc * bytes, lda, mcb, kcb, 1, packedA);
        wasm.gemm_macro(
          mcb,
          w.rows,
          kcb,
          packedA,
          w.address + pc * nr * bytes,
          k * nr * bytes,
          s.address + ic * ldc,
          ldc,
          nr * bytes,
          first ? 0 : 1,
          edge,
        );
      }
      first = false;
    }
  }
}

/**
 * Wᵀ ← Wᵀ + α·Xᵀ·Δ (W += α·Δᵀ·X) with W pre-packed, updating the rows of Wᵀ (input columns) in
 * `segments` only (the others must be zero in X); requires b, rows, cols > 0.
 */
export function panelUpdate(
  wasm: KernelExports,
  blocking: GemmBlocking,
  alpha: number,
  delta: Placed,
  x: Placed,
  w: PlacedPanels,
  segments: readonly number[],
  scratch: number,
): void {
  const bytes = delta.matrix.data.BYTES_PER_ELEMENT;
  const { mc, kc, nr } = blocking;
  const b = delta.matrix.rows;
  const k = w.cols;
  const n = w.rows;
  const ldd = delta.matrix.ld * bytes;
  const ldx = x.matrix.ld * bytes;
  const depth = Math.min(kc, b);
  const packedA = scratch;
  const packedB = packedA + Math.min(mc, Math.ceil(k / MR) * MR) * depth * bytes;
  const edge = packedB + depth * Math.ceil(n / nr) * nr * bytes;
  for (let pc = 0; pc < b; pc += kc) {
    const kcb = Math.min(kc, b - pc);
    wasm.pack_b_n(delta.address + pc * ldd, ldd, kcb, n, packedB);
    for (let q = 0; q < segments.length; q += 2) {
      const end = segments[q + 1];
      for (let ic = segments[q]; ic < end; ic += mc) {
        const mcb = Math.min(mc, end - ic);
        wasm.pack_a_t(x.address + pc * ldx + ic * bytes, ldx, mcb, kcb, alpha, packedA);
        wasm.gemm_macro(
          mcb,
          n,
          kcb,
          packedA,
          packedB,
          kcb * nr * bytes,
          w.address + ic * nr * bytes,
          nr * bytes,
          k * nr * bytes,
          1,
          edge,
        );
      }
    }
  }
}
