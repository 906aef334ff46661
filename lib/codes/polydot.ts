/**
 * Generalized PolyDot (Dutta et al., ISIT 2018; DESIGN.md §1.2) over P nodes at the Chebyshev
 * points α_p. W is cut into m × n blocks W_ij (N/m × preN/n); node p stores
 * `W̃_p = Σ_ij W_ij·α_p^(n·i+j)`, a polynomial of degree mn − 1 in α evaluated at α_p.
 *
 * - forward: node p multiplies by `x̃_p = Σ_j x_j·α_p^(n−1−j)`; its product is the evaluation at
 *   α_p of a polynomial with mn + n − 1 (matrix) coefficients, and `s_i` is the coefficient of
 *   `u^(n·i+n−1)`: a (P, mn + n − 1) code with Vandermonde generator, wanted rows n·i + n − 1;
 * - backward: `δ̃_p = Σ_i δ_i·α_p^(n(m−1−i))`, product `δ̃_pᵀ·W̃_p` has 2mn − n coefficients and
 *   `c_j` is the coefficient of `u^(n(m−1)+j)`;
 * - update: `W̃_p += η·(Σ_i δ_i α_p^(n·i))·(Σ_j x_j α_p^j)ᵀ`;
 * - regeneration: W̃_p from any mn other nodes (Lagrange interpolation of the stored polynomial).
 *
 * B > 1 applies the same encodings to every sample (column) of the batch.
 *
 * @example
 * ```ts
 * import { polyDotCode } from "./polydot.ts";
 * const code = polyDotCode({ m: 2, n: 2, p: 12 });
 * code.forward.Q;      // 5  (mn + n − 1)
 * code.backward.Q;     // 6  (2mn − n)
 * code.forward.wanted; // [1, 3]
 * ```
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { Float, Matrix } from "../tensor/matrix.ts";
import { blockLayout, combineBlocks, combineMatrixBlocks, type RowChunk } from "./blocks.ts";
import { chebyshevPoints, vandermonde } from "./generators.ts";
import type { LayerCode, LayerLayout, RegenerationPlan } from "./layer-code.ts";
import { regenerationCoefficients } from "./regeneration.ts";
import { MdsStage } from "./stage.ts";

/** Parameters of {@link polyDotCode}. */
export interface PolyDotParams {
  /** Row blocks of W. */
  readonly m: number;
  /** Column blocks of W. */
  readonly n: number;
  /** Nodes P. */
  readonly p: number;
}

/** The Generalized PolyDot code; see the module documentation. */
export class PolyDotCode implements LayerCode {
  readonly kind = "polydot" as const;
  readonly nodes: number;
  readonly forward: MdsStage;
  readonly backward: MdsStage;
  readonly label: string;
  /** Evaluation points α_p (Chebyshev points of the first kind). */
  readonly points: Float64Array;
  /** The (P, mn) code of the stored blocks (Vandermonde of degree mn − 1). */
  readonly storage: Matrix;
  readonly #m: number;
  readonly #n: number;

  constructor(params: PolyDotParams) {
    const { m, n, p } = params;
    for (const [name, v] of [["m", m], ["n", n], ["P", p]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) {
        throw new UsageError(`PolyDot code: ${name} must be a positive integer, got ${v}`);
      }
    }
    const qf = m * n + n - 1;
    const qb = 2 * m * n - n;
    if (p <= Math.max(qf, qb)) {
      throw new UsageError(
        `PolyDot code (m=${m}, n=${n}) needs P > ${
          Math.max(qf, qb)
        } nodes (forward threshold ${qf}, backward ${qb}), got P = ${p}`,
      );
    }
    this.#m = m;
    this.#n = n;
    this.nodes = p;
    this.points = chebyshevPoints(p);
    this.forward = new MdsStage(
      "forward",
      vandermonde(this.points, qf),
      Array.from({ length: m }, (_, i) => n * i + n - 1),
    );
    this.backward = new MdsStage(
      "backward",
      vandermonde(this.points, qb),
      Array.from({ length: n }, (_, j) => n * (m - 1) + j),
    );
    this.storage = vandermonde(this.points, m * n);
    this.label = `m=${m} n=${n} P=${p}`;
  }

