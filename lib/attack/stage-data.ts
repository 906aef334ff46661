/**
 * The clean data of a standalone stage target: `datasets` seeded sets of Q Gaussian message rows,
 * their P coded symbols (encoded in float64, stored in the campaign's precision) and the
 * tolerance a caller would state for them. Trial k uses set k mod `datasets`; the sets are made
 * once, so a trial costs one decode plus copies of the symbols it corrupts.
 *
 * Tolerance: `scale = toleranceScale · max |message entry|` (the Σ|terms| bound of a stage whose
 * message entries are exact; a scale factor emulates a layer's sums of many products, about
 * √terms for random signs), `epsilon = roundoffEpsilon(dtype, Q, float64 accumulation,
 * worst-case)`: the storage rounding plus the float64 encode.
 *
 * @example
 * ```ts
 * import { gaussianSystematic } from "../codes/generators.ts";
 * import { MdsStage } from "../codes/stage.ts";
 * import { StageData } from "./stage-data.ts";
 * const data = new StageData(new MdsStage("forward", gaussianSystematic(7, 5, 1)), {
 *   length: 2000, dtype: "float32", datasets: 16, seed: 1, toleranceScale: 1,
 * });
 * data.symbols[3][6].length; // 2000: symbol 6 of data set 3
 * ```
 *
 * @module
 */

import type { StageCode } from "../codes/stage.ts";
import { type DecodeTolerance, roundoffEpsilon } from "../codes/tolerance.ts";
import { Rng } from "../random/rng.ts";
import { allocFloat, type DType, type Float } from "../tensor/matrix.ts";

/** Options of {@link StageData}. */
export interface StageDataOptions {
  /** Entries per symbol. */
  readonly length: number;
  /** Storage precision of the symbols. */
  readonly dtype: DType;
  /** Number of data sets. */
  readonly datasets: number;
  /** Seed of the messages (stream "attack/data/<stage name>"). */
  readonly seed: number;
  /** Factor on the tolerance's scale (1: the exact max |message entry|). */
  readonly toleranceScale: number;
}

/** The clean data of a stage; see the module documentation. */
export class StageData {
  /** Message rows per data set, float64: `messages[d][q]`. */
  readonly messages: Float64Array[][];
  /** Clean stored symbols per data set: `symbols[d][p]`. */
  readonly symbols: Float[][];
  /** The stated tolerance per data set. */
  readonly tolerance: DecodeTolerance[];

  constructor(readonly stage: StageCode, readonly options: StageDataOptions) {
    const { length, dtype, datasets, seed, toleranceScale } = options;
    const rng = Rng.named(seed, `attack/data/${stage.name}`);
    const epsilon = roundoffEpsilon(dtype, stage.Q, { accumulation: "float64", bound: "worst-case" });
    const exact = Array.from({ length: stage.P }, () => new Float64Array(length));
    this.messages = [];
    this.symbols = [];
    this.tolerance = [];
    for (let d = 0; d < datasets; d++) {
      const messages = Array.from({ length: stage.Q }, () => {
        const m = new Float64Array(length);
        for (let l = 0; l < length; l++) m[l] = rng.normal();
        return m;
      });
      let max = 0;
      for (const m of messages) for (let l = 0; l < length; l++) max = Math.max(max, Math.abs(m[l]));
      stage.encode(messages, exact, length);
      this.messages.push(messages);
      this.symbols.push(exact.map((y) => {
        const s = allocFloat(dtype, length);
        s.set(y);
        return s;
      }));
      this.tolerance.push({ scale: toleranceScale * max, epsilon });
    }
  }
}
