/**
 * Replication as a code with the same interface: an uncoded qr × qc grid of blocks, every block
 * held by `copies` nodes (node id = copy·qr·qc + i·qc + j). A stage has copies·q symbols: copy k of
 * message row i is symbol k·q + i (generator: stacked identities).
 *
 * Each message row with its copies is a (copies, 1) repetition code, which is MDS, so the stage
 * decoder runs the MDS decoder on every group: with 2 copies a mismatch is detected (roll back),
 * with 3 a single wrong copy is outvoted. Bounds per group: copies − 2 corrected (probabilistic: any
 * two agreeing copies are right), ⌊(copies − 1)/2⌋ (adversarial: majority), copies − 1 detected.
 *
 * @example
 * ```ts
 * import { replicationCode } from "./replication.ts";
 * const code = replicationCode({ copies: 2, qr: 5, qc: 4 });
 * code.nodes;          // 40, the authors' replication baseline
 * code.forward.bounds; // { correctableProbabilistic: 0, correctableAdversarial: 0, detectable: 1 }
 * ```
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { Float, Matrix } from "../tensor/matrix.ts";
import { zeros } from "../tensor/linalg.ts";
import { blockLayout, combineBlocks, combineMatrixBlocks, type RowChunk } from "./blocks.ts";
import type { Conditioning } from "./conditioning.ts";
import {
  type DecodeMode,
  type DecodeResult,
  type ErasureMask,
  MdsDecoder,
  type StageDecoder,
  type ToleranceReport,
} from "./decoder.ts";
import { repetition } from "./generators.ts";
import type { LayerCode, LayerLayout, RegenerationPlan } from "./layer-code.ts";
import { type CodeBounds, encodeWith, type StageCode, type StageDecoderOptions } from "./stage.ts";
import type { DecodeTolerance } from "./tolerance.ts";

/** Decodes every message row's group of copies with the (copies, 1) MDS decoder. */
class ReplicationDecoder implements StageDecoder {
  readonly length: number;
  readonly mode: DecodeMode;
  readonly wanted: readonly number[];
  readonly #copies: number;
  readonly #q: number;
  readonly #group: MdsDecoder;
  readonly #symbols: Float[];
  readonly #erased: Uint8Array;
  readonly #out: Float[] = [new Float64Array(0)];

  constructor(copies: number, q: number, options: StageDecoderOptions) {
    this.length = options.length;
    this.mode = options.mode ?? "probabilistic";
    this.wanted = options.wanted ?? Array.from({ length: q }, (_, i) => i);
    this.#copies = copies;
    this.#q = q;
    const ones = zeros(copies, 1);
    ones.data.fill(1);
    this.#group = new MdsDecoder(ones, { length: options.length, mode: this.mode, seed: options.seed });
    this.#symbols = new Array(copies);
    this.#erased = new Uint8Array(copies);
  }

