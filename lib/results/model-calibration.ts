/**
 * Puts the checkpointing model in a run's own time unit before comparing them. The experiment
 * config gives the costs as ratios (iteration T, checkpoint C, roll-back R, e.g. 1 : 2 : 1); a
 * run measured S seconds (wall or modelled) for the iterations it executed (useful ones and those
 * lost to roll-backs), the checkpoints it took (one every k useful iterations and one at the end)
 * and its roll-backs. The calibrated iteration time is the T̂ that explains S with the configured
 * ratios:
 *
 *     T̂ = S / (executed + (C/T)·checkpoints + (R/T)·roll-backs),  Ĉ = T̂·C/T,  R̂ = T̂·R/T.
 *
 * The model's prediction with these costs is then compared with the run's S / useful iterations:
 * what it tests is the overhead the model predicts (re-run iterations, roll-backs and
 * checkpoints per useful iteration against the fault rate and k), not the speed of the machine.
 * A run without checkpoints (the centralized reference) gets Ĉ = R̂ = 0.
 *
 * @example
 * ```ts
 * import { calibrateRun } from "./model-calibration.ts";
 * const costs = { iterationSeconds: 1, checkpointSeconds: 2, rollbackSeconds: 1 };
 * calibrateRun(costs, { seconds: 120, iterations: 100, iterationsLost: 10, interval: 25, rollbacks: 2, checkpoints: true });
 * // { iterationSeconds: 1, checkpointSeconds: 2, rollbackSeconds: 1 }: 120 = 110 + 2·4 + 1·2
 * ```
 *
 * @module
 */

import type { CheckpointCosts } from "../train/checkpoint-model.ts";

/** What a run measured, at its last evaluation. */
export interface RunMeasurement {
  /** Time so far (wall or modelled), seconds. */
  readonly seconds: number;
  /** Useful iterations. */
  readonly iterations: number;
  /** Iterations run again after roll-backs. */
  readonly iterationsLost: number;
  /** Checkpoint interval k. */
  readonly interval: number;
  readonly rollbacks: number;
  /** Whether the run takes checkpoints at all (the distributed strategies do). */
  readonly checkpoints: boolean;
}

/** Checkpoints a run takes for `iterations` useful iterations: every k-th and the last one. */
export function checkpointsTaken(iterations: number, interval: number): number {
  return Math.ceil(iterations / interval);
}

/** Costs in the run's time unit with the configured ratios (see the module documentation). */
export function calibrateRun(configured: CheckpointCosts, m: RunMeasurement): CheckpointCosts {
  const T = configured.iterationSeconds;
  if (!m.checkpoints) {
    const executed = m.iterations + m.iterationsLost;
    return {
      iterationSeconds: executed > 0 ? m.seconds / executed : T,
      checkpointSeconds: 0,
      rollbackSeconds: 0,
    };
  }
  const c = configured.checkpointSeconds / T;
  const r = configured.rollbackSeconds / T;
  const units = m.iterations + m.iterationsLost + c * checkpointsTaken(m.iterations, m.interval) +
    r * m.rollbacks;
  if (!(units > 0 && m.seconds > 0)) return configured;
  const t = m.seconds / units;
  return { iterationSeconds: t, checkpointSeconds: c * t, rollbackSeconds: r * t };
}
