/**
 * The GEMM blocking loops (Goto/BLIS order) around the wasm packing routines and macro-kernel:
 *
 * ```
 * for jc in n step NC:            B panel KC × NC (packed once per k-slice)
 *   for pc in k step KC:          β applies to the first k-slice only
 *     pack op(B)[pc.., jc..]
 *     for ic in m step MC:        A block MC × KC (packed, scaled by α)
 *       pack op(A)[ic.., pc..]
 *       macro-kernel: C[ic.., jc..] ← A·B + β·C
 * ```
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import { MR } from "./wat-gemm.ts";
import type { KernelExports } from "./wat-module.ts";

/** Cache blocking of one precision (element counts). */
export interface GemmBlocking {
  /** Rows of the packed A block (multiple of MR; sized for L2). */
  readonly mc: number;
  /** Depth of a k-slice (sized so an A and a B micro-panel fit in L1). */
  readonly kc: number;
  /** Columns of the packed B panel (multiple of NR; sized for L3). */
  readonly nc: number;
  /** Columns of the register block. */
  readonly nr: number;
}

/** Blocking used for each precision on this machine class (32 KiB L1d, 512 KiB L2). */
export const BLOCKING = {
  float32: { mc: 120, kc: 256, nc: 4096, nr: 8 },
  float64: { mc: 96, kc: 256, nc: 1024, nr: 4 },
} as const satisfies Record<string, GemmBlocking>;

/** Scratch bytes a GEMM of this shape needs: the A block, the B panel and an MR × NR edge tile. */
export function gemmScratchBytes(
  blocking: GemmBlocking,
  bytes: number,
  m: number,
  n: number,
  k: number,
): number {
  const { mc, kc, nc, nr } = blocking;
  const rows = Math.min(mc, Math.ceil(m / MR) * MR);
  const depth = Math.min(kc, k);
  const cols = Math.min(nc, Math.ceil(n / nr) * nr);
  return (rows * depth + depth * cols + MR * nr) * bytes + 64;
}

/**
 * C ← α·op(A)·op(B) + β·C with every operand resident in wasm memory at the given addresses;
 * `scratch` has {@link gemmScratchBytes} bytes. Requires m, n, k > 0.
 */
export function blockedGemm(
  wasm: KernelExports,
  blocking: GemmBlocking,
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: { address: number; matrix: Matrix },
  b: { address: number; matrix: Matrix },
  beta: number,
  c: { address: number; matrix: Matrix },
  k: number,
  scratch: number,
): void {
  const bytes = c.matrix.data.BYTES_PER_ELEMENT;
  const { mc, kc, nc } = blocking;
  const m = c.matrix.rows;
  const n = c.matrix.cols;
  const lda = a.matrix.ld * bytes;
  const ldb = b.matrix.ld * bytes;
  const ldc = c.matrix.ld * bytes;
  const packedA = scratch;
  const packedB = packedA + Math.min(mc, Math.ceil(m / MR) * MR) * Math.min(kc, k) * bytes;
  const edge = packedB + Math.min(kc, k) * Math.min(nc, Math.ceil(n / blocking.nr) * blocking.nr) * bytes;
  const packA = transA ? wasm.pack_a_t : wasm.pack_a_n;
  const packB = transB ? wasm.pack_b_t : wasm.pack_b_n;
  for (let jc = 0; jc < n; jc += nc) {
    const ncb = Math.min(nc, n - jc);
    for (let pc = 0; pc < k; pc += kc) {
      const kcb = Math.min(kc, k - pc);
      const bAt = b.address + (transB ? jc * ldb + pc * bytes : pc * ldb + jc * bytes);
      packB(bAt, ldb, kcb, ncb, packedB);
      const betaNow = pc === 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += mc) {
        const mcb = Math.min(mc, m - ic);
        const aAt = a.address + (transA ? pc * lda + ic * bytes : ic * lda + pc * bytes);
        packA(aAt, lda, mcb, kcb, alpha, packedA);
        wasm.gemm_macro(
          mcb,
          ncb,
          kcb,
          packedA,
          packedB,
          kcb * blocking.nr * bytes,
          c.address + ic * ldc + jc * bytes,
          ldc,
          blocking.nr * bytes,
          betaNow,
          edge,
        );
      }
    }
  }
}
