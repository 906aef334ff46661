/**
 * `compare` runs its strategies on the same data, initialisation and seed: this checks that the
 * runs of an experiment agree on every flag that decides them (dataset and its preprocessing,
 * sample counts, layer widths, initialisation, seed), so that a difference between runs is the
 * strategy's (and the fault rate's), not the setup's.
 *
 * @example
 * ```ts
 * import { readExperiment } from "./experiment-config.ts";
 * import { checkSameSetup } from "./same-setup.ts";
 * checkSameSetup(readExperiment("experiments/demo.json"), "experiments/demo.json"); // ok
 * ```
 *
 * @module
 */

import { flagName } from "../config/options.ts";
import { UsageError } from "../errors.ts";
import type { TrainConfig } from "./config.ts";
import type { ExperimentConfig } from "./experiment-config.ts";

/** The flags every run of a compare must share. */
export const SHARED_SETUP: readonly (keyof TrainConfig)[] = [
  "dataset",
  "normalize",
  "trainSamples",
  "testSamples",
  "layers",
  "init",
  "seed",
];

/** Throws a one-line UsageError naming the first flag on which a run differs from the first. */
export function checkSameSetup(experiment: ExperimentConfig, file: string): void {
  const [first, ...rest] = experiment.runs;
  for (const run of rest) {
    for (const key of SHARED_SETUP) {
      const a = JSON.stringify(first.config[key]);
      const b = JSON.stringify(run.config[key]);
      if (a !== b) {
        throw new UsageError(
          `${file}: run "${run.label}" has ${flagName(key)} ${b} but "${first.label}" has ${a}; ` +
            `compare runs every strategy on the same data, initialisation and seed: set it in "base"`,
        );
      }
    }
  }
}
