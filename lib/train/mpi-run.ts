/**
 * `train --transport mpi`: what every rank of `mpirun -n P deno run … cli/main.ts train` does.
 * Rank 0 runs the whole run as with Workers (lib/train/run.ts: run directory, metrics, summary);
 * every other rank loads the same data, builds its node and follows the same training loop without
 * writing anything. Every rank computes and decodes for itself; the ranks exchange only what the
 * transport carries. Checkpoints go through rank 0: at each one, rank 0 gathers every rank's
 * snapshot and writes the same checkpoint as with Workers; with `--resume`, rank 0 alone reads the
 * run folder (its config and last verified checkpoint) and hands every rank its part, so the ranks'
 * hosts need no shared file system. At the end every rank finalizes MPI; an error on any rank ends
 * the job through `MPI_Abort` (exit code 2 for bad input, 1 otherwise), so `mpirun` never hangs on
 * a dead rank.
 *
 * @module
 */

import { loadRunInputs } from "./run-inputs.ts";
import { buildLayerCode } from "../codes/build.ts";
import { bcastJson } from "../cluster/mpi-messages.ts";
import type { Communicator } from "../cluster/mpi/communicator.ts";
import { Mpi } from "../cluster/mpi/mpi.ts";
import { MpiUnavailableError } from "../cluster/mpi/find-libmpi.ts";
import { UsageError } from "../errors.ts";
import { Progress } from "../results/progress.ts";
import { codeSpecOf } from "../strategies/code-spec.ts";
import type { TrainConfig } from "./config.ts";
import { trainLoop } from "./loop.ts";
import { type ResumePoint, type RunOptions, type RunOutcome, runTraining } from "./run.ts";
import { selectStrategy } from "./select-strategy.ts";

/**
 * Runs this rank's part of an MPI run; rank 0 returns the outcome, the other ranks undefined.
 * @throws UsageError when Open MPI is not installed
 */
export async function runTrainingOverMpi(
  config: TrainConfig,
  options: RunOptions,
): Promise<RunOutcome | undefined> {
  const mpi = initMpi();
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
    // On --resume, rank 0 tells the others where the run continues (before the strategy is built).
    const onStart = options.resume === undefined ? undefined : (from: ResumePoint | undefined) => {
      bcastJson(world, from ?? null, ROOT);
    };
    const outcome = world.rank === ROOT
      ? await runTraining(config, { ...options, onStart })
      : await follow(config, options, world);
    world.barrier();
    mpi.finalize();
    return outcome;
  } catch (e) {
    return fail(world, e, config.debug);
  }
}

/**
 * The configuration of `train --transport mpi --resume <dir>`: rank 0 reads it from the run folder
 * (`resolve`) and broadcasts it, so that the other ranks need no access to the folder (hosts
 * without a shared file system). Collective; an error on rank 0 ends the job (exit code 2 for bad
 * input).
 * @throws UsageError when Open MPI is not installed
 */
export function resumeConfigOverMpi(resolve: () => TrainConfig, debug = false): TrainConfig {
  const { world } = initMpi();
  let config: TrainConfig | undefined;
  if (world.rank === ROOT) {
    try {
      config = resolve();
    } catch (e) {
      return fail(world, e, debug);
    }
  }
  return bcastJson(world, config, ROOT);
}

/** The rank that writes the results and the checkpoints, and reads them back on resume. */
const ROOT = 0;

/** MPI, initialized. @throws UsageError when Open MPI is not installed */
function initMpi(): Mpi {
  try {
    return Mpi.init();
  } catch (e) {
    if (e instanceof MpiUnavailableError) {
      throw new UsageError(`--transport mpi needs Open MPI (${e.message}); or use --transport workers`);
    }
    throw e;
  }
}

/** Reports an error of this rank and ends the job (`MPI_Abort`; exit code 2 for bad input, 1 otherwise). */
function fail(world: Communicator, e: unknown, debug: boolean): never {
  const error = e instanceof Error ? e : new Error(String(e));
  // Bad input is the same on every rank: rank 0 says it once.
  if (!(e instanceof UsageError) || world.rank === ROOT) {
    console.error(`codenet train: error${world.size > 1 ? ` (rank ${world.rank})` : ""}: ${error.message}`);
    if (debug && error.stack) console.error(error.stack);
  }
  return world.abort(e instanceof UsageError ? 2 : 1);
}

/**
 * A rank other than 0: the same data, strategy and loop as rank 0, without output. On `--resume`
 * it learns from rank 0 where the run continues, and receives its own snapshot from it.
 */
async function follow(config: TrainConfig, options: RunOptions, world: Communicator): Promise<undefined> {
  const from = options.resume === undefined ? null : bcastJson<ResumePoint | null>(world, undefined, ROOT);
  const { data, schedule } = await loadRunInputs(config);
  const strategy = await selectStrategy(config)({
    config,
    kernels: options.kernels,
    train: data.train,
    test: data.test,
    schedule,
  });
  try {
    if (from !== null) {
      // Only rank 0 has the sections; each rank receives its own in restoreState (mpi-distributed.ts).
      const sections = Array.from({ length: strategy.nodes }, () => new Uint8Array(0));
      await strategy.restoreState({ header: from.strategy, sections });
    }
    await trainLoop({
      strategy,
      schedule,
      resume: from?.loop,
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