  #gather(row: number, symbols: readonly Float[], erased: ErasureMask | null): void {
    for (let k = 0; k < this.#copies; k++) {
      this.#symbols[k] = symbols[k * this.#q + row];
      this.#erased[k] = erased !== null && erased[k * this.#q + row] ? 1 : 0;
    }
  }

  decode(
    symbols: readonly Float[],
    erased: ErasureMask | null,
    tol: DecodeTolerance,
    out: readonly Float[],
  ): DecodeResult {
    if (symbols.length !== this.#copies * this.#q) {
      throw new RangeError(`expected ${this.#copies * this.#q} symbols, got ${symbols.length}`);
    }
    if (out.length !== this.wanted.length) {
      throw new RangeError(`expected ${this.wanted.length} output views, got ${out.length}`);
    }
    if (this.#copies === 1) {
      // Uncoded: nothing to check, the message is the symbol (a NaN passes on, to the loss).
      this.wanted.forEach((row, w) => out[w].set(symbols[row].subarray(0, this.length)));
      return { verdict: "clean", located: [], erased: 0, margin: 0, bound: 0, reason: "" };
    }
    const located: number[] = [];
    let erasedCount = 0;
    let margin = 0;
    let bound = 0;
    let reason = "";
    for (let w = 0; w < this.wanted.length; w++) {
      const row = this.wanted[w];
      this.#gather(row, symbols, erased);
      this.#out[0] = out[w];
      const r = this.#group.decode(this.#symbols, this.#erased, tol, this.#out);
      for (const k of r.located) located.push(k * this.#q + row);
      erasedCount += r.erased;
      if (!(r.margin <= margin)) margin = r.margin;
      if (!(r.bound <= bound)) bound = r.bound;
      if (r.verdict === "uncorrectable" && reason === "") reason = `message row ${row}: ${r.reason}`;
    }
    located.sort((a, b) => a - b);
    const verdict = reason !== "" ? "uncorrectable" : located.length > 0 ? "corrected" : "clean";
    return {
      verdict,
      located,
      erased: erasedCount,
      margin,
      bound: verdict === "uncorrectable" ? NaN : bound,
      reason,
    };
  }

  report(tol: DecodeTolerance, erased: ErasureMask | null = null): ToleranceReport {
    const detect = new Float64Array(this.#copies * this.#q).fill(NaN);
    let output = 0;
    for (const row of this.wanted) {
      const mask = Array.from(
        { length: this.#copies },
        (_, k) => (erased !== null && erased[k * this.#q + row] ? 1 : 0),
      );
      const r = this.#group.report(tol, mask);
      r.detect.forEach((v, k) => (detect[k * this.#q + row] = v));
      output = Math.max(output, r.output);
    }
    return { detect, output };
  }
}

/** A replicated stage: `copies` copies of each of q message rows. */
export class ReplicationStage implements StageCode {
  readonly P: number;
  readonly generator: Matrix;
  readonly wanted: readonly number[];
  readonly bounds: CodeBounds;

  constructor(readonly name: string, readonly copies: number, readonly Q: number) {
    this.P = copies * Q;
    this.generator = repetition(copies, Q);
    this.wanted = Array.from({ length: Q }, (_, i) => i);
    this.bounds = {
      correctableProbabilistic: Math.max(0, copies - 2),
      correctableAdversarial: Math.floor((copies - 1) / 2),
      detectable: copies - 1,
    };
  }

  encode(messages: readonly Float[], symbols: readonly Float[], length: number): void {
    encodeWith(this.generator, messages, symbols, length);
  }

  decoder(options: StageDecoderOptions): StageDecoder {
    return new ReplicationDecoder(this.copies, this.Q, options);
  }

  /** Each group decodes from one copy: κ = 1 (exact). */
  conditioning(): Conditioning {
    return { value: 1, subset: [0], exact: true, subsets: 1, total: 1 };
  }
}

/** Parameters of {@link replicationCode}. */
export interface ReplicationParams {
  /** Copies of every block (≥ 2). */
  readonly copies: number;
  /** Row blocks of W. */
  readonly qr: number;
  /** Column blocks of W. */
  readonly qc: number;
}

/** The replication code; see the module documentation. */
export class ReplicationCode implements LayerCode {
  readonly nodes: number;
  readonly forward: ReplicationStage;
  readonly backward: ReplicationStage;
  readonly label: string;

  /**
   * `copies` ≥ 1 copies of a qr × qc block grid; one copy is the uncoded baseline (kind
   * `uncoded`: no redundancy, nothing checked). Use {@link replicationCode} or {@link uncodedCode}.
   */
  constructor(readonly params: ReplicationParams, readonly kind: "replication" | "uncoded" = "replication") {
    const { copies, qr, qc } = params;
    if (!(Number.isInteger(copies) && copies >= 1)) {
      throw new UsageError(`replication: copies must be a positive integer, got ${copies}`);
    }
    if (!(Number.isInteger(qr) && qr >= 1 && Number.isInteger(qc) && qc >= 1)) {
      throw new UsageError(`replication: qr and qc must be positive integers, got ${qr} and ${qc}`);
    }
    this.nodes = copies * qr * qc;
    this.forward = new ReplicationStage("forward", copies, qr);
    this.backward = new ReplicationStage("backward", copies, qc);
    this.label = kind === "uncoded" ? `uncoded ${qr}×${qc}` : `r=${copies} × ${qr}×${qc}`;
  }

  /** (copy, i, j) of node `id`. */
  position(id: number): { copy: number; row: number; col: number } {
    const { qr, qc } = this.params;
    if (!(Number.isInteger(id) && id >= 0 && id < this.nodes)) {
      throw new RangeError(`node ${id} outside 0..${this.nodes - 1}`);
    }
    return { copy: Math.floor(id / (qr * qc)), row: Math.floor(id / qc) % qr, col: id % qc };
  }

  #node(copy: number, row: number, col: number): number {
    return (copy * this.params.qr + row) * this.params.qc + col;
  }

  describeNode(id: number): string {
    const { copy, row, col } = this.position(id);
    return `copy ${copy} of block (${row}, ${col})`;
  }

  layout(rows: number, cols: number): LayerLayout {
    const { qr, qc } = this.params;
    if (rows < qr || cols < qc) {
      throw new UsageError(`a ${rows}×${cols} matrix cannot be cut into ${qr}×${qc} blocks`);
    }
    return blockLayout(rows, cols, qr, qc);
  }

  forwardActive(): boolean {
    return true;
  }

  backwardActive(): boolean {
    return true;
  }

  forwardGroups(): number[][] {
    const { copies, qr, qc } = this.params;
    return Array.from(
      { length: copies * qr },
      (_, s) => Array.from({ length: qc }, (_, j) => this.#node(Math.floor(s / qr), s % qr, j)),
    );
  }

  backwardGroups(): number[][] {
    const { copies, qr, qc } = this.params;
    return Array.from(
      { length: copies * qc },
      (_, s) => Array.from({ length: qr }, (_, i) => this.#node(Math.floor(s / qc), i, s % qc)),
    );
  }

  forwardScale(rowNorm: number, inputNorm: number): number {
    return rowNorm * inputNorm;
  }

  backwardScale(colNorm: number, deltaNorm: number): number {
    return colNorm * deltaNorm;
  }

  forwardTerms(layout: LayerLayout): number {
    return this.params.qc * (layout.blockCols + 1);
  }

  backwardTerms(layout: LayerLayout): number {
    return this.params.qr * (layout.blockRows + 1);
  }

  encodeBlock(id: number, w: Matrix, layout: LayerLayout, out?: Matrix, chunk?: RowChunk): Matrix {
    const { row, col } = this.position(id);
    return combineMatrixBlocks(
      w,
      layout.rows,
      layout.cols,
      unit(this.params.qr, row),
      unit(this.params.qc, col),
      out,
      chunk,
    );
  }

  forwardInput(id: number, layout: LayerLayout, x: Float, out: Float, batch = 1): void {
    combineBlocks(layout.cols, unit(this.params.qc, this.position(id).col), x, out, batch);
  }

  backwardInput(id: number, layout: LayerLayout, delta: Float, out: Float, batch = 1): void {
    combineBlocks(layout.rows, unit(this.params.qr, this.position(id).row), delta, out, batch);
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
    this.forwardInput(id, layout, x, outX, batch);
    this.backwardInput(id, layout, delta, outDelta, batch);
  }

  /** A copy from another replica of the same block, checked against a third where there is one. */
  regeneration(
    id: number,
    _stage: "forward" | "backward",
    exclude: readonly number[] = [],
  ): RegenerationPlan {
    const { copy, row, col } = this.position(id);
    const peers = Array.from({ length: this.params.copies }, (_, k) => k)
      .filter((k) => k !== copy)
      .map((k) => this.#node(k, row, col))
      .filter((peer) => !exclude.includes(peer));
    if (peers.length === 0) throw new RangeError(`node ${id}: no intact replica of its block left`);
    return {
      node: id,
      sources: [peers[0]],
      coefficients: [1],
      ...(peers.length > 1 ? { check: { sources: [peers[1]], coefficients: [1] } } : {}),
    };
  }
}

function unit(n: number, i: number): Float64Array {
  const e = new Float64Array(n);
  e[i] = 1;
  return e;
}

/** The replication code with `copies` ≥ 2 copies of a qr × qc block grid. */
export function replicationCode(params: ReplicationParams): ReplicationCode {
  if (!(Number.isInteger(params.copies) && params.copies >= 2)) {
    throw new UsageError(
      `replication: copies must be an integer ≥ 2 (1 copy is uncoded), got ${params.copies}`,
    );
  }
  return new ReplicationCode(params);
}

/**
 * The uncoded baseline: W cut into a qr × qc block grid, one node per block, no redundancy. Its
 * stages decode trivially (the message is the symbols) and can detect nothing.
 */
export function uncodedCode(params: { qr: number; qc: number }): ReplicationCode {
  return new ReplicationCode({ copies: 1, ...params }, "uncoded");
}
