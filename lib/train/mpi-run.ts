/**
 * `train --transport mpi`: what every rank of `mpirun -n P deno run … cli/main.ts train` does.
 * Rank 0 runs the whole run as with Workers (lib/train/run.ts: run directory, metrics, summary);
 * every other rank loads the same data, builds its node and follows the same training loop without
 * writing anything. Every rank computes and decodes for itself; the ranks exchange only what the
 * transport carries. At the end every rank finalizes MPI; an error on any rank ends the job through
 * `MPI_Abort` (exit code 2 for bad input, 1 otherwise), so `mpirun` never hangs on a dead rank.
 *
 * @module
 */

import { loadRunInputs } from "./run-inputs.ts";
import { buildLayerCode } from "../codes/build.ts";
import { Mpi } from "../cluster/mpi/mpi.ts";
import { MpiUnavailableError } from "../cluster/mpi/find-libmpi.ts";
import { UsageError } from "../errors.ts";
import { Progress } from "../results/progress.ts";
import { codeSpecOf } from "../strategies/code-spec.ts";
import type { TrainConfig } from "./config.ts";
import { trainLoop } from "./loop.ts";
import { type RunOptions, type RunOutcome, runTraining } from "./run.ts";
import { selectStrategy } from "./select-strategy.ts";

/**
 * Runs this rank's part of an MPI run; rank 0 returns the outcome, the other ranks undefined.
 * @throws UsageError when Open MPI is not installed
 */
export async function runTrainingOverMpi(
  config: TrainConfig,
  options: RunOptions,
): Promise<RunOutcome | undefined> {
  let mpi: Mpi;
  try {
    mpi = Mpi.init();
  } catch (e) {
    if (e instanceof MpiUnavailableError) {
      throw new UsageError(`--transport mpi needs Open MPI (${e.message}); or use --transport workers`);
    }
    throw e;
  }
  const { world } = mpi;
  try {
    const nodes = buildLayerCode(codeSpecOf(config)).nodes;
    if (world.size !== nodes) {
      throw new UsageError(
        `--transport mpi needs one rank per node: the code has ${nodes} nodes but ${
          world.size === 1 ? "this is a single process" : `mpirun started ${world.size} ranks`
        }; run mpirun -n ${nodes} deno run … cli/main.ts train …`,
      );
    }
    const outcome = world.rank === 0 ? await runTraining(config, options) : await follow(config, options);
    world.barrier();
    mpi.finalize();
    return outcome;
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    // Bad input is the same on every rank: rank 0 says it once.
    if (!(e instanceof UsageError) || world.rank === 0) {
      console.error(`codenet train: error${world.size > 1 ? ` (rank ${world.rank})` : ""}: ${error.message}`);
      if (config.debug && error.stack) console.error(error.stack);
    }
    return world.abort(e instanceof UsageError ? 2 : 1);
  }
}

/** A rank other than 0: the same data, strategy and loop as rank 0, without output. */
async function follow(config: TrainConfig, options: RunOptions): Promise<undefined> {
  const { data, schedule } = await loadRunInputs(config);
  const strategy = await selectStrategy(config)({
    config,
    kernels: options.kernels,
    train: data.train,
    test: data.test,
    schedule,
  });
  try {
    await trainLoop({
      strategy,
      schedule,
      progress: new Progress("none"),
      onEvaluation: () => Promise.resolve(),
      // The same spans as rank 0's loop (which ends spans at checkpoints), so collectives match.
      checkpointEvery: config.checkpointEvery,
      onCheckpoint: async () => {
        await strategy.saveState();
      },
    });
  } finally {
    await strategy.close();
  }
  return undefined;
}
