/**
 * Input-layer weights kept in the layout a kernel set multiplies fastest, so that the training
 * step's largest products (S = X·Wᵀ forward and W += α·Δᵀ·X update, 784 × 256 on the MNIST MLP)
 * do not re-pack W every step. The weights are owned by the kernels that created them
 * (`kernels.inputWeights(w)`) and read back with `kernels.readInputWeights`.
 *
 * Layouts:
 * - `"rows"`: W row-major (ld = cols), what the naive and TypeScript kernels use;
 * - `"panels"`: Wᵀ cut into micro-panels of `nr` columns (= `nr` rows of W), each stored k-major:
 *   element (i, j) of W at `⌊i/nr⌋·cols·nr + j·nr + (i mod nr)`, the last panel zero-padded.
 *   This is the packed-B layout of the wasm GEMM, so the forward product reads it directly and
 *   the update writes into it.
 *
 * @module
 */

import type { DType, Float } from "./matrix.ts";
import { Matrix } from "./matrix.ts";

/** Weights W (rows = outputs, cols = inputs) in a kernel set's preferred layout. */
export interface InputWeights {
  /** Outputs of the layer (rows of W). */
  readonly rows: number;
  /** Inputs of the layer (columns of W). */
  readonly cols: number;
  /** Storage precision. */
  readonly dtype: DType;
  /** How `data` is laid out (see the module documentation). */
  readonly layout: "rows" | "panels";
  /** Panel width for the `"panels"` layout (1 for `"rows"`). */
  readonly nr: number;
  /** The stored elements. */
  readonly data: Float;
}

/** Row-major input weights: a copy of `w` in `data` (for kernel sets without a packed layout). */
export function rowInputWeights(w: Matrix, data: Float): InputWeights {
  if (data.length !== w.rows * w.cols) {
    throw new RangeError(`${data.length} elements for ${w.rows}×${w.cols}`);
  }
  new Matrix(data, w.rows, w.cols).copyFrom(w);
  return { rows: w.rows, cols: w.cols, dtype: w.dtype, layout: "rows", nr: 1, data };
}

/** The row-major matrix view of `"rows"` input weights (no copy); throws for other layouts. */
export function rowsOf(p: InputWeights): Matrix {
  if (p.layout !== "rows") throw new TypeError(`input weights in the ${p.layout} layout, expected rows`);
  return new Matrix(p.data, p.rows, p.cols);
}

/** Index of element (i, j) of W in the `"panels"` layout. */
export function panelIndex(p: InputWeights, i: number, j: number): number {
  return (Math.floor(i / p.nr) * p.cols + j) * p.nr + (i % p.nr);
}

/** Copies input weights of any layout into the `rows × cols` matrix `out`. */
export function readInputWeightsInto(p: InputWeights, out: Matrix): void {
  if (out.rows !== p.rows || out.cols !== p.cols) {
    throw new RangeError(`input weights ${p.rows}×${p.cols} into a ${out.rows}×${out.cols} matrix`);
  }
  for (let i = 0; i < p.rows; i++) {
    for (let j = 0; j < p.cols; j++) {
      out.set(i, j, p.data[p.layout === "rows" ? i * p.cols + j : panelIndex(p, i, j)]);
    }
  }
}

/** Throws unless X (b × cols) and S (b × rows) fit the forward product S = X·Wᵀ. */
export function checkInputForwardShapes(x: Matrix, p: InputWeights, out: Matrix): void {
  if (x.cols !== p.cols || out.cols !== p.rows || out.rows !== x.rows) {
    throw new RangeError(
      `inputForward shapes: X ${x.rows}×${x.cols}, W ${p.rows}×${p.cols}, S ${out.rows}×${out.cols}`,
    );
  }
}

/** Throws unless Δ (b × rows) and X (b × cols) fit the update W += α·Δᵀ·X. */
export function checkInputUpdateShapes(delta: Matrix, x: Matrix, p: InputWeights): void {
  if (delta.rows !== x.rows || delta.cols !== p.rows || x.cols !== p.cols) {
    throw new RangeError(
      `inputUpdate shapes: Δ ${delta.rows}×${delta.cols}, X ${x.rows}×${x.cols}, W ${p.rows}×${p.cols}`,
    );
  }
}

/** Throws unless a byte gather of `indices` rows fits X and stays inside `bytes`. */
export function checkGather(bytes: Uint8Array, indices: ArrayLike<number>, table: Float, x: Matrix): void {
  if (table.length !== 256) throw new RangeError(`gatherBytes: a table of ${table.length} entries, need 256`);
  if (indices.length > x.rows) {
    throw new RangeError(`gatherBytes: ${indices.length} rows into a matrix of ${x.rows}`);
  }
  const count = Math.floor(bytes.length / Math.max(1, x.cols));
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    if (!(Number.isInteger(i) && i >= 0 && i < count)) {
      throw new RangeError(`gatherBytes: row ${i} outside the ${count} rows of ${x.cols} bytes`);
    }
  }
}
