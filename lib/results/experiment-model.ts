/**
 * From a validated experiment config to the checkpointing model's inputs: each run's fault
 * exposure (from its train flags), checkpoint interval, costs (its model settings) and fault
 * rate, and the fault rates of the theory curves.
 *
 * @example
 * ```ts
 * import { readExperiment } from "../train/experiment-config.ts";
 * import { modelledRuns, theoryRates } from "./experiment-model.ts";
 * import { seriesOfRuns, theoryCurves } from "./expected-time-data.ts";
 * const exp = readExperiment("experiments/checkpoint-model.json");
 * const runs = modelledRuns(exp);
 * const curves = theoryCurves(seriesOfRuns(runs), theoryRates(exp.model));
 * ```
 *
 * @module
 */

import type { ExperimentConfig, ModelSettings } from "../train/experiment-config.ts";
import { exposureOfConfig } from "../train/strategy-exposure.ts";
import { logSpaced, type ModelledRun } from "./expected-time-data.ts";

/**
 * The model inputs of every run of `experiment`. `iterationSeconds` (run label → seconds)
 * replaces the configured time T of an iteration, e.g. by a measured fault-free time.
 */
export function modelledRuns(
  experiment: ExperimentConfig,
  iterationSeconds: ReadonlyMap<string, number> = new Map(),
): ModelledRun[] {
  return experiment.runs.map((run) => ({
    label: run.label,
    series: run.series,
    rate: run.config.faultRate,
    exposure: exposureOfConfig(run.config, run.label),
    interval: run.config.checkpointEvery,
    costs: {
      iterationSeconds: iterationSeconds.get(run.label) ?? run.model.iterationSeconds,
      checkpointSeconds: run.model.checkpointSeconds,
      rollbackSeconds: run.model.rollbackSeconds,
    },
  }));
}

/** The log-spaced fault rates of the theory curves. */
export function theoryRates(model: ModelSettings): number[] {
  const [lo, hi] = model.faultRateRange;
  return logSpaced(lo, hi, model.faultRatePoints);
}
