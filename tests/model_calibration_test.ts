/** The checkpointing model's costs fitted to a run's measured time (lib/results/model-calibration.ts). */

import { calibrateRun, checkpointsTaken } from "../lib/results/model-calibration.ts";
import { segmentModel } from "../lib/train/checkpoint-model.ts";
import { assert, assertClose } from "./assert.ts";

const RATIOS = { iterationSeconds: 1, checkpointSeconds: 2, rollbackSeconds: 1 };

Deno.test("calibration: T̂ explains the measured time with the configured ratios C/T and R/T", () => {
  assert.equal(checkpointsTaken(100, 25), 4);
  assert.equal(checkpointsTaken(101, 25), 5);
  // 100 useful + 10 lost iterations, 4 checkpoints (2T each), 2 roll-backs (T each) = 120 T.
  const m = {
    seconds: 60,
    iterations: 100,
    iterationsLost: 10,
    interval: 25,
    rollbacks: 2,
    checkpoints: true,
  };
  const c = calibrateRun(RATIOS, m);
  assertClose(c.iterationSeconds, 0.5, 1e-12);
  assertClose(c.checkpointSeconds, 1, 1e-12);
  assertClose(c.rollbackSeconds, 0.5, 1e-12);
  // Fault-free: the model's time per useful iteration is then the measured one (T + C/k).
  const clean = calibrateRun(RATIOS, { ...m, iterationsLost: 0, rollbacks: 0, seconds: 108 });
  const q0 = {
    steady: 0,
    first: 0,
    verification: 0,
    uncheckedDraws: 0,
    silentFaultsPerIteration: 0,
    faultsPerIteration: 0,
  };
  assertClose(segmentModel(q0, 25, clean).secondsPerUsefulIteration, 108 / 100, 1e-12);
  // No checkpoints (centralized): T̂ = S / executed, no checkpoint or roll-back cost.
  assert.deepEqual(calibrateRun(RATIOS, { ...m, checkpoints: false }), {
    iterationSeconds: 60 / 110,
    checkpointSeconds: 0,
    rollbackSeconds: 0,
  });
});
