/**
 * Data of the expected-time plot and of the model-versus-measurement table: the checkpointing
 * model's curves (expected time per useful iteration against the per-node fault rate, one per
 * strategy, at its configured interval and at the optimal one) and the measured points of
 * compare runs (their last compare.csv row: time so far / useful iterations so far).
 *
 * @example
 * ```ts
 * import { gridCode } from "../codes/grid.ts";
 * import { codedExposure } from "../train/fault-exposure.ts";
 * import { logSpaced, theoryCurves } from "./expected-time-data.ts";
 * const codenet = { label: "codenet", exposure: codedExposure(gridCode({ pr: 7, qr: 5, pc: 6, qc: 4 }), 3),
 *   interval: 100, costs: { iterationSeconds: 1, checkpointSeconds: 2, rollbackSeconds: 1 } };
 * theoryCurves([codenet], logSpaced(1e-5, 1e-2, 31));
 * ```
 *
 * @module
 */

import {
  type CheckpointCosts,
  iterationFailure,
  optimalInterval,
  segmentModel,
  youngDalyInterval,
} from "../train/checkpoint-model.ts";
import { simulateCheckpointing } from "../train/checkpoint-simulation.ts";
import type { FaultExposure } from "../train/fault-exposure.ts";
import type { CompareRow } from "./compare-csv.ts";

/** A strategy as the model sees it: one theory curve. */
export interface ModelledStrategy {
  /** Curve label (a run's series, so that curves and measured points match). */
  readonly label: string;
  readonly exposure: FaultExposure;
  /** Configured checkpoint interval k. */
  readonly interval: number;
  readonly costs: CheckpointCosts;
}

/** Which interval a theory point assumes. */
export type IntervalChoice = "configured" | "optimal";

/** One point of a theory curve. */
export interface TheoryPoint {
  readonly label: string;
  readonly fault_rate: number;
  readonly seconds_per_iteration: number;
  /** The interval k used, and whether it is the configured or the optimal one. */
  readonly interval: number;
  readonly choice: IntervalChoice;
  /** Per-iteration probability of an uncorrectable event (steady state). */
  readonly failure_probability: number;
}

/** A measured point: one compare run at its fault rate. */
export interface MeasuredPoint {
  /** The series (curve) the run belongs to. */
  readonly label: string;
  /** The run's own label. */
  readonly run: string;
  readonly fault_rate: number;
  readonly seconds_per_iteration: number;
  readonly iterations: number;
  readonly rollbacks: number;
}

/** Which time of compare.csv a measurement uses. */
export type TimeKind = "wall" | "modelled";

/** `count` rates from `lo` to `hi`, evenly spaced on a log scale. */
export function logSpaced(lo: number, hi: number, count: number): number[] {
  if (!(lo > 0 && hi > lo && Number.isInteger(count) && count >= 2)) {
    throw new RangeError(`logSpaced(${lo}, ${hi}, ${count}): need 0 < lo < hi and count ≥ 2`);
  }
  const a = Math.log(lo);
  const step = (Math.log(hi) - a) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? hi : Math.exp(a + i * step)));
}

/**
 * Theory points of each strategy at each rate, with its configured interval and (when
 * `optimal`) the optimal one. Points above `maxSeconds` (time per useful iteration beyond any
 * practical use, e.g. replication with long intervals at high rates) are left out so that they
 * do not squash the plot; their curve stops there.
 */
export function theoryCurves(
  strategies: readonly ModelledStrategy[],
  rates: readonly number[],
  options: { readonly optimal?: boolean; readonly maxSeconds?: number } = {},
): TheoryPoint[] {
  const { optimal = true } = options;
  const points: TheoryPoint[] = [];
  for (const s of strategies) {
    const cap = options.maxSeconds ?? 100 * s.costs.iterationSeconds;
    for (const p of rates) {
      const failure = iterationFailure(s.exposure, p);
      const choices: [IntervalChoice, ReturnType<typeof segmentModel>][] = [
        ["configured", segmentModel(failure, s.interval, s.costs)],
      ];
      if (optimal && failure.steady > 0) choices.push(["optimal", optimalInterval(failure, s.costs)]);
      for (const [choice, m] of choices) {
        if (!(m.secondsPerUsefulIteration <= cap)) continue;
        points.push({
          label: s.label,
          fault_rate: p,
          seconds_per_iteration: m.secondsPerUsefulIteration,
          interval: m.interval,
          choice,
          failure_probability: failure.steady,
        });
      }
    }
  }
  return points;
}

/** The last row of each label (rows are cumulative), in first-appearance order. */
function lastRows(rows: readonly CompareRow[]): CompareRow[] {
  const last = new Map<string, CompareRow>();
  for (const r of rows) {
    const prev = last.get(r.label);
    if (prev === undefined || r.iterations >= prev.iterations) last.set(r.label, r);
  }
  return [...last.values()];
}

/**
 * Measured points from compare rows: per run, time so far / useful iterations so far at its last
 * row, labelled with the run's series (`seriesOf`, default the run label). Runs without
 * iterations, or without modelled time when `time` is "modelled", are skipped.
 */
