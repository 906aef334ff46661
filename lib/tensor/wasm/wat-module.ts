/**
 * The whole kernel module as WebAssembly text: every kernel for f32 and f64, and the Philox block
 * filler (wat-philox.ts), over one imported shared memory (`env.memory`). All pointers are byte
 * addresses in that memory; strides are in bytes.
 *
 * @module
 */

import { combineWat } from "./wat-combine.ts";
import { elementwiseWat } from "./wat-elementwise.ts";
import { fusedWat } from "./wat-fused.ts";
import { gemmWat } from "./wat-gemm.ts";
import { level2Wat } from "./wat-level2.ts";
import { normsWat } from "./wat-norms.ts";
import { packIndexedWat } from "./wat-pack-indexed.ts";
import { philoxWat } from "./wat-philox.ts";
import { sparseInputWat } from "./wat-sparse-input.ts";
import { quickMarginWat } from "./wat-quick-margin.ts";
import { precisions } from "./wat-text.ts";
import { trainingWat } from "./wat-training.ts";

/** The module text; `relaxed` picks `relaxed_madd` (FMA where available) over `mul` + `add`. */
export function kernelModuleWat(relaxed: boolean): string {
  const bodies = precisions(relaxed).flatMap((
    p,
  ) => [
    gemmWat(p),
    packIndexedWat(p),
    sparseInputWat(p),
    level2Wat(p),
    fusedWat(p),
    elementwiseWat(p),
    trainingWat(p),
    combineWat(p),
    normsWat(p),
    quickMarginWat(p),
  ]);
  return `(module
  (import "env" "memory" (memory 1 65536 shared))
${bodies.join("\n")}
${philoxWat()}
)`;
}

/** The functions the module exports for one precision (`t` is `f32` or `f64`), pointers as numbers. */
export interface KernelExports {
  pack_a_n: (src: number, lda: number, mc: number, kc: number, alpha: number, dst: number) => void;
  pack_a_t: (src: number, lda: number, mc: number, kc: number, alpha: number, dst: number) => void;
  pack_b_n: (src: number, ldb: number, kc: number, nc: number, dst: number) => void;
  pack_b_t: (src: number, ldb: number, kc: number, nc: number, dst: number) => void;
  gemm_macro: (
    mc: number,
    nc: number,
    kc: number,
    pa: number,
    pb: number,
    bps: number,
    pc: number,
    ldc: number,
    cps: number,
    beta: number,
    tmp: number,
  ) => void;
  pack_a_n_ix: (
    src: number,
    lda: number,
    mc: number,
    kc: number,
    alpha: number,
    kix: number,
    dst: number,
  ) => void;
  pack_a_t_ix: (
    src: number,
    lda: number,
    mc: number,
    kc: number,
    alpha: number,
    rix: number,
    dst: number,
  ) => void;
  gemm_macro_gb: (
    mc: number,
    nc: number,
    kc: number,
    pa: number,
    pb: number,
    bps: number,
    pc: number,
    ldc: number,
    cps: number,
    beta: number,
    tmp: number,
    kix: number,
    groups: number,
  ) => void;
  gemm_macro_sc: (
    mc: number,
    nc: number,
    kc: number,
    pa: number,
    pb: number,
    bps: number,
    pc: number,
    ldc: number,
    cps: number,
    beta: number,
    tmp: number,
    rix: number,
  ) => void;
  sparse_rows: (
    px: number,
    ldx: number,
    rows: number,
    cols: number,
    limit: number,
    rowptr: number,
    entries: number,
  ) => number;
  sparse_columns: (
    px: number,
    ldx: number,
    rows: number,
    list: number,
    count: number,
    rowBytes: number,
    limit: number,
    colptr: number,
    entries: number,
  ) => number;
  sparse_forward: (
    panels: number,
    rows: number,
    rowptr: number,
    pw: number,
    wps: number,
    n: number,
    ps: number,
    lds: number,
    tmp: number,
  ) => void;
  sparse_update: (
    panels: number,
    count: number,
    list: number,
    colptr: number,
    alpha: number,
    pd: number,
    pw: number,
    wps: number,
  ) => void;
  gemv_n: (
    pa: number,
    lda: number,
    m: number,
    k: number,
    px: number,
    alpha: number,
    beta: number,
    py: number,
  ) => void;
  gemv_t: (
    pa: number,
    lda: number,
    m: number,
    n: number,
    px: number,
    alpha: number,
    beta: number,
    py: number,
  ) => void;
  ger: (pa: number, lda: number, m: number, n: number, px: number, py: number, alpha: number) => void;
  gemv_t_ger: (
    pa: number,
    lda: number,
    m: number,
    n: number,
    px: number,
    alpha: number,
    py: number,
    pu: number,
    pv: number,
    gamma: number,
  ) => void;
  bias_add: (px: number, ldx: number, rows: number, cols: number, pb: number) => void;
  bias_relu: (px: number, ldx: number, rows: number, cols: number, pb: number) => void;
  relu_backward: (pd: number, ldd: number, rows: number, cols: number, pz: number, ldz: number) => void;
  column_sums: (pa: number, lda: number, rows: number, cols: number, alpha: number, py: number) => void;
  gather_u8: (src: number, rows: number, cols: number, table: number, dst: number, ldd: number) => void;
  nonzero_columns: (px: number, ldx: number, rows: number, cols: number, mask: number) => void;
  combine: (n: number, count: number, ptrs: number, coefs: number, py: number) => void;
  max_abs: (n: number, px: number) => number;
  narrow_diff: (n: number, pa: number, pb: number, pout: number) => number;
  norm_update: (n: number, psq: number, pv: number, pw: number, a2: number, aa: number, g: number) => number;
  squared_norm: (n: number, px: number) => number;
  quick_margin1: (len: number, n: number, ptrs: number, h: number, inv0: number, inv1: number) => number;
  quick_margin2: (len: number, n: number, ptrs: number, h: number, inv0: number, inv1: number) => number;
}

/** The exports of an instance for one precision, with the `_f32`/`_f64` suffix removed. */
export function exportsFor(instance: WebAssembly.Instance, s: "f32" | "f64"): KernelExports {
  const names: (keyof KernelExports)[] = [
    "pack_a_n",
    "pack_a_t",
    "pack_b_n",
    "pack_b_t",
    "gemm_macro",
    "pack_a_n_ix",
    "pack_a_t_ix",
    "gemm_macro_gb",
    "gemm_macro_sc",
    "sparse_rows",
    "sparse_columns",
    "sparse_forward",
    "sparse_update",
    "gemv_n",
    "gemv_t",
    "ger",
    "gemv_t_ger",
    "bias_add",
    "bias_relu",
    "relu_backward",
    "column_sums",
    "gather_u8",
    "nonzero_columns",
    "combine",
    "max_abs",
    "narrow_diff",
    "norm_update",
    "squared_norm",
    "quick_margin1",
    "quick_margin2",
  ];
  return Object.fromEntries(names.map((n) => [n, instance.exports[`${n}_${s}`]])) as unknown as KernelExports;
}
