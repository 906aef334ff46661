/**
 * `summary.json`: the outcome of a run in one object. The fields below are always present;
 * strategies add their own (the distributed ones: `faults`, `modelled_seconds`, …) next to them.
 * A loss or accuracy that is not finite (a diverged run) is written as `null`.
 *
 * @module
 */

import { writeJsonAtomic } from "../io/atomic.ts";

/** How a run ended. */
export type RunStatus = "completed" | "diverged";

/** The fields every summary has. */
export interface RunSummary {
  /** "completed", or "diverged" when a loss became NaN or infinite and training stopped. */
  readonly status: RunStatus;
  /** Strategy name, as given to `--strategy`. */
  readonly strategy: string;
  /** Nodes the strategy ran on (1 for the centralized reference). */
  readonly nodes: number;
  /** Test accuracy at the last evaluation. */
  readonly final_test_accuracy: number;
  /** Mean test loss at the last evaluation. */
  readonly final_test_loss: number;
  /** Mean training loss over the batches since the previous evaluation (null if none ran). */
  readonly final_train_loss: number | null;
  /** Best test accuracy over all evaluations. */
  readonly best_test_accuracy: number;
  /** Wall time of the training loop, evaluations included, in seconds. */
  readonly wall_seconds: number;
  /** Part of it spent in training steps. */
  readonly train_seconds: number;
  /** Part of it spent in evaluations. */
  readonly eval_seconds: number;
  /** SGD steps run. */
  readonly iterations: number;
  /** Training samples processed (with repeats across epochs). */
  readonly samples: number;
  /** Passes over the training samples (fractional). */
  readonly epochs: number;
  /** Evaluations (rows of metrics.csv). */
  readonly evaluations: number;
  /** Run start and end, ISO 8601 UTC. */
  readonly started_at: string;
  readonly finished_at: string;
}

/** Writes the summary (standard fields first, then the strategy's) to `path` atomically. */
export function writeSummary(
  path: string,
  summary: RunSummary,
  extra: Readonly<Record<string, unknown>>,
): Promise<void> {
  return writeJsonAtomic(path, { ...summary, ...extra });
}
