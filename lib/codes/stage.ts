/**
 * A stage code: the (P, Q) code one phase of a layer produces (forward or backward products),
 * seen from the decoder's side. P coded symbols `y_p = Σ_q G[p][q] · m_q` of Q message rows; the
 * layer needs the message rows `wanted` (all of them for the grid, m of them for PolyDot).
 *
 * This is what the node program decodes and what the attack campaigns target: the generator, an
 * encoder of Q messages into P symbols, the theory bounds and a decoder factory.
 *
 * @example
 * ```ts
 * import { MdsStage } from "./stage.ts";
 * import { gaussianSystematic } from "./generators.ts";
 * const fwd = new MdsStage("forward", gaussianSystematic(7, 5, 1));
 * fwd.bounds; // { correctableProbabilistic: 1, correctableAdversarial: 1, detectable: 2 }
 * const dec = fwd.decoder({ length: 2000, mode: "adversarial" });
 * ```
 *
 * @module
 */

import type { Float, Matrix } from "../tensor/matrix.ts";
import { type Conditioning, type ConditioningOptions, worstConditionNumber } from "./conditioning.ts";
import type { QuickMargin } from "../tensor/naive-quick-margin.ts";
import { type DecodeMode, MdsDecoder, type StageDecoder } from "./decoder.ts";

/** What a code can do in theory, for one stage without erasures. */
export interface CodeBounds {
  /** Errors corrected when error values are continuous random (P − Q − 1 for MDS). */
  readonly correctableProbabilistic: number;
  /** Errors corrected whatever their values (⌊(P − Q)/2⌋ for MDS). */
  readonly correctableAdversarial: number;
  /** Errors always detected (P − Q for MDS). */
  readonly detectable: number;
}

/** Options of {@link StageCode.decoder}. */
export interface StageDecoderOptions {
  /** Entries per symbol (B·L for a batch of B columns). */
  readonly length: number;
  /** Error model (default probabilistic). */
  readonly mode?: DecodeMode;
  /** Seed of the decoder's random directions (default 1). */
  readonly seed?: number;
  /** Message rows to decode (default: the stage's `wanted`). */
  readonly wanted?: readonly number[];
  /**
   * The MDS decoder's one-pass clean test (default: the JS reference; the node program passes its
   * wasm kernels' `syndromeMargin`). Decoders without that test (replication) ignore it.
   */
  readonly quickMargin?: QuickMargin;
}

/** A stage code; see the module documentation. */
export interface StageCode {
  /** "forward" or "backward" (or a label in tests). */
  readonly name: string;
  /** Number of coded symbols. */
  readonly P: number;
  /** Number of message rows (recovery threshold). */
  readonly Q: number;
  /** P × Q float64 generator. */
  readonly generator: Matrix;
  /** Message rows the layer needs, in output order. */
  readonly wanted: readonly number[];
  /** Theory bounds. */
  readonly bounds: CodeBounds;
  /**
   * Encodes Q message rows into P symbols (`length` entries each, float64 accumulation, stored in
   * each symbol's precision). Used by tests and attacks; nodes never encode products.
   */
  encode(messages: readonly Float[], symbols: readonly Float[], length: number): void;
  /** A decoder with preallocated workspaces for symbols of `length` entries. */
  decoder(options: StageDecoderOptions): StageDecoder;
  /** Worst-case condition number over the decoding subsets. */
  conditioning(options?: ConditioningOptions): Conditioning;
}

/** The bounds of an MDS (P, Q) code. */
export function mdsBounds(p: number, q: number): CodeBounds {
  return {
    correctableProbabilistic: Math.max(0, p - q - 1),
    correctableAdversarial: Math.floor((p - q) / 2),
    detectable: p - q,
  };
}

/** `symbols[p] = Σ_q G[p][q]·messages[q]` over `length` entries, accumulated in float64. */
export function encodeWith(
  g: Matrix,
  messages: readonly Float[],
  symbols: readonly Float[],
  length: number,
): void {
  if (messages.length !== g.cols || symbols.length !== g.rows) {
    throw new RangeError(
      `encode: ${messages.length} messages and ${symbols.length} symbols for a ${g.rows}×${g.cols} code`,
    );
  }
  for (let p = 0; p < g.rows; p++) {
    const y = symbols[p];
    const row = g.row(p);
    for (let l = 0; l < length; l++) {
      let acc = 0;
      for (let q = 0; q < g.cols; q++) acc += row[q] * messages[q][l];
      y[l] = acc;
    }
  }
}

/** A stage of a real MDS code (grid rows or columns, PolyDot, ABFT). */
export class MdsStage implements StageCode {
  readonly P: number;
  readonly Q: number;
  readonly wanted: readonly number[];
  readonly bounds: CodeBounds;
  #conditioning: Conditioning | null = null;

  /** A stage named `name` with generator `generator`, needing message rows `wanted` (default all). */
  constructor(readonly name: string, readonly generator: Matrix, wanted?: readonly number[]) {
    this.P = generator.rows;
    this.Q = generator.cols;
    this.wanted = wanted ?? Array.from({ length: this.Q }, (_, i) => i);
    this.bounds = mdsBounds(this.P, this.Q);
  }

  encode(messages: readonly Float[], symbols: readonly Float[], length: number): void {
    encodeWith(this.generator, messages, symbols, length);
  }

  decoder(options: StageDecoderOptions): StageDecoder {
    return new MdsDecoder(this.generator, { ...options, wanted: options.wanted ?? this.wanted });
  }

  conditioning(options?: ConditioningOptions): Conditioning {
    if (options) return worstConditionNumber(this.generator, options);
    this.#conditioning ??= worstConditionNumber(this.generator);
    return this.#conditioning;
  }
}
