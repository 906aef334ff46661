/**
 * The hot kernels every layer and every node uses, as one interface with interchangeable
 * implementations: `naiveKernels` (the readable reference, lib/tensor/naive.ts) and the fast ones.
 * Every fast implementation is tested against the reference on random shapes.
 *
 * Activations are stored sample-major: a batch is a B × features matrix, one row per sample. So a
 * layer's forward is S = X·Wᵀ, its backward C = Δ·W, and its SGD update W += η·Δᵀ·X.
 *
 * @module
 */

import type { InputWeights } from "./input-weights.ts";
import type { DType, Float, Matrix } from "./matrix.ts";

/** The kernel set. All operands must share one precision. */
export interface Kernels {
  /** Name shown in benchmarks and result metadata. */
  readonly name: string;
  /**
   * A zero matrix in the memory these kernels run on fastest (WebAssembly memory for the wasm
   * kernels, a plain typed array otherwise). Operands allocated elsewhere still work, more slowly.
   */
  matrix(rows: number, cols: number, dtype: DType): Matrix;
  /** A zero vector in that memory. */
  vector(length: number, dtype: DType): Float;
  /** General matrix product: C ← α·op(A)·op(B) + β·C, op(X) = Xᵀ when its flag is set. */
  gemm(transA: boolean, transB: boolean, alpha: number, a: Matrix, b: Matrix, beta: number, c: Matrix): void;
  /** Matrix–vector product: y ← α·op(A)·x + β·y. */
  gemv(trans: boolean, alpha: number, a: Matrix, x: Float, beta: number, y: Float): void;
  /** Rank-1 update: A ← A + α·x·yᵀ (x has rows(A) entries, y has cols(A)). */
  ger(alpha: number, x: Float, y: Float, a: Matrix): void;
  /**
   * Rank-B update: W ← W + α·Aᵀ·B, with A (B × rows(W)) and B (B × cols(W)) sample-major;
   * this is `W += η·δ·xᵀ` summed over the batch.
   */
  rankUpdate(alpha: number, a: Matrix, b: Matrix, w: Matrix): void;
  /** Fused bias and ReLU: X[i][j] ← max(0, X[i][j] + bias[j]). */
  biasRelu(x: Matrix, bias: Float): void;
  /** Bias only: X[i][j] ← X[i][j] + bias[j]. */
  biasAdd(x: Matrix, bias: Float): void;
  /**
   * ReLU backward (the Hadamard product Δ ∘ f′(Z)): Δ[i][j] ← Z[i][j] > 0 ? Δ[i][j] : 0, where Z is
   * the layer's pre-activation or its ReLU output (same sign pattern), shaped like Δ.
   */
  reluBackward(delta: Matrix, z: Matrix): void;
  /**
   * Bias gradient: y[j] ← y[j] + α·Σ_i A[i][j], each column sum accumulated in float64 from the
   * first row down and `y[j] + α·sum` evaluated in float64 (so float32 and float64 results equal
   * those of `biasUpdate` in lib/nn/linear.ts bit for bit).
   */
  addColumnSums(alpha: number, a: Matrix, y: Float): void;
  /**
   * Batch gather from byte images: X[r][j] ← table[bytes[indices[r]·cols(X) + j]] for the first
   * `indices.length` rows of X (`bytes` holds images of cols(X) bytes one after another, `table`
   * the 256 normalised values).
   */
  gatherBytes(bytes: Uint8Array, indices: ArrayLike<number>, table: Float, x: Matrix): void;
  /** A copy of the weights `w` (outputs × inputs) in this kernel set's input-weights layout. */
  inputWeights(w: Matrix): InputWeights;
  /** Copies input weights made by {@link inputWeights} back into a row-major matrix. */
  readInputWeights(p: InputWeights, out: Matrix): void;
  /** Forward product with input weights: S ← X·Wᵀ (X is b × inputs, S is b × outputs). */
  inputForward(x: Matrix, p: InputWeights, out: Matrix): void;
  /** Update of input weights: W ← W + α·Δᵀ·X (Δ is b × outputs, X is b × inputs). */
  inputUpdate(alpha: number, delta: Matrix, x: Matrix, p: InputWeights): void;
}

/** Throws unless every operand has the same precision. */
export function checkSameDtype(kernel: string, ...operands: (Matrix | Float)[]): void {
  const names = operands.map((
    o,
  ) => (o instanceof Float32Array ? "float32" : o instanceof Float64Array ? "float64" : o.dtype));
  if (names.some((n) => n !== names[0])) {
    throw new TypeError(`${kernel}: mixed precisions ${names.join(", ")}`);
  }
}

/** Throws unless op(A)·op(B) fits C; returns the inner dimension k. */
export function checkGemmShapes(transA: boolean, transB: boolean, a: Matrix, b: Matrix, c: Matrix): number {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (k !== kb || c.rows !== m || c.cols !== n) {
    throw new RangeError(
      `gemm shapes: op(A) ${m}×${k}, op(B) ${kb}×${n}, C ${c.rows}×${c.cols}`,
    );
  }
  return k;
}

/** Throws unless op(A)·x fits y. */
export function checkGemvShapes(trans: boolean, a: Matrix, x: Float, y: Float): void {
  const m = trans ? a.cols : a.rows;
  const k = trans ? a.rows : a.cols;
  if (x.length !== k || y.length !== m) {
    throw new RangeError(`gemv shapes: op(A) ${m}×${k}, x ${x.length}, y ${y.length}`);
  }
}

/** Throws unless x·yᵀ fits A. */
export function checkGerShapes(x: Float, y: Float, a: Matrix): void {
  if (x.length !== a.rows || y.length !== a.cols) {
    throw new RangeError(`ger shapes: x ${x.length}, y ${y.length}, A ${a.rows}×${a.cols}`);
  }
}

/** Throws unless Aᵀ·B fits W (A is B × rows(W), B is B × cols(W)). */
export function checkRankUpdateShapes(a: Matrix, b: Matrix, w: Matrix): void {
  if (a.rows !== b.rows || a.cols !== w.rows || b.cols !== w.cols) {
    throw new RangeError(
      `rankUpdate shapes: A ${a.rows}×${a.cols}, B ${b.rows}×${b.cols}, W ${w.rows}×${w.cols}`,
    );
  }
}

/** Throws unless `bias` has one entry per column of X. */
export function checkBias(x: Matrix, bias: Float): void {
  if (bias.length !== x.cols) throw new RangeError(`bias ${bias.length} for ${x.cols} columns`);
}

/** Throws unless two matrices have the same shape. */
export function checkSameShape(kernel: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${kernel} shapes: ${a.rows}×${a.cols} and ${b.rows}×${b.cols}`);
  }
}
