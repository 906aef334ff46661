/**
 * The outcome of one attack trial, decided from what was injected and what the decoder said,
 * checked against the exact result. Every trial gets exactly one class:
 *
 * | outcome        | meaning                                                                     |
 * | -------------- | --------------------------------------------------------------------------- |
 * | `clean`        | no fault struck (t = 0, or an intermittent/mercurial fault idle), accepted  |
 * | `false-alarm`  | nothing was changed, yet the decoder located or refused something           |
 * | `masked`       | a fault changed data, the decoder saw nothing, and the result is within the |
 * |                | decoder's stated accuracy (`bound`): below its tolerance, harmless          |
 * | `corrected`    | the decoder located only faulty symbols (or recovered erasures) and the     |
 * |                | result is within its stated accuracy                                        |
 * | `detected`     | the decoder refused the stage (uncorrectable): the run would roll back      |
 * | `mislocated`   | the result is right, but the decoder blamed a symbol that was not faulty    |
 * |                | (its node's block would be rebuilt while the faulty one stays wrong)        |
 * | `silent`       | a wrong result accepted: the decoder's failure                              |
 * | `undetectable` | a wrong result accepted where the error was a codeword (in-span): silent by |
 * |                | construction, no decoder can see it                                         |
 * | `crash`        | the decoder threw, or accepted a non-finite result                          |
 * | `hang`         | the decode took longer than the trial's time budget                         |
 *
 * "Right" means every decoded entry within the decoder's own stated bound of the exact message.
 *
 * @module
 */

import type { Verdict } from "../codes/decoder.ts";

/** The outcome classes, in table order. */
export const OUTCOMES = [
  "clean",
  "false-alarm",
  "masked",
  "corrected",
  "detected",
  "mislocated",
  "silent",
  "undetectable",
  "crash",
  "hang",
] as const;
/** An outcome class. */
export type Outcome = typeof OUTCOMES[number];

/** What happened in a trial, as {@link classify} needs it. */
export interface TrialFacts {
  /** A fault struck (even one that changed nothing). */
  readonly attempted: boolean;
  /** Symbols whose data changed. */
  readonly changed: readonly number[];
  /** Number of erased symbols. */
  readonly erased: number;
  /** The decoder threw. */
  readonly threw: boolean;
  /** Its verdict (when it did not throw). */
  readonly verdict?: Verdict;
  /** Symbols it located. */
  readonly located?: readonly number[];
  /** Largest |decoded − exact| over the output (NaN if non-finite), for accepted stages. */
  readonly outputError?: number;
  /** The decoder's stated accuracy for accepted stages. */
  readonly bound?: number;
  /** Seconds the decode took, and the budget. */
  readonly seconds: number;
  readonly budgetSeconds: number;
  /** The attack's errors are codewords (in-span). */
  readonly undetectableByConstruction: boolean;
}

/** The outcome of a trial; see the module documentation. */
export function classify(f: TrialFacts): Outcome {
  if (f.threw) return "crash";
  if (f.seconds > f.budgetSeconds) return "hang";
  const touched = f.changed.length > 0 || f.erased > 0;
  if (f.verdict === "uncorrectable") return touched ? "detected" : "false-alarm";
  const error = f.outputError ?? NaN;
  if (!Number.isFinite(error)) return "crash";
  if (!(error <= (f.bound ?? NaN))) {
    return f.undetectableByConstruction && touched ? "undetectable" : "silent";
  }
  const located = f.located ?? [];
  if (!touched) return located.length > 0 ? "false-alarm" : f.attempted ? "masked" : "clean";
  if (located.some((p) => !f.changed.includes(p))) return "mislocated";
  if (located.length > 0 || f.erased > 0) return "corrected";
  return "masked";
}
