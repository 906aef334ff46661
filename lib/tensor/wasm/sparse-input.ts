/**
 * The input layer's products over the non-zero entries of a mostly-zero batch X (wat-sparse-input.ts),
 * against the pre-packed weights (`"panels"` layout):
 *
 * - forward S = X·Wᵀ: X as compressed rows; per row and block of up to 6 panels (48 outputs), the
 *   sum over the row's entries of x · (that input's k-step of each panel), in registers;
 * - update Wᵀ += α·Xᵀ·Δ: X by columns, Δ row-major (copied with its rows padded to whole panels
 *   when they are not); per non-zero input column and block of panels, Σ x·Δ[i] in registers,
 *   then one update of that row of Wᵀ.
 *
 * A batch of MNIST images holds about 150 non-zero pixels per image, under a third of the ~500
 * columns that are non-zero somewhere in a batch of 64, so these do about a third of the
 * multiply-adds of the dense products over those columns (panel-gemm.ts). They cost more per
 * multiply-add (a gathered load per pair of them), so {@link compressRows} gives up when X holds
 * more than {@link SPARSE_SHARE} of a dense product's pairs, and the caller goes dense.
 *
 * @module
 */

import type { Matrix } from "../matrix.ts";
import type { Placed, PlacedIndices, PlacedPanels } from "./panel-gemm.ts";
import { entryBytes, SPARSE_PANELS, SPARSE_WIDTHS } from "./wat-sparse-input.ts";
import type { KernelExports } from "./wat-module.ts";

/**
 * Largest share of non-zero entries (of rows × non-zero columns) for which the sparse products
 * run: a sparse multiply-add costs about 1.7 dense ones, and a dense product over the non-zero
 * columns also has its packing to pay.
 */
export const SPARSE_SHARE = 0.5;

/** X's entries by rows ({@link compressRows}) in a scratch region. */
export interface CompressedInput {
  readonly rows: number;
  readonly cols: number;
  /** Non-zero entries. */
  readonly nnz: number;
  /** rows + 1 byte addresses into the row entries. */
  readonly rowptr: number;
  /** The row entries. */
  readonly rowEntries: number;
  /** 2·SPARSE_PANELS vectors of scratch for a last panel that sticks out of S. */
  readonly tmp: number;
}

/** The layout of the scratch region at `base` for X of rows × cols and lists of `capacity` entries. */
function layout(base: number, rows: number, cols: number, bytes: number, capacity: number) {
  const align = (n: number) => Math.ceil(n / 16) * 16;
  let at = base;
  const take = (size: number) => {
    const here = at;
    at += align(size);
    return here;
  };
  const entries = entryBytes(bytes) * capacity;
  return {
    tmp: take(2 * SPARSE_PANELS * 16),
    rowptr: take(4 * (rows + 1)),
    rowEntries: take(entries),
    colptr: take(4 * (cols + 1)),
    colEntries: take(entries),
    end: at,
  };
}

/** Entries the lists must hold for X of rows × cols with at most `limit` accepted (plus a row or column). */
function capacityOf(limit: number, rows: number, cols: number): number {
  return limit + Math.max(rows, cols) + 4;
}

/** X's entries by listed columns ({@link compressColumns}) in a scratch region. */
export interface ColumnEntries {
  /** Non-zero entries. */
  readonly nnz: number;
  /** count + 1 byte addresses into the column entries. */
  readonly colptr: number;
  /** The column entries. */
  readonly colEntries: number;
}

/** Scratch bytes {@link compressRows} or {@link compressColumns} need for X of rows × cols. */
export function sparseScratchBytes(rows: number, cols: number, bytes: number, limit: number): number {
  return layout(0, rows, cols, bytes, capacityOf(limit, rows, cols)).end + 16;
}

/**
 * X (arena-resident) by rows in `scratch`, or undefined when it has more than `limit` non-zero
 * entries.
 */
export function compressRows(
  wasm: KernelExports,
  x: Placed,
  limit: number,
  scratch: number,
): CompressedInput | undefined {
  const { rows, cols, ld, data } = x.matrix;
  const bytes = data.BYTES_PER_ELEMENT;
  const at = layout(Math.ceil(scratch / 16) * 16, rows, cols, bytes, capacityOf(limit, rows, cols));
  const nnz = wasm.sparse_rows(x.address, ld * bytes, rows, cols, limit, at.rowptr, at.rowEntries);
  if (nnz < 0) return undefined;
  return { rows, cols, nnz, rowptr: at.rowptr, rowEntries: at.rowEntries, tmp: at.tmp };
}

/**
 * X's entries by the columns `columns` (all its non-zero columns, increasing) in `scratch`, with
 * the row offsets `rowBytes·i` of the Δ the update reads; undefined when X has more than
 * `limit` non-zero entries.
 */
export function compressColumns(
  wasm: KernelExports,
  x: Placed,
  columns: PlacedIndices,
  rowBytes: number,
  limit: number,
  scratch: number,
): ColumnEntries | undefined {
  const { rows, cols, ld, data } = x.matrix;
  const bytes = data.BYTES_PER_ELEMENT;
  const at = layout(Math.ceil(scratch / 16) * 16, rows, cols, bytes, capacityOf(limit, rows, cols));
  const nnz = wasm.sparse_columns(
    x.address,
    ld * bytes,
    rows,
    columns.address,
    columns.count,
    rowBytes,
    limit,
    at.colptr,
    at.colEntries,
  );
  if (nnz < 0) return undefined;
  return { nnz, colptr: at.colptr, colEntries: at.colEntries };
}

/** Calls `run(first, width)` over the panels `0 … panels−1` in blocks of the generated widths. */
function blocks(panels: number, run: (first: number, width: number) => void): void {
  for (let first = 0; first < panels;) {
    const width = SPARSE_WIDTHS.find((w) => w <= panels - first)!;
    run(first, width);
    first += width;
  }
}

/** S ← X·Wᵀ over the row entries of `c`; W pre-packed, `nr` columns per panel. */
export function sparseForward(
  wasm: KernelExports,
  c: CompressedInput,
  w: PlacedPanels,
  nr: number,
  s: Placed,
): void {
  const bytes = s.matrix.data.BYTES_PER_ELEMENT;
  const wps = w.cols * nr * bytes;
  const lds = s.matrix.ld * bytes;
  blocks(Math.ceil(w.rows / nr), (first, width) =>
    wasm.sparse_forward(
      width,
      c.rows,
      c.rowptr,
      w.address + first * wps,
      wps,
      w.rows - first * nr,
      s.address + first * nr * bytes,
      lds,
      c.tmp,
    ));
}

/**
 * Wᵀ ← Wᵀ + α·Xᵀ·Δ over the column entries of `c` (for the listed `columns`); Δ row-major at
 * `delta` with whole panels in every row (the row offsets given to {@link compressColumns}).
 */
export function sparseUpdate(
  wasm: KernelExports,
  c: ColumnEntries,
  columns: PlacedIndices,
  alpha: number,
  delta: number,
  w: PlacedPanels,
  nr: number,
  bytes: number,
): void {
  const wps = w.cols * nr * bytes;
  blocks(Math.ceil(w.rows / nr), (first, width) =>
    wasm.sparse_update(
      width,
      columns.count,
      columns.address,
      c.colptr,
      alpha,
      delta + first * nr * bytes,
      w.address + first * wps,
      wps,
    ));
}

/** The `limit` for {@link compressRows}: the share {@link SPARSE_SHARE} of X's rows × `count` columns. */
export function sparseLimit(x: Matrix, count: number): number {
  return Math.floor(SPARSE_SHARE * x.rows * count);
}
