/**
 * The training loop, the same for every strategy: evaluate the untrained network, then train the
 * schedule's iterations span by span through `strategy.train`, evaluating where the schedule says. Each
 * evaluation becomes a metrics row (iteration, epoch, round, samples, times, mean training loss
 * and accuracy of the batches since the previous row, test loss and accuracy, and the strategy's
 * own columns). A loss that is NaN or infinite stops training: the network is evaluated once
 * more and the outcome is "diverged".
 *
 * With `checkpointEvery`, spans also end at its multiples; there (after the row, if the schedule
 * evaluates there too) and at the end, `onCheckpoint` receives the loop's state, which `resume`
 * takes back to continue exactly where it was.
 *
 * @module
 */

import type { MetricsRow } from "../results/metrics-csv.ts";
import type { Progress } from "../results/progress.ts";
import type { RunStatus } from "../results/summary.ts";
import type { Schedule } from "./schedule.ts";
import type { Strategy } from "./strategy.ts";

/** What the loop runs and where its rows go. */
export interface LoopOptions {
  readonly strategy: Strategy;
  readonly schedule: Schedule;
  /** Receives every metrics row (e.g. appends it to metrics.csv). */
  readonly onEvaluation: (row: MetricsRow) => Promise<void>;
  readonly progress: Progress;
  /** Milliseconds clock (default performance.now). */
  readonly clock?: () => number;
  /** Iterations between checkpoints (the strategy's verified checkpoints); none when undefined. */
  readonly checkpointEvery?: number;
  /** Persists a checkpoint: the loop's state, right after `strategy.train` reached it. */
  readonly onCheckpoint?: (state: LoopState) => Promise<void>;
  /** Continues from a checkpoint's loop state (the strategy restored to the same iteration). */
  readonly resume?: LoopState;
}

/** Where the loop is, as a checkpoint saves it (plain JSON). */
export interface LoopState {
  /** Iterations done. */
  readonly iteration: number;
  /** Metrics rows so far. */
  readonly rows: readonly MetricsRow[];
  /** Training samples, loss sum and correct count since the last row. */
  readonly window: { readonly samples: number; readonly lossSum: number; readonly correct: number };
  readonly wallMs: number;
  readonly trainMs: number;
  readonly evalMs: number;
}

/** How the loop ended. */
export interface LoopOutcome {
  readonly status: RunStatus;
  /** Iterations run. */
  readonly iterations: number;
  /** Training samples processed. */
  readonly samples: number;
  /** Passes over the training samples (fractional). */
  readonly epochs: number;
  readonly wallSeconds: number;
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  /** Every metrics row, in order. */
  readonly rows: readonly MetricsRow[];
}

/** Runs the loop; see the module documentation. */
export async function trainLoop(options: LoopOptions): Promise<LoopOutcome> {
  const { strategy, schedule, onEvaluation, progress } = options;
  const clock = options.clock ?? (() => performance.now());
  const resume = options.resume;
  const start = clock() - (resume?.wallMs ?? 0);
  let trainMs = resume?.trainMs ?? 0;
  let evalMs = resume?.evalMs ?? 0;
  let window = { ...(resume?.window ?? { samples: 0, lossSum: 0, correct: 0 }) };
  const rows: MetricsRow[] = [...(resume?.rows ?? [])];
  const every = options.checkpointEvery ?? Infinity;

  const evaluateAt = async (iteration: number) => {
    const t0 = clock();
    const ev = await strategy.evaluate();
    evalMs += clock() - t0;
    const row: MetricsRow = {
      iteration,
      epoch: schedule.epochsBefore(iteration),
      round: schedule.roundsBefore(iteration),
      samples: schedule.samplesBefore(iteration),
      wall_seconds: (clock() - start) / 1000,
      train_seconds: trainMs / 1000,
      train_loss: window.samples > 0 ? window.lossSum / window.samples : undefined,
      train_accuracy: window.samples > 0 ? window.correct / window.samples : undefined,
      test_loss: ev.loss,
      test_accuracy: ev.accuracy,
      ...strategy.metrics(),
    };
    window = { samples: 0, lossSum: 0, correct: 0 };
    rows.push(row);
    await onEvaluation(row);
    progress.note(describeRow(row));
  };

  if (!resume) await evaluateAt(0);
  let iterations = resume?.iteration ?? 0;
  let status: RunStatus = "completed";
  while (iterations < schedule.totalIterations) {
    let to = iterations + 1;
    while (to < schedule.totalIterations && !schedule.evaluatesAfter(to - 1) && to % every !== 0) to++;
    const t0 = clock();
    const result = await strategy.train(iterations, to);
    trainMs += clock() - t0;
    iterations = result.reached;
    window.samples += result.samples;
    window.lossSum += result.lossSum;
    window.correct += result.correct;
    if (result.diverged || !Number.isFinite(result.lossSum)) {
      status = "diverged";
      progress.note(
        `the training loss became ${result.lossSum} at iteration ${iterations}; stopping (a fault the strategy cannot correct, or try a smaller --lr)`,
      );
      await evaluateAt(iterations);
      break;
    }
    progress.update({
      done: iterations,
      total: schedule.totalIterations,
      label: `train loss ${(window.lossSum / window.samples).toFixed(4)}`,
    });
    const last = iterations === schedule.totalIterations;
    if (last || schedule.evaluatesAfter(iterations - 1)) await evaluateAt(iterations);
    if (options.onCheckpoint && (last || iterations % every === 0)) {
      await options.onCheckpoint({
        iteration: iterations,
        rows: [...rows],
        window: { ...window },
        wallMs: clock() - start,
        trainMs,
        evalMs,
      });
    }
  }
  progress.done();
  return {
    status,
    iterations,
    samples: schedule.samplesBefore(iterations),
    epochs: schedule.epochsBefore(iterations),
    wallSeconds: (clock() - start) / 1000,
    trainSeconds: trainMs / 1000,
    evalSeconds: evalMs / 1000,
    rows,
  };
}

/** One line for an evaluation row. */
function describeRow(row: MetricsRow): string {
  const parts = [
    `iteration ${row.iteration}`,
    row.round !== undefined ? `round ${row.round}` : `epoch ${row.epoch?.toFixed(2)}`,
    row.train_loss !== undefined ? `train loss ${row.train_loss.toFixed(4)}` : "",
    `test loss ${row.test_loss?.toFixed(4)}`,
    `test accuracy ${row.test_accuracy?.toFixed(4)}`,
    `(${row.wall_seconds?.toFixed(1)} s)`,
  ];
  return parts.filter((p) => p !== "").join("  ");
}