  /** α_p^e for e = 0..count−1 picked by `exponent(k)`. */
  #powers(id: number, count: number, exponent: (k: number) => number): Float64Array {
    if (!(id >= 0 && id < this.nodes)) throw new RangeError(`node ${id} outside 0..${this.nodes - 1}`);
    return Float64Array.from({ length: count }, (_, k) => this.points[id] ** exponent(k));
  }

  describeNode(id: number): string {
    return `α = ${this.#powers(id, 2, (k) => k)[1]}`;
  }

  layout(rows: number, cols: number): LayerLayout {
    if (rows < this.#m || cols < this.#n) {
      throw new UsageError(
        `a ${rows}×${cols} matrix cannot be cut into m = ${this.#m} × n = ${this.#n} blocks`,
      );
    }
    return blockLayout(rows, cols, this.#m, this.#n);
  }

  forwardActive(): boolean {
    return true;
  }

  backwardActive(): boolean {
    return true;
  }

  forwardGroups(): number[][] {
    return Array.from({ length: this.nodes }, (_, p) => [p]);
  }

  backwardGroups(): number[][] {
    return this.forwardGroups();
  }

  /** A forward coefficient u^e gathers products of at most two row blocks (e = n·i + j + n − 1 − k). */
  forwardScale(rowNorm: number, inputNorm: number): number {
    return Math.min(this.#m, 2) * rowNorm * inputNorm;
  }

  /** A backward coefficient u^e fixes i′ − i and j: one column of W against δ. */
  backwardScale(colNorm: number, deltaNorm: number): number {
    return colNorm * deltaNorm;
  }

  forwardTerms(layout: LayerLayout): number {
    return layout.blockCols;
  }

  backwardTerms(layout: LayerLayout): number {
    return layout.blockRows;
  }

  encodeBlock(id: number, w: Matrix, layout: LayerLayout, out?: Matrix, chunk?: RowChunk): Matrix {
    const n = this.#n;
    return combineMatrixBlocks(
      w,
      layout.rows,
      layout.cols,
      this.#powers(id, this.#m, (i) => n * i),
      this.#powers(id, n, (j) => j),
      out,
      chunk,
    );
  }

  forwardInput(id: number, layout: LayerLayout, x: Float, out: Float, batch = 1): void {
    const n = this.#n;
    combineBlocks(layout.cols, this.#powers(id, n, (j) => n - 1 - j), x, out, batch);
  }

  backwardInput(id: number, layout: LayerLayout, delta: Float, out: Float, batch = 1): void {
    const { m, n } = { m: this.#m, n: this.#n };
    combineBlocks(layout.rows, this.#powers(id, m, (i) => n * (m - 1 - i)), delta, out, batch);
  }

  updateInputs(
    id: number,
    layout: LayerLayout,
    x: Float,
    delta: Float,
    outX: Float,
    outDelta: Float,
    batch = 1,
  ): void {
    const n = this.#n;
    combineBlocks(layout.cols, this.#powers(id, n, (j) => j), x, outX, batch);
    combineBlocks(layout.rows, this.#powers(id, this.#m, (i) => n * i), delta, outDelta, batch);
  }

  /** W̃_id from mn other nodes (any stage: every block lies on the same polynomial). */
  regeneration(
    id: number,
    _stage: "forward" | "backward",
    exclude: readonly number[] = [],
  ): RegenerationPlan {
    const peers = Array.from({ length: this.nodes }, (_, p) => p).filter((p) =>
      p !== id && !exclude.includes(p)
    );
    return { node: id, ...regenerationCoefficients(this.storage, id, peers) };
  }
}

/** The Generalized PolyDot code with m × n blocks over P nodes. */
export function polyDotCode(params: PolyDotParams): PolyDotCode {
  return new PolyDotCode(params);
}
