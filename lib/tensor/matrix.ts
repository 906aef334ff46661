/**
 * The matrix type: an `ndarray` view (shape [rows, cols], row stride `ld`, unit column stride) over
 * Float32Array or Float64Array memory. Views share memory: a block of a weight matrix, a row of a
 * batch, or a region of WebAssembly memory are all matrices without copying.
 *
 * Hot loops take the typed array and the index arithmetic directly (see kernels); `nd` is there
 * for the non-hot element-wise work with ndarray-ops.
 *
 * @example
 * ```ts
 * import { Matrix } from "./matrix.ts";
 * const a = Matrix.zeros(3, 4, "float64");
 * a.set(1, 2, 5);
 * const block = a.view(1, 2, 2, 2); // rows 1..2, cols 2..3
 * block.get(0, 0); // 5
 * ```
 *
 * @module
 */

// @ts-types="@types/ndarray"
import ndarray from "ndarray";
import type { NdArray } from "ndarray";

/** Element precision of stored data. */
export type DType = "float32" | "float64";
/** Typed arrays a matrix can live in. */
export type Float = Float32Array | Float64Array;

/** A new zero-filled typed array of `dtype`. */
export function allocFloat(dtype: DType, length: number): Float {
  return dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
}

/** The dtype of a typed array. */
export function dtypeOf(data: Float): DType {
  return data instanceof Float32Array ? "float32" : "float64";
}

/** A dense row-major matrix view; element (i, j) is `data[offset + i * ld + j]`. */
export class Matrix {
  #nd: NdArray<Float> | undefined;

  constructor(
    /** Underlying memory. */
    readonly data: Float,
    /** Number of rows. */
    readonly rows: number,
    /** Number of columns. */
    readonly cols: number,
    /** Row stride in elements (≥ cols). */
    readonly ld: number = cols,
    /** Index of element (0, 0) in `data`. */
    readonly offset: number = 0,
  ) {
    if (!(rows >= 0 && cols >= 0 && ld >= cols && offset >= 0)) {
      throw new RangeError(`bad matrix shape ${rows}×${cols} ld ${ld} offset ${offset}`);
    }
    if (rows > 0 && cols > 0 && offset + (rows - 1) * ld + cols > data.length) {
      throw new RangeError(
        `matrix ${rows}×${cols} (ld ${ld}, offset ${offset}) exceeds memory of ${data.length}`,
      );
    }
  }

  /**
   * ndarray view of the same memory (shape [rows, cols], stride [ld, 1]), made on first use: the
   * training loops make many short-lived matrix views and never ask for it.
   */
  get nd(): NdArray<Float> {
    return this.#nd ??= ndarray(this.data, [this.rows, this.cols], [this.ld, 1], this.offset);
  }

  /** A zero matrix with its own memory. */
  static zeros(rows: number, cols: number, dtype: DType = "float32"): Matrix {
    return new Matrix(allocFloat(dtype, rows * cols), rows, cols);
  }

  /** A matrix over a copy of row-major `values`. */
  static from(rows: number, cols: number, values: ArrayLike<number>, dtype: DType = "float64"): Matrix {
    if (values.length !== rows * cols) throw new RangeError(`${values.length} values for ${rows}×${cols}`);
    const m = Matrix.zeros(rows, cols, dtype);
    m.data.set(values);
    return m;
  }

  /** Storage precision. */
  get dtype(): DType {
    return dtypeOf(this.data);
  }

  /** True when rows are adjacent in memory (ld = cols). */
  get contiguous(): boolean {
    return this.ld === this.cols;
  }

  /** Element (i, j). */
  get(i: number, j: number): number {
    return this.data[this.offset + i * this.ld + j];
  }

  /** Sets element (i, j). */
  set(i: number, j: number, v: number): void {
    this.data[this.offset + i * this.ld + j] = v;
  }

  /** Row `i` as a typed-array view (no copy). */
  row(i: number): Float {
    const s = this.offset + i * this.ld;
    return this.data.subarray(s, s + this.cols);
  }

  /** The `rows × cols` sub-matrix starting at (i, j), sharing memory. */
  view(i: number, j: number, rows: number, cols: number): Matrix {
    if (i < 0 || j < 0 || i + rows > this.rows || j + cols > this.cols) {
      throw new RangeError(`view (${i},${j}) ${rows}×${cols} outside ${this.rows}×${this.cols}`);
    }
    return new Matrix(this.data, rows, cols, this.ld, this.offset + i * this.ld + j);
  }

  /** A contiguous copy, optionally in another precision. */
  clone(dtype: DType = this.dtype): Matrix {
    const m = Matrix.zeros(this.rows, this.cols, dtype);
    for (let i = 0; i < this.rows; i++) m.data.set(this.row(i), i * this.cols);
    return m;
  }

  /** Copies `src` (same shape) into this matrix. */
  copyFrom(src: Matrix): void {
    if (src.rows !== this.rows || src.cols !== this.cols) {
      throw new RangeError(`copy ${src.rows}×${src.cols} into ${this.rows}×${this.cols}`);
    }
    for (let i = 0; i < this.rows; i++) this.data.set(src.row(i), this.offset + i * this.ld);
  }

  /** Row-major copy of the elements as a new Float64Array. */
  toFloat64(): Float64Array {
    const out = new Float64Array(this.rows * this.cols);
    for (let i = 0; i < this.rows; i++) out.set(this.row(i), i * this.cols);
    return out;
  }
}
