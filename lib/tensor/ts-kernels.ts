/**
 * `tsKernels`: the pure-TypeScript fast kernels (register-tiled GEMM, unrolled level-2 loops),
 * used where WebAssembly is not wanted and as a point of comparison in the benchmark.
 * Operands live in ordinary typed arrays.
 *
 * @module
 */

import {
  checkBias,
  checkGemmShapes,
  checkGemvShapes,
  checkGerShapes,
  checkRankUpdateShapes,
  checkSameDtype,
  checkSameShape,
  type Kernels,
} from "./kernels.ts";
import { allocFloat, type Float, Matrix } from "./matrix.ts";
import { tiledGemm } from "./ts-gemm.ts";
import {
  checkGather,
  checkInputForwardShapes,
  checkInputUpdateShapes,
  readInputWeightsInto,
  rowInputWeights,
  rowsOf,
} from "./input-weights.ts";

/** The pure-TypeScript implementation of {@link Kernels}. */
export const tsKernels: Kernels = {
  name: "ts",

  matrix: (rows, cols, dtype) => Matrix.zeros(rows, cols, dtype),
  vector: (length, dtype) => allocFloat(dtype, length),

  gemm(transA, transB, alpha, a, b, beta, c) {
    const k = checkGemmShapes(transA, transB, a, b, c);
    checkSameDtype("gemm", a, b, c);
    if (c.rows === 0 || c.cols === 0) return;
    if (k === 0 || alpha === 0) {
      for (let i = 0; i < c.rows; i++) {
        const row = c.row(i);
        for (let j = 0; j < row.length; j++) row[j] = beta === 0 ? 0 : beta * row[j];
      }
      return;
    }
    tiledGemm(transA, transB, alpha, a, b, beta, c, k);
  },

  gemv(trans, alpha, a, x, beta, y) {
    checkGemvShapes(trans, a, x, y);
    checkSameDtype("gemv", a, x, y);
    if (trans) gemvTransposed(alpha, a, x, beta, y);
    else gemvRows(alpha, a, x, beta, y);
  },

  ger(alpha, x, y, a) {
    checkGerShapes(x, y, a);
    checkSameDtype("ger", x, y, a);
    const { data, ld, offset, cols } = a;
    for (let i = 0; i < a.rows; i++) {
      const s = alpha * x[i];
      const at = offset + i * ld;
      for (let j = 0; j < cols; j++) data[at + j] += s * y[j];
    }
  },

  rankUpdate(alpha, a, b, w) {
    checkRankUpdateShapes(a, b, w);
    tsKernels.gemm(true, false, alpha, a, b, 1, w);
  },

  biasRelu(x, bias) {
    checkBias(x, bias);
    const { data, ld, offset, cols } = x;
    for (let i = 0; i < x.rows; i++) {
      const at = offset + i * ld;
      for (let j = 0; j < cols; j++) {
        data[at + j] = Math.max(0, data[at + j] + bias[j]);
      }
    }
  },

  biasAdd(x, bias) {
    checkBias(x, bias);
    const { data, ld, offset, cols } = x;
    for (let i = 0; i < x.rows; i++) {
      const at = offset + i * ld;
      for (let j = 0; j < cols; j++) data[at + j] += bias[j];
    }
  },

  reluBackward(delta, z) {
    checkSameShape("reluBackward", delta, z);
    for (let i = 0; i < delta.rows; i++) {
      const d = delta.offset + i * delta.ld;
      const q = z.offset + i * z.ld;
      for (let j = 0; j < delta.cols; j++) if (!(z.data[q + j] > 0)) delta.data[d + j] = 0;
    }
  },

  addColumnSums(alpha, a, y) {
    checkBias(a, y);
    checkSameDtype("addColumnSums", a, y);
    const sums = new Float64Array(a.cols);
    const { data, ld, offset, cols } = a;
    for (let i = 0; i < a.rows; i++) {
      const at = offset + i * ld;
      for (let j = 0; j < cols; j++) sums[j] += data[at + j];
    }
    for (let j = 0; j < cols; j++) y[j] += alpha * sums[j];
  },

  gatherBytes(bytes, indices, table, x) {
    checkGather(bytes, indices, table, x);
    checkSameDtype("gatherBytes", x, table);
    const { data, ld, offset, cols } = x;
    for (let r = 0; r < indices.length; r++) {
      const src = indices[r] * cols;
      const dst = offset + r * ld;
      for (let j = 0; j < cols; j++) data[dst + j] = table[bytes[src + j]];
    }
  },

  inputWeights: (w) => rowInputWeights(w, allocFloat(w.dtype, w.rows * w.cols)),

  readInputWeights: (p, out) => readInputWeightsInto(p, out),

  inputForward(x, p, out) {
    checkInputForwardShapes(x, p, out);
    tsKernels.gemm(false, true, 1, x, rowsOf(p), 0, out);
  },

  inputUpdate(alpha, delta, x, p) {
    checkInputUpdateShapes(delta, x, p);
    tsKernels.rankUpdate(alpha, delta, x, rowsOf(p));
  },
};

/** y ← α·A·x + β·y: a dot product per row, four partial sums in flight. */
function gemvRows(alpha: number, a: Matrix, x: Float, beta: number, y: Float): void {
  const { data, ld, offset, cols } = a;
  const k4 = cols - (cols % 4);
  for (let i = 0; i < a.rows; i++) {
    const at = offset + i * ld;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let p = 0;
    for (; p < k4; p += 4) {
      s0 += data[at + p] * x[p];
      s1 += data[at + p + 1] * x[p + 1];
      s2 += data[at + p + 2] * x[p + 2];
      s3 += data[at + p + 3] * x[p + 3];
    }
    for (; p < cols; p++) s0 += data[at + p] * x[p];
    y[i] = alpha * (s0 + s1 + s2 + s3) + (beta === 0 ? 0 : beta * y[i]);
  }
}

/** y ← α·Aᵀ·x + β·y: scale y once, then add rows of A two at a time. */
function gemvTransposed(alpha: number, a: Matrix, x: Float, beta: number, y: Float): void {
  const { data, ld, offset, cols } = a;
  for (let j = 0; j < cols; j++) y[j] = beta === 0 ? 0 : beta * y[j];
  let i = 0;
  for (; i + 1 < a.rows; i += 2) {
    const s0 = alpha * x[i];
    const s1 = alpha * x[i + 1];
    const r0 = offset + i * ld;
    const r1 = r0 + ld;
    for (let j = 0; j < cols; j++) y[j] += s0 * data[r0 + j] + s1 * data[r1 + j];
  }
  if (i < a.rows) {
    const s = alpha * x[i];
    const r = offset + i * ld;
    for (let j = 0; j < cols; j++) y[j] += s * data[r + j];
  }
}
