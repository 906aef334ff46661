/**
 * Blocks of a layer: splitting a dimension of `total` entries into `parts` equal blocks, and the
 * two combinations every code is made of (blocks of a matrix, blocks of a vector).
 *
 * Splitting: `total` entries into `parts` equal blocks. When `parts` does not divide
 * `total`, every block has `ceil(total / parts)` entries and the last ones are padded with zeros:
 * padded weight rows and columns are zero, padded inputs are zero, so padded outputs are zero and
 * are dropped after decoding. The amount of padding is reported (`padding`), never hidden.
 *
 * @example
 * ```ts
 * import { partition } from "./blocks.ts";
 * const p = partition(10, 3); // blocks of 4: [0,4) [4,8) [8,10)+2 zeros
 * p.size;      // 4
 * p.padding;   // 2
 * p.length(2); // 2 real entries in the last block
 * ```
 *
 * @module
 */

import { Matrix } from "../tensor/matrix.ts";
import type { LayerLayout } from "./layer-code.ts";

/** A dimension cut into equal (zero-padded) blocks. */
export interface Partition {
  /** Real entries. */
  readonly total: number;
  /** Number of blocks. */
  readonly parts: number;
  /** Entries per block, padding included: ceil(total / parts). */
  readonly size: number;
  /** Zero entries added: parts·size − total. */
  readonly padding: number;
  /** First real entry of block i. */
  start(i: number): number;
  /** Real entries in block i (size minus its padding, possibly 0). */
  length(i: number): number;
}

/** Cuts `total` entries into `parts` blocks of ceil(total / parts), padding the tail with zeros. */
export function partition(total: number, parts: number): Partition {
  if (!(Number.isInteger(total) && Number.isInteger(parts) && total >= 1 && parts >= 1)) {
    throw new RangeError(`cannot cut ${total} entries into ${parts} blocks`);
  }
  const size = Math.ceil(total / parts);
  return {
    total,
    parts,
    size,
    padding: parts * size - total,
    start: (i) => i * size,
    length: (i) => Math.max(0, Math.min(size, total - i * size)),
  };
}

/**
 * The layout of a `rows` × `cols` weight matrix cut into `rowParts` × `colParts` blocks (each
 * dimension by {@link partition}): a forward symbol is a block's rows, a backward symbol its columns.
 * Every code stores blocks of this shape; each code checks first that its cut is possible.
 */
export function blockLayout(rows: number, cols: number, rowParts: number, colParts: number): LayerLayout {
  const r = partition(rows, rowParts);
  const c = partition(cols, colParts);
  return {
    rows: r,
    cols: c,
    blockRows: r.size,
    blockCols: c.size,
    forwardLength: r.size,
    backwardLength: c.size,
  };
}

/**
 * out[b][k] = Σ_j coef[j] · src[b][j·size + k] for a batch of `batch` rows (row-major, `src` rows of
 * `part.total`, `out` rows of `part.size`), with padded entries read as zero. Accumulates in
 * float64. This is every vector encoding of the codes (x̂ = G[c]·x, x̃ = Σ x_j α^e, …).
 */
export function combineBlocks(
  part: Partition,
  coef: ArrayLike<number>,
  src: ArrayLike<number>,
  out: { [i: number]: number; length: number },
  batch = 1,
): void {
  const { size, total, parts } = part;
  if (coef.length !== parts) throw new RangeError(`${coef.length} coefficients for ${parts} blocks`);
  if (src.length < batch * total || out.length < batch * size) {
    throw new RangeError(
      `combine: input ${src.length} (need ${batch * total}), output ${out.length} (need ${batch * size})`,
    );
  }
  // Block by block into a float64 accumulator: every entry adds the same terms in the same order
  // (j ascending, from +0) as Σ_j written entry by entry, in contiguous runs.
  const acc = accumulator(size);
  for (let b = 0; b < batch; b++) {
    const s0 = b * total;
    const o0 = b * size;
    acc.fill(0, 0, size);
    for (let j = 0; j < parts; j++) {
      const c = coef[j];
      if (c === 0) continue;
      const from = s0 + j * size;
      const n = Math.min(size, total - j * size);
      for (let k = 0; k < n; k++) acc[k] += c * src[from + k];
    }
    for (let k = 0; k < size; k++) out[o0 + k] = acc[k];
  }
}

/** The float64 accumulator of {@link combineBlocks}, grown on demand (one per Worker). */
let accumulatorStore = new Float64Array(0);

/** A float64 workspace of at least `length` entries. */
function accumulator(length: number): Float64Array {
  if (accumulatorStore.length < length) accumulatorStore = new Float64Array(length);
  return accumulatorStore;
}

/**
 * Rows `[from, to)` of every row block of a weight matrix, stacked: row `i·(to − from) + k − from` of
 * the chunk is row `k` of row block i (W's row `rows.start(i) + k`, zero where that is padding).
 * Lets a block be encoded a band of rows at a time without holding the whole of W.
 */
export interface RowChunk {
  readonly from: number;
  readonly to: number;
}

/**
 * The block `Σ_i Σ_j a[i]·b[j]·W[i][j]` of `w` cut by `rows` × `cols` (padding read as zero), in
 * `w`'s precision, accumulated in float64 row by row, into `into` when given (every entry is
 * written, so no allocation of a block). Every stored block of the grid, ABFT,
 * PolyDot and replication codes is of this separable form. With `chunk`, `w` is a {@link RowChunk}
 * of W and only the block's rows `[chunk.from, chunk.to)` are written (the same values).
 */
export function combineMatrixBlocks(
  w: Matrix,
  rows: Partition,
  cols: Partition,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  into?: Matrix,
  chunk?: RowChunk,
): Matrix {
  const from = chunk?.from ?? 0;
  const to = chunk?.to ?? rows.size;
  const height = to - from;
  const wRows = chunk ? rows.parts * height : rows.total;
  if (!(from >= 0 && to <= rows.size && from < to)) {
    throw new RangeError(`row chunk [${from}, ${to}) outside blocks of ${rows.size} rows`);
  }
  if (w.rows !== wRows || w.cols !== cols.total) {
    throw new RangeError(
      `weights ${w.rows}×${w.cols} do not match the layout ${wRows}×${cols.total}${
        chunk ? " (a row chunk)" : ""
      }`,
    );
  }
  if (a.length !== rows.parts || b.length !== cols.parts) {
    throw new RangeError(`${a.length}×${b.length} coefficients for ${rows.parts}×${cols.parts} blocks`);
  }
  if (into && (into.rows !== rows.size || into.cols !== cols.size || into.dtype !== w.dtype)) {
    throw new RangeError(
      `block ${into.rows}×${into.cols} ${into.dtype} is not ${rows.size}×${cols.size} ${w.dtype}`,
    );
  }
  const out = into ?? Matrix.zeros(rows.size, cols.size, w.dtype);
  const acc = new Float64Array(cols.size);
  for (let k = from; k < to; k++) {
    acc.fill(0);
    for (let i = 0; i < rows.parts; i++) {
      if (a[i] === 0 || k >= rows.length(i)) continue;
      const src = w.row(chunk ? i * height + k - from : rows.start(i) + k);
      for (let j = 0; j < cols.parts; j++) {
        const c = a[i] * b[j];
        if (c === 0) continue;
        const s0 = cols.start(j);
        const n = cols.length(j);
        for (let l = 0; l < n; l++) acc[l] += c * src[s0 + l];
      }
    }
    out.row(k).set(acc);
  }
  return out;
}