export function measuredPoints(
  rows: readonly CompareRow[],
  time: TimeKind,
  seriesOf: (label: string) => string = (label) => label,
): MeasuredPoint[] {
  const out: MeasuredPoint[] = [];
  for (const r of lastRows(rows)) {
    const seconds = time === "wall" ? r.wall_seconds : r.modelled_seconds;
    if (seconds === null || r.iterations <= 0) continue;
    out.push({
      label: seriesOf(r.label),
      run: r.label,
      fault_rate: r.fault_rate,
      seconds_per_iteration: seconds / r.iterations,
      iterations: r.iterations,
      rollbacks: r.rollbacks,
    });
  }
  return out;
}

/** The model's prediction for one run beside what the run measured. */
export interface RunPrediction {
  readonly label: string;
  readonly fault_rate: number;
  readonly interval: number;
  /** Per-iteration probability of an uncorrectable event (steady state). */
  readonly failure_probability: number;
  /** Expected faults per iteration run, and those on blocks no stage checks (silent). */
  readonly faults_per_iteration: number;
  readonly silent_faults_per_iteration: number;
  readonly predicted_seconds_per_iteration: number;
  readonly measured_seconds_per_iteration: number | null;
  readonly predicted_rollbacks_per_iteration: number;
  readonly measured_rollbacks_per_iteration: number | null;
  /**
   * The Monte-Carlo simulation with the node program's semantics (checkpoint-simulation.ts,
   * `semantics: "program"`): where the closed form's assumptions leave roll-backs out. Infinity
   * when no segment succeeded within the simulation's budget.
   */
  readonly simulated_seconds_per_iteration: number;
  readonly simulated_rollbacks_per_iteration: number;
  /** Young/Daly's interval √(2C/(qT)) and the model's optimal interval with its expected time. */
  readonly young_daly_interval: number | null;
  readonly optimal_interval: number | null;
  readonly optimal_seconds_per_iteration: number | null;
}

/** Size and seed of the program-semantics simulation beside each run's prediction. */
export const PROGRAM_SIMULATION = { usefulIterations: 50_000, maxIterations: 500_000, seed: 1 } as const;

/** A run as the model sees it: its strategy (label = the run's label) and its fault rate. */
export interface ModelledRun extends ModelledStrategy {
  /** The curve the run belongs to (runs differing only in fault rate share one). */
  readonly series: string;
  readonly rate: number;
}

/** One theory curve per series, from the first run of each. */
export function seriesOfRuns(runs: readonly ModelledRun[]): ModelledStrategy[] {
  const first = new Map<string, ModelledRun>();
  for (const r of runs) if (!first.has(r.series)) first.set(r.series, r);
  return [...first.values()].map((r) => ({ ...r, label: r.series }));
}

/**
 * Predictions for runs (each strategy at its own fault rate) beside their measurement in `rows`
 * (null where a run has no row yet). Intervals are null where nothing ever rolls back (q = 0).
 */
export function predictRuns(
  runs: readonly ModelledRun[],
  rows: readonly CompareRow[],
  time: TimeKind,
): RunPrediction[] {
  const measured = new Map(measuredPoints(rows, time).map((m) => [m.run, m]));
  return runs.map((run) => {
    const failure = iterationFailure(run.exposure, run.rate);
    const model = segmentModel(failure, run.interval, run.costs);
    const simulated = simulateCheckpointing({
      exposure: run.exposure,
      rate: run.rate,
      interval: run.interval,
      costs: run.costs,
      usefulIterations: PROGRAM_SIMULATION.usefulIterations,
      maxIterations: PROGRAM_SIMULATION.maxIterations,
      seed: PROGRAM_SIMULATION.seed,
      semantics: "program",
    });
    const optimal = failure.steady > 0 ? optimalInterval(failure, run.costs) : undefined;
    const m = measured.get(run.label);
    return {
      label: run.label,
      fault_rate: run.rate,
      interval: run.interval,
      failure_probability: failure.steady,
      faults_per_iteration: failure.faultsPerIteration,
      silent_faults_per_iteration: failure.silentFaultsPerIteration,
      predicted_seconds_per_iteration: model.secondsPerUsefulIteration,
      measured_seconds_per_iteration: m?.seconds_per_iteration ?? null,
      predicted_rollbacks_per_iteration: model.rollbacksPerUsefulIteration,
      measured_rollbacks_per_iteration: m === undefined ? null : m.rollbacks / m.iterations,
      simulated_seconds_per_iteration: simulated.secondsPerUsefulIteration,
      simulated_rollbacks_per_iteration: simulated.rollbacksPerUsefulIteration,
      young_daly_interval: optimal === undefined ? null : youngDalyInterval(failure.steady, run.costs),
      optimal_interval: optimal?.interval ?? null,
      optimal_seconds_per_iteration: optimal?.secondsPerUsefulIteration ?? null,
    };
  });
}
