/**
 * Naive reference kernels: the textbook loops, in float64 accumulation, written for reading and
 * for checking the fast kernels, never for speed.
 *
 * @module
 */

import { allocFloat, type Float, Matrix } from "./matrix.ts";
import { checkGemmShapes, type Kernels } from "./kernels.ts";

/** The reference implementation of {@link Kernels}. */
export const naiveKernels: Kernels = {
  name: "naive",

  matrix: (rows, cols, dtype) => Matrix.zeros(rows, cols, dtype),
  vector: (length, dtype) => allocFloat(dtype, length),

  gemm(transA, transB, alpha, a, b, beta, c) {
    const k = checkGemmShapes(transA, transB, a, b, c);
    for (let i = 0; i < c.rows; i++) {
      for (let j = 0; j < c.cols; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += (transA ? a.get(p, i) : a.get(i, p)) * (transB ? b.get(j, p) : b.get(p, j));
        }
        c.set(i, j, alpha * s + (beta === 0 ? 0 : beta * c.get(i, j)));
      }
    }
  },

  gemv(trans, alpha, a, x, beta, y) {
    const m = trans ? a.cols : a.rows;
    const k = trans ? a.rows : a.cols;
    if (x.length !== k || y.length !== m) {
      throw new RangeError(`gemv shapes: op(A) ${m}×${k}, x ${x.length}, y ${y.length}`);
    }
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (trans ? a.get(p, i) : a.get(i, p)) * x[p];
      y[i] = alpha * s + (beta === 0 ? 0 : beta * y[i]);
    }
  },

  ger(alpha, x, y, a) {
    if (x.length !== a.rows || y.length !== a.cols) {
      throw new RangeError(`ger shapes: x ${x.length}, y ${y.length}, A ${a.rows}×${a.cols}`);
    }
    for (let i = 0; i < a.rows; i++) {
      for (let j = 0; j < a.cols; j++) a.set(i, j, a.get(i, j) + alpha * x[i] * y[j]);
    }
  },

  rankUpdate(alpha, a, b, w) {
    naiveKernels.gemm(true, false, alpha, a, b, 1, w);
  },

  biasRelu(x: Matrix, bias: Float) {
    if (bias.length !== x.cols) throw new RangeError(`bias ${bias.length} for ${x.cols} columns`);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < x.cols; j++) x.set(i, j, Math.max(0, x.get(i, j) + bias[j]));
    }
  },

  biasAdd(x: Matrix, bias: Float) {
    if (bias.length !== x.cols) throw new RangeError(`bias ${bias.length} for ${x.cols} columns`);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < x.cols; j++) x.set(i, j, x.get(i, j) + bias[j]);
    }
  },
};
