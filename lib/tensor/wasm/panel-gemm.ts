/**
 * GEMM with pre-packed input weights (the `"panels"` layout of lib/tensor/input-weights.ts: Wᵀ as
 * NR-column micro-panels, k-major), driving the same wasm packing routines and macro-kernel as
 * gemm-driver.ts:
 *
 * - forward S = X·Wᵀ: Wᵀ is already packed B, so only X is packed (per k-slice and row block);
 *   the macro-kernel reads the panels in place (panel stride cols·NR);
 * - update Wᵀ += α·Xᵀ·Δ: Δ is packed as B, Xᵀ as A (scaled by α), and the macro-kernel writes
 *   its 6 × NR tiles straight into the panels (row stride NR, panel stride cols·NR).
 *
 * Both skip the input columns that are zero in every row of the batch (over a third of the
 * pixels of a batch of 64 MNIST images): they contribute nothing to S (those k-steps are left
 * out) and receive a zero update (those rows of Wᵀ are left alone). The work runs over the list
 * of the non-zero columns ({@link compactNonzero}): the forward packs X's listed columns as A and
 * reads the matching k-steps of the panels through the list (`gemm_macro_gb`: one index per run
 * of 4 adjacent columns, {@link groupAdjacent}, then one per leftover column); the update packs
 * the listed columns of X as Aᵀ and writes the 6 × NR tiles to the listed rows of Wᵀ
 * (`gemm_macro_sc`). Leaving out exact zeros changes no sum except in the order its terms are
 * added (the forward's k-slices follow the list).
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import type { GemmBlocking } from "./gemm-driver.ts";
import { MR, UNROLL } from "./wat-gemm.ts";
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
 * Turns a column mask (an i32 per column, non-zero where the column holds a non-zero entry) into
 * the increasing list of those columns' indices, in place at the start of `mask`; returns their
 * count (the entries after it are left as they were).
 */
export function compactNonzero(mask: Int32Array): number {
  let count = 0;
  for (let j = 0; j < mask.length; j++) if (mask[j] !== 0) mask[count++] = j;
  return count;
}

/**
 * Reorders an increasing column list for the forward's gathered k-steps: first every run of
 * {@link UNROLL} adjacent columns (cut from the runs of adjacent columns, in order), then the
 * columns left over, in order. Writes the list to `out` and returns the number of groups.
 */
export function groupAdjacent(columns: Int32Array, out: Int32Array): number {
  let groups = 0;
  let singles = 0;
  const n = columns.length;
  // Singles go to the end of `out` first (reversed twice: written backwards, then flipped).
  let j = 0;
  while (j < n) {
    let end = j + 1;
    while (end < n && columns[end] === columns[end - 1] + 1) end++;
    for (; j + UNROLL <= end; j += UNROLL) {
      for (let u = 0; u < UNROLL; u++) out[groups * UNROLL + u] = columns[j + u];
      groups++;
    }
    for (; j < end; j++) out[n - 1 - singles++] = columns[j];
  }
  out.subarray(n - singles, n).reverse();
  return groups;
}

/** A column list (i32) resident in wasm memory. */
export interface PlacedIndices {
  readonly address: number;
  readonly count: number;
}

/** A column list for {@link panelForward}: `groups` runs of UNROLL adjacent columns first. */
export interface GroupedIndices extends PlacedIndices {
  readonly groups: number;
}

/**
 * S ← X·Wᵀ with W pre-packed, summing over the input columns listed in `columns` only (the
 * others must be zero in X; the list as {@link groupAdjacent} orders it); requires b, rows > 0
 * and at least one listed column.
 */
export function panelForward(
  wasm: KernelExports,
  blocking: GemmBlocking,
  x: Placed,
  w: PlacedPanels,
  s: Placed,
  columns: GroupedIndices,
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
  if (kc % UNROLL !== 0) throw new RangeError(`KC ${kc} is not a multiple of ${UNROLL}`);
  for (let pc = 0; pc < columns.count; pc += kc) {
    const kcb = Math.min(kc, columns.count - pc);
    const kix = columns.address + 4 * pc;
    const groups = Math.max(0, Math.min(kcb, UNROLL * columns.groups - pc)) / UNROLL;
    for (let ic = 0; ic < m; ic += mc) {
      const mcb = Math.min(mc, m - ic);
      wasm.pack_a_n_ix(x.address + ic * lda, lda, mcb, kcb, 1, kix, packedA);
      wasm.gemm_macro_gb(
        mcb,
        w.rows,
        kcb,
        packedA,
        w.address,
        k * nr * bytes,
        s.address + ic * ldc,
        ldc,
        nr * bytes,
        pc === 0 ? 0 : 1,
        edge,
        kix,
        groups,
      );
    }
  }
}

/**
 * Wᵀ ← Wᵀ + α·Xᵀ·Δ (W += α·Δᵀ·X) with W pre-packed, updating the rows of Wᵀ (input columns)
 * listed in `columns` only (the others must be zero in X); requires b, rows, cols > 0.
 */
export function panelUpdate(
  wasm: KernelExports,
  blocking: GemmBlocking,
  alpha: number,
  delta: Placed,
  x: Placed,
  w: PlacedPanels,
  columns: PlacedIndices,
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
    for (let ic = 0; ic < columns.count; ic += mc) {
      const mcb = Math.min(mc, columns.count - ic);
      const rix = columns.address + 4 * ic;
      wasm.pack_a_t_ix(x.address + pc * ldx, ldx, mcb, kcb, alpha, rix, packedA);
      wasm.gemm_macro_sc(
        mcb,
        n,
        kcb,
        packedA,
        packedB,
        kcb * nr * bytes,
        w.address,
        nr * bytes,
        k * nr * bytes,
        1,
        edge,
        rix,
      );
    }
  }
}
