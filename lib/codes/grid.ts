/**
 * The grid code of the authors' implementation (DESIGN.md §1.1).
 *
 * W (N × preN) is cut into qr × qc blocks W[i][j]. Nodes sit on a Pr × Pc grid without corner
 * nodes, numbered row by row: node (r, c) stores `W̃[r][c] = Σ_i Σ_j Gr[r][i]·Gc[c][j]·W[i][j]`,
 * which with systematic generators is W[r][c] (r < qr, c < qc, "systematic"), a combination of
 * grid column c's blocks (r ≥ qr, "row-parity") or of grid row r's blocks (c ≥ qc,
 * "column-parity"). P = qr·Pc + (Pr − qr)·qc.
 *
 * - forward: nodes with c < qc multiply by x_c; grid row r sums to `s̃_r = Σ_i Gr[r][i]·s_i`,
 *   a (Pr, qr) codeword over grid rows;
 * - backward: nodes with r < qr multiply by δ_r (transposed); grid column c sums to
 *   `c̃_c = Σ_j Gc[c][j]·c_j`, a (Pc, qc) codeword over grid columns;
 * - update: `W̃[r][c] += η·δ̂_r·x̂_cᵀ` with `x̂_c = Σ_j Gc[c][j]·x_j`, `δ̂_r = Σ_i Gr[r][i]·δ_i`;
 * - regeneration: a block is rebuilt from qr blocks of its grid column (after a forward fault) or
 *   qc blocks of its grid row (after a backward fault).
 *
 * Sizes the grid does not divide are zero-padded (see blocks.ts); `layout` reports the padding.
 *
 * @example
 * ```ts
 * import { gridCode } from "./grid.ts";
 * const code = gridCode({ pr: 7, qr: 5, pc: 6, qc: 4, seed: 1 });
 * code.nodes;            // 38
 * code.position(30);     // { row: 5, col: 2, role: "row-parity" }
 * code.forward.bounds;   // (7, 5): corrects 1, detects 2
 * ```
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { Float, Matrix } from "../tensor/matrix.ts";
import { blockLayout, combineBlocks, combineMatrixBlocks, type RowChunk } from "./blocks.ts";
import { type GeneratorKind, systematicGenerator } from "./generators.ts";
import type { CodeKind, LayerCode, LayerLayout, RegenerationPlan } from "./layer-code.ts";
import { regenerationCoefficients } from "./regeneration.ts";
import { MdsStage } from "./stage.ts";

/** Grid parameters: a (Pr, qr) code over grid rows, a (Pc, qc) code over grid columns. */
export interface GridShape {
  /** Grid rows Pr. */
  readonly pr: number;
  /** Systematic grid rows qr (row blocks of W). */
  readonly qr: number;
  /** Grid columns Pc. */
  readonly pc: number;
  /** Systematic grid columns qc (column blocks of W). */
  readonly qc: number;
}

/** Parameters of {@link gridCode}. */
export interface GridParams extends GridShape {
  /** Generator family (default `gaussian`, the authors' `[I; randn]`). */
  readonly generator?: GeneratorKind;
  /** Seed of the Gaussian generators (default 1). */
  readonly seed?: number;
}

/** What a grid node stores. */
export type GridRole = "systematic" | "row-parity" | "column-parity";

/** A node's place on the grid. */
export interface GridPosition {
  readonly row: number;
  readonly col: number;
  readonly role: GridRole;
}

/** Throws a UsageError unless the grid shape is valid. */
export function checkGridShape(s: GridShape, what = "grid code"): void {
  for (const [name, v] of [["Pr", s.pr], ["qr", s.qr], ["Pc", s.pc], ["qc", s.qc]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) {
      throw new UsageError(`${what}: ${name} must be a positive integer, got ${v}`);
    }
  }
  if (s.pr <= s.qr) {
    throw new UsageError(`${what}: Pr = ${s.pr} must exceed qr = ${s.qr} (the row code needs a parity row)`);
  }
  if (s.pc <= s.qc) {
    throw new UsageError(
      `${what}: Pc = ${s.pc} must exceed qc = ${s.qc} (the column code needs a parity column)`,
    );
  }
}

