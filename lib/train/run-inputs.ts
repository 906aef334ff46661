/**
 * The data and the schedule a resolved train config describes: what every run of a config needs
 * before a strategy starts (the train command, MPI followers, attack campaigns, benches, tests).
 *
 * @example
 * ```ts
 * import { loadRunInputs } from "./run-inputs.ts";
 * // const { data, schedule } = await loadRunInputs(config); // config from prepareTrainConfig
 * ```
 *
 * @module
 */

import { loadSplits } from "../../datasets/load.ts";
import type { TrainConfig } from "./config.ts";
import { Schedule } from "./schedule.ts";

/** Loads the config's training and test samples and builds its iteration schedule. */
export async function loadRunInputs(config: TrainConfig): Promise<{
  data: Awaited<ReturnType<typeof loadSplits>>;
  schedule: Schedule;
}> {
  const trainSamples = config.trainSamples;
  if (trainSamples === undefined) {
    throw new RangeError("loadRunInputs needs a configuration resolved by prepareTrainConfig");
  }
  const data = await loadSplits(config.dataset, {
    seed: config.seed,
    trainSamples,
    testSamples: config.testSamples,
  });
  const schedule = new Schedule({
    seed: config.seed,
    poolSize: trainSamples,
    batch: config.batch,
    epochs: config.epochs,
    evalEvery: config.evalEvery,
    rounds: config.rounds,
    roundSamples: config.roundSamples,
  });
  return { data, schedule };
}
