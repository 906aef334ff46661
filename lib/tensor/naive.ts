/**
 * Naive reference kernels: the textbook loops, in float64 accumulation, written for reading and
 * for checking the fast kernels, never for speed.
 *
 * @module
 */

import { allocFloat, type Float, Matrix } from "./matrix.ts";
import {
  checkGather,
  checkInputForwardShapes,
  checkInputUpdateShapes,
  type InputWeights,
  readInputWeightsInto,
  rowInputWeights,
  rowsOf,
} from "./input-weights.ts";
import {
  checkBias,
  checkGemmShapes,
  checkGemvShapes,
  checkGerShapes,
  checkRankUpdateShapes,
  checkSameShape,
  type Kernels,
} from "./kernels.ts";

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
    checkGemvShapes(trans, a, x, y);
    const m = trans ? a.cols : a.rows;
    const k = trans ? a.rows : a.cols;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (trans ? a.get(p, i) : a.get(i, p)) * x[p];
      y[i] = alpha * s + (beta === 0 ? 0 : beta * y[i]);
    }
  },

  ger(alpha, x, y, a) {
    checkGerShapes(x, y, a);
    for (let i = 0; i < a.rows; i++) {
      for (let j = 0; j < a.cols; j++) a.set(i, j, a.get(i, j) + alpha * x[i] * y[j]);
    }
  },

  rankUpdate(alpha, a, b, w) {
    checkRankUpdateShapes(a, b, w);
    naiveKernels.gemm(true, false, alpha, a, b, 1, w);
  },

  biasRelu(x: Matrix, bias: Float) {
    checkBias(x, bias);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < x.cols; j++) x.set(i, j, Math.max(0, x.get(i, j) + bias[j]));
    }
  },

  biasAdd(x: Matrix, bias: Float) {
    checkBias(x, bias);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < x.cols; j++) x.set(i, j, x.get(i, j) + bias[j]);
    }
  },

  reluBackward(delta: Matrix, z: Matrix) {
    checkSameShape("reluBackward", delta, z);
    for (let i = 0; i < delta.rows; i++) {
      for (let j = 0; j < delta.cols; j++) if (!(z.get(i, j) > 0)) delta.set(i, j, 0);
    }
  },

  addColumnSums(alpha: number, a: Matrix, y: Float) {
    checkBias(a, y);
    for (let j = 0; j < a.cols; j++) {
      let s = 0;
      for (let i = 0; i < a.rows; i++) s += a.get(i, j);
      y[j] += alpha * s;
    }
  },

  gatherBytes(bytes: Uint8Array, indices: ArrayLike<number>, table: Float, x: Matrix) {
    checkGather(bytes, indices, table, x);
    for (let r = 0; r < indices.length; r++) {
      for (let j = 0; j < x.cols; j++) x.set(r, j, table[bytes[indices[r] * x.cols + j]]);
    }
  },

  inputWeights: (w: Matrix) => rowInputWeights(w, allocFloat(w.dtype, w.rows * w.cols)),

  readInputWeights: (p: InputWeights, out: Matrix) => readInputWeightsInto(p, out),

  inputForward(x: Matrix, p: InputWeights, out: Matrix) {
    checkInputForwardShapes(x, p, out);
    naiveKernels.gemm(false, true, 1, x, rowsOf(p), 0, out);
  },

  inputUpdate(alpha: number, delta: Matrix, x: Matrix, p: InputWeights) {
    checkInputUpdateShapes(delta, x, p);
    naiveKernels.rankUpdate(alpha, delta, x, rowsOf(p));
  },
};