/** The grid code (and ABFT, which is the grid with checksum generators); see the module documentation. */
export class GridCode implements LayerCode {
  readonly nodes: number;
  readonly forward: MdsStage;
  readonly backward: MdsStage;
  readonly label: string;
  readonly #positions: GridPosition[] = [];
  readonly #ids: Int32Array;

  /**
   * A grid with explicit systematic generators `gr` (Pr × qr) and `gc` (Pc × qc). Use
   * {@link gridCode} or `abftCode` rather than calling this directly.
   */
  constructor(
    readonly kind: CodeKind,
    readonly shape: GridShape,
    readonly rowGenerator: Matrix,
    readonly colGenerator: Matrix,
  ) {
    checkGridShape(shape, kind === "abft" ? "ABFT code" : "grid code");
    const { pr, qr, pc, qc } = shape;
    if (
      rowGenerator.rows !== pr || rowGenerator.cols !== qr || colGenerator.rows !== pc ||
      colGenerator.cols !== qc
    ) {
      throw new RangeError("generator shapes do not match the grid");
    }
    this.#ids = new Int32Array(pr * pc).fill(-1);
    for (let r = 0; r < pr; r++) {
      for (let c = 0; c < pc; c++) {
        if (r >= qr && c >= qc) continue;
        this.#ids[r * pc + c] = this.#positions.length;
        this.#positions.push({
          row: r,
          col: c,
          role: r < qr && c < qc ? "systematic" : r >= qr ? "row-parity" : "column-parity",
        });
      }
    }
    this.nodes = this.#positions.length;
    this.forward = new MdsStage("forward", rowGenerator);
    this.backward = new MdsStage("backward", colGenerator);
    this.label = `Pr=${pr} qr=${qr} Pc=${pc} qc=${qc}`;
  }

  /** Grid position and role of node `id`. */
  position(id: number): GridPosition {
    const p = this.#positions[id];
    if (!p) throw new RangeError(`node ${id} outside 0..${this.nodes - 1}`);
    return p;
  }

  /** The node at grid position (row, col), or −1 for a (missing) corner position. */
  nodeAt(row: number, col: number): number {
    if (!(row >= 0 && row < this.shape.pr && col >= 0 && col < this.shape.pc)) {
      throw new RangeError(`grid position (${row}, ${col}) outside ${this.shape.pr}×${this.shape.pc}`);
    }
    return this.#ids[row * this.shape.pc + col];
  }

  describeNode(id: number): string {
    const { row, col, role } = this.position(id);
    return `grid (${row}, ${col}) ${role}`;
  }

  layout(rows: number, cols: number): LayerLayout {
    if (rows < this.shape.qr || cols < this.shape.qc) {
      throw new UsageError(
        `a ${rows}×${cols} matrix cannot be cut into qr = ${this.shape.qr} row blocks and qc = ${this.shape.qc} column blocks`,
      );
    }
    return blockLayout(rows, cols, this.shape.qr, this.shape.qc);
  }

  forwardActive(id: number): boolean {
    return this.position(id).col < this.shape.qc;
  }

  backwardActive(id: number): boolean {
    return this.position(id).row < this.shape.qr;
  }

  forwardGroups(): number[][] {
    return Array.from(
      { length: this.shape.pr },
      (_, r) => Array.from({ length: this.shape.qc }, (_, c) => this.nodeAt(r, c)),
    );
  }

  backwardGroups(): number[][] {
    return Array.from(
      { length: this.shape.pc },
      (_, c) => Array.from({ length: this.shape.qr }, (_, r) => this.nodeAt(r, c)),
    );
  }

  forwardScale(rowNorm: number, inputNorm: number): number {
    return rowNorm * inputNorm;
  }

  backwardScale(colNorm: number, deltaNorm: number): number {
    return colNorm * deltaNorm;
  }

  forwardTerms(layout: LayerLayout): number {
    return this.shape.qc * (layout.blockCols + 1);
  }

  backwardTerms(layout: LayerLayout): number {
    return this.shape.qr * (layout.blockRows + 1);
  }

  encodeBlock(id: number, w: Matrix, layout: LayerLayout, out?: Matrix, chunk?: RowChunk): Matrix {
    const { row, col } = this.position(id);
    return combineMatrixBlocks(
      w,
      layout.rows,
      layout.cols,
      this.rowGenerator.row(row),
      this.colGenerator.row(col),
      out,
      chunk,
    );
  }

  forwardInput(id: number, layout: LayerLayout, x: Float, out: Float, batch = 1): void {
    if (!this.forwardActive(id)) {
      throw new RangeError(`node ${id} is a column-parity node, idle in the forward phase`);
    }
    combineBlocks(layout.cols, this.colGenerator.row(this.position(id).col), x, out, batch);
  }

  backwardInput(id: number, layout: LayerLayout, delta: Float, out: Float, batch = 1): void {
    if (!this.backwardActive(id)) {
      throw new RangeError(`node ${id} is a row-parity node, idle in the backward phase`);
    }
    combineBlocks(layout.rows, this.rowGenerator.row(this.position(id).row), delta, out, batch);
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
    const { row, col } = this.position(id);
    combineBlocks(layout.cols, this.colGenerator.row(col), x, outX, batch);
    combineBlocks(layout.rows, this.rowGenerator.row(row), delta, outDelta, batch);
  }

  /**
   * Forward fault → rebuild from qr blocks of the node's grid column (`W̃[r][c]` is row r of a
   * (Pr, qr) codeword there); backward fault → from qc blocks of its grid row.
   */
  regeneration(id: number, stage: "forward" | "backward", exclude: readonly number[] = []): RegenerationPlan {
    const { row, col } = this.position(id);
    const { pr, pc, qr, qc } = this.shape;
    if (stage === "forward") {
      if (col >= qc) {
        throw new RangeError(`node ${id} (column-parity) has no full grid column to regenerate from`);
      }
      const peers = Array.from({ length: pr }, (_, r) => r).filter((r) =>
        !exclude.includes(this.nodeAt(r, col))
      );
      const plan = regenerationCoefficients(this.rowGenerator, row, peers);
      const at = (r: number) => this.nodeAt(r, col);
      return {
        node: id,
        sources: plan.sources.map(at),
        coefficients: plan.coefficients,
        ...(plan.check
          ? { check: { sources: plan.check.sources.map(at), coefficients: plan.check.coefficients } }
          : {}),
      };
    }
    if (row >= qr) throw new RangeError(`node ${id} (row-parity) has no full grid row to regenerate from`);
    const peers = Array.from({ length: pc }, (_, c) => c).filter((c) =>
      !exclude.includes(this.nodeAt(row, c))
    );
    const plan = regenerationCoefficients(this.colGenerator, col, peers);
    const at = (c: number) => this.nodeAt(row, c);
    return {
      node: id,
      sources: plan.sources.map(at),
      coefficients: plan.coefficients,
      ...(plan.check
        ? { check: { sources: plan.check.sources.map(at), coefficients: plan.check.coefficients } }
        : {}),
    };
  }
}

/**
 * The grid code with generators of `generator` kind (default Gaussian `[I; randn]`), Gr from the
 * seed's "grid-rows" stream and Gc from its "grid-cols" stream.
 */
export function gridCode(params: GridParams): GridCode {
  checkGridShape(params);
  const { pr, qr, pc, qc, generator = "gaussian", seed = 1 } = params;
  return new GridCode(
    "grid",
    { pr, qr, pc, qc },
    systematicGenerator(generator, pr, qr, seed, "grid-rows"),
    systematicGenerator(generator, pc, qc, seed, "grid-cols"),
  );
}
