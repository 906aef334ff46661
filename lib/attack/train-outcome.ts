/**
 * The outcome of one training trial, judged against the fault-free run with the same training
 * seed. The classes are the stage campaign's ({@link OUTCOMES}); a training run uses these:
 *
 * | outcome       | meaning                                                                          |
 * | ------------- | -------------------------------------------------------------------------------- |
 * | `clean`       | no fault changed anything, nothing was detected, the weights match               |
 * | `false-alarm` | no fault changed anything, yet a stage was found wrong (located or rolled back)  |
 * | `masked`      | faults changed data, nothing was detected, and the final weights match anyway    |
 * | `corrected`   | faulty symbols were located and their blocks rebuilt, no roll-back, weights match|
 * | `detected`    | an uncorrectable stage made the run roll back; the final weights match           |
 * | `silent`      | the run finished with weights that differ beyond the tolerance                   |
 * | `crash`       | the run threw, stopped on a non-finite loss, or ended with non-finite weights     |
 * | `hang`        | the run exceeded its time budget (or the nodes stopped answering)                |
 *
 * "Match" means the largest relative difference of any weight or bias array
 * ({@link weightDifference}) is within the campaign's tolerance. A run that detected something
 * and still ended wrong is `silent` (the reason says what was detected).
 *
 * @module
 */

import type { MlpState } from "../nn/state.ts";
import type { Outcome } from "./outcome.ts";

/**
 * Largest relative difference between two networks: over every weight and bias array,
 * max |a − b| / max |b| (NaN if any entry of `a` is not finite). The naive reference is the
 * definition itself; there is no fast variant.
 */
export function weightDifference(a: MlpState, b: MlpState): number {
  const arrays = [...a.weights.map((w, i) => [w, b.weights[i]]), ...a.biases.map((w, i) => [w, b.biases[i]])];
  let worst = 0;
  for (const [x, y] of arrays) {
    if (x.length !== y.length) throw new RangeError(`arrays of ${x.length} and ${y.length} entries`);
    let num = 0;
    let den = 0;
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) return NaN;
      num = Math.max(num, Math.abs(x[i] - y[i]));
      den = Math.max(den, Math.abs(y[i]));
    }
    worst = Math.max(worst, num / Math.max(den, 1e-30));
  }
  return worst;
}

/** What happened in a training trial, as {@link classifyTrainTrial} needs it. */
export interface TrainTrialFacts {
  /** The run threw (message), or undefined. */
  readonly error?: string;
  /** The run exceeded its budget or the nodes stopped answering. */
  readonly hung: boolean;
  /** The run stopped on a non-finite loss (the uncoded baseline). */
  readonly diverged: boolean;
  /** Faults injected, and those that changed at least one entry. */
  readonly injected: number;
  readonly changed: number;
  /** Symbols located and corrected, and roll-backs, over the run. */
  readonly corrected: number;
  readonly rollbacks: number;
  /** {@link weightDifference} to the fault-free run (NaN if non-finite or unknown). */
  readonly difference: number;
  readonly tolerance: number;
}

/** The outcome of a trial and a short reason; see the module documentation. */
export function classifyTrainTrial(f: TrainTrialFacts): { outcome: Outcome; reason: string } {
  if (f.hung) return { outcome: "hang", reason: f.error ?? "time budget exceeded" };
  if (f.error !== undefined) return { outcome: "crash", reason: f.error };
  if (f.diverged) return { outcome: "crash", reason: "stopped on a non-finite loss" };
  if (!Number.isFinite(f.difference)) return { outcome: "crash", reason: "non-finite weights" };
  const saw = [
    f.corrected > 0 ? `${f.corrected} located` : "",
    f.rollbacks > 0 ? `${f.rollbacks} roll-back${f.rollbacks === 1 ? "" : "s"}` : "",
  ].filter((s) => s !== "").join(", ");
  if (f.difference > f.tolerance) {
    return {
      outcome: "silent",
      reason: `weights differ by ${f.difference.toExponential(2)}` + (saw !== "" ? ` despite ${saw}` : ""),
    };
  }
  if (f.changed === 0) {
    if (saw !== "") return { outcome: "false-alarm", reason: `${saw} without a changed entry` };
    return { outcome: f.injected > 0 ? "masked" : "clean", reason: "" };
  }
  if (f.rollbacks > 0) return { outcome: "detected", reason: saw };
  if (f.corrected > 0) return { outcome: "corrected", reason: saw };
  return { outcome: "masked", reason: "" };
}
