/**
 * The interface every coding scheme of a layer implements (grid, ABFT, Generalized PolyDot,
 * replication), so that strategies and the node program can swap them.
 *
 * A layer W (rows × cols = N × preN) is stored as one block per node. Per training step:
 *
 * - forward: node `id` (if `forwardActive`) multiplies its block by `forwardInput(id, x)`; the
 *   products of the nodes in `forwardGroups()[k]` are summed into coded symbol k of the forward
 *   stage (a P_f × Q_f code), of `layout.forwardLength` entries per sample; every node decodes the
 *   stage's `wanted` message rows, which are consecutive `forwardLength` slices of the (padded)
 *   output s = W·x;
 * - backward: likewise with `backwardInput(id, δ)`, transposed products (`δ̃ᵀ·W̃`), the backward
 *   groups and stage, and slices of c = Wᵀ·δ of `layout.backwardLength`;
 * - update: `W̃_id += η · δ̂ · x̂ᵀ` with `(x̂, δ̂) = updateInputs(id, x, δ)`: the encoding is bilinear,
 *   so the stored blocks stay a codeword without re-encoding W;
 * - regeneration: a node's block rebuilt from peers, `W̃_id = Σ coefficients[k] · W̃_sources[k]`.
 *
 * Vectors are sample-major batches: `x` is batch × cols, `δ` is batch × rows (row-major). A coded
 * symbol of a batch is the node products' batch × length matrix, row-major, decoded as one vector
 * of batch·length entries; decoded row w then holds entry `w·length + k` of sample b at `b·length + k`.
 * For B = 1 the output views can be slices of one padded buffer of `parts · length` entries (the
 * padded tail is zero and is dropped).
 *
 * Tolerance of a stage (see tolerance.ts): `scale = forwardScale(rowNormBound, ‖x‖)`,
 * `epsilon` from the storage precision and `forwardTerms(layout)` (backward likewise).
 *
 * @module
 */

import type { Float, Matrix } from "../tensor/matrix.ts";
import type { Partition, RowChunk } from "./blocks.ts";
import type { StageCode } from "./stage.ts";

/** Code families (the `--code` choices of `encode`). */
export const CODE_KINDS = ["grid", "polydot", "replication", "abft", "uncoded"] as const;
/** A code family. */
export type CodeKind = typeof CODE_KINDS[number];

/** Block geometry of one layer under a code. */
export interface LayerLayout {
  /** Cut of the N rows (output dimension) into row blocks. */
  readonly rows: Partition;
  /** Cut of the preN columns (input dimension) into column blocks. */
  readonly cols: Partition;
  /** Rows of every stored block (padding included). */
  readonly blockRows: number;
  /** Columns of every stored block (padding included). */
  readonly blockCols: number;
  /** Entries per sample of a forward symbol (= blockRows). */
  readonly forwardLength: number;
  /** Entries per sample of a backward symbol (= blockCols). */
  readonly backwardLength: number;
}

/** How to rebuild one node's stored block from peers. */
export interface RegenerationPlan {
  /** The node whose block is rebuilt. */
  readonly node: number;
  /** Peer nodes read. */
  readonly sources: readonly number[];
  /** W̃_node = Σ_k coefficients[k] · W̃_sources[k]. */
  readonly coefficients: readonly number[];
  /**
   * The same block from a different set of peers, where the code has one to spare: the two agree
   * unless a peer's block is itself corrupted (then the node program rolls back instead).
   */
  readonly check?: { readonly sources: readonly number[]; readonly coefficients: readonly number[] };
}

/** A coding scheme for one layer; see the module documentation. */
export interface LayerCode {
  /** Code family. */
  readonly kind: CodeKind;
  /** Number of nodes P. */
  readonly nodes: number;
  /** The forward stage code. */
  readonly forward: StageCode;
  /** The backward stage code. */
  readonly backward: StageCode;
  /** Human-readable parameters, e.g. "Pr=7 qr=5 Pc=6 qc=4". */
  readonly label: string;
  /** Block geometry for a rows × cols weight matrix (throws RangeError if impossible). */
  layout(rows: number, cols: number): LayerLayout;
  /** One line about node `id` (its place and role), for listings. */
  describeNode(id: number): string;
  /** Whether node `id` computes a product in the forward phase. */
  forwardActive(id: number): boolean;
  /** Whether node `id` computes a product in the backward phase. */
  backwardActive(id: number): boolean;
  /** For each forward symbol, the nodes whose products sum to it. */
  forwardGroups(): readonly (readonly number[])[];
  /** For each backward symbol, the nodes whose products sum to it. */
  backwardGroups(): readonly (readonly number[])[];
  /**
   * The stored block of node `id` for weights `w` (float64 accumulation, `w`'s precision), written
   * into `out` (blockRows × blockCols, `w`'s dtype) when given, else into a new matrix. With
   * `chunk`, `w` holds only a band of W's rows ({@link RowChunk}) and only the block's rows of that
   * band are written.
   */
  encodeBlock(id: number, w: Matrix, layout: LayerLayout, out?: Matrix, chunk?: RowChunk): Matrix;
  /** What node `id` multiplies its block by in the forward phase: batch × blockCols. */
  forwardInput(id: number, layout: LayerLayout, x: Float, out: Float, batch?: number): void;
  /** What node `id` multiplies its transposed block by in the backward phase: batch × blockRows. */
  backwardInput(id: number, layout: LayerLayout, delta: Float, out: Float, batch?: number): void;
  /** The encoded vectors (x̂: batch × blockCols, δ̂: batch × blockRows) of node `id`'s update. */
  updateInputs(
    id: number,
    layout: LayerLayout,
    x: Float,
    delta: Float,
    outX: Float,
    outDelta: Float,
    batch?: number,
  ): void;
  /**
   * The decoder's `scale` for the forward stage (a bound on Σ|terms| of every message entry),
   * given a bound on the 2-norms of W's rows and the 2-norm of one input sample. It is
   * `rowNorm · inputNorm` times the number of row–input products that meet in one message entry
   * (1 for the grid; up to 2 for PolyDot, whose message also holds cross terms).
   */
  forwardScale(rowNorm: number, inputNorm: number): number;
  /** Likewise for the backward stage, from a bound on W's column 2-norms and ‖δ‖₂ of one sample. */
  backwardScale(colNorm: number, deltaNorm: number): number;
  /** Products accumulated into one forward symbol entry (for `roundoffEpsilon`). */
  forwardTerms(layout: LayerLayout): number;
  /** Products accumulated into one backward symbol entry. */
  backwardTerms(layout: LayerLayout): number;
  /**
   * How to rebuild node `id`'s block after `stage` located a fault in a symbol it contributes to,
   * reading no node in `exclude`. Throws RangeError if too few peers remain.
   */
  regeneration(id: number, stage: "forward" | "backward", exclude?: readonly number[]): RegenerationPlan;
}

/** Node blocks for all nodes: `code.encodeBlock` for every id. */
export function encodeLayer(code: LayerCode, w: Matrix): Matrix[] {
  const layout = code.layout(w.rows, w.cols);
  return Array.from({ length: code.nodes }, (_, id) => code.encodeBlock(id, w, layout));
}
