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
 * The forward uses the blocking of a plain GEMM, so its sums are formed in the same order as
 * `gemm(false, true, 1, X, W, 0, S)`.
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

/** S ← X·Wᵀ with W pre-packed; requires b, rows, cols > 0. */
export function panelForward(
  wasm: KernelExports,
  blocking: GemmBlocking,
  x: Placed,
  w: PlacedPanels,
  s: Placed,
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
  for (let pc = 0; pc < k; pc += kc) {
    const kcb = Math.min(kc, k - pc);
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
        pc === 0 ? 0 : 1,
        edge,
      );
    }
  }
}

/** Wᵀ ← Wᵀ + α·Xᵀ·Δ (W += α·Δᵀ·X) with W pre-packed; requires b, rows, cols > 0. */
export function panelUpdate(
  wasm: KernelExports,
  blocking: GemmBlocking,
  alpha: number,
  delta: Placed,
  x: Placed,
  w: PlacedPanels,
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
    for (let ic = 0; ic < k; ic += mc) {
      const mcb = Math.min(mc, k - ic);
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
