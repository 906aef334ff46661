/**
 * The distributed strategies over MPI (`--transport mpi`): the same nodes as on Workers, but each
 * is one OS process started by `mpirun` (rank = node) and runs its {@link NodeProgram} directly on
 * its main thread, over the {@link MpiTransport}. Every rank builds this strategy and runs the same
 * training loop (lib/train/mpi-run.ts); every rank decodes for itself, and only rank 0 writes the
 * results. The loop's decisions stay in step because every rank sees rank 0's span reports (an
 * all-gather of every rank's report, which also brings every node's faults to rank 0). Checkpoints
 * are gathered to rank 0, which writes them as with Workers, and scattered from it on `--resume`.
 *
 * A failing call on one rank calls `MPI_Abort`, so that no rank waits forever in a collective.
 *
 * @module
 */

import { allgatherJson, gatherBytes, gatherJson, scatterBytes } from "../cluster/mpi-messages.ts";
import { MpiTransport } from "../cluster/mpi-transport.ts";
import type { Communicator } from "../cluster/mpi/communicator.ts";
import { Mpi } from "../cluster/mpi/mpi.ts";
import { ComputeGate } from "../cluster/compute-gate.ts";
import { type LinkModel, NodeProgram, type SpanReport } from "../cluster/node/program.ts";
import type { SharedSplit } from "../cluster/node/setup.ts";
import type { ImageDataset } from "../../datasets/dataset.ts";
import { UsageError } from "../errors.ts";
import { kernelModule } from "../tensor/wasm/assemble.ts";
import { createSharedMemory, PAGE_BYTES } from "../tensor/wasm/arena.ts";
import type { Strategy, StrategyContext } from "../train/strategy.ts";
import { Distributed, type DistributedOptions, type NodeRunner, planRun } from "./distributed.ts";

/** A data split as the node program reads it (no copy: one process per node). */
function splitOf(data: ImageDataset): SharedSplit {
  const { name, count, height, width, classes, pixels, labels } = data;
  return { name, count, height, width, classes, pixels, labels };
}

/**
 * Starts this rank's node: checks that `mpirun` started one rank per node of the code, then sets up
 * the node program and generates the initial weights together with the other ranks. Collective.
 * @throws UsageError when the number of ranks is not the code's P
 */
export async function createMpiDistributed(
  context: StrategyContext,
  options: DistributedOptions = {},
): Promise<Strategy> {
  const { config } = context;
  const world = Mpi.init().world;
  const run = planRun(context, options);
  if (world.size !== run.nodes) {
    throw new UsageError(
      `--transport mpi needs one rank per node: ${run.code.label} has ${run.nodes} nodes but mpirun started ` +
        `${world.size}; run mpirun -n ${run.nodes}`,
    );
  }
  const node = world.rank;
  const program = await guarded(world, async () => {
    const transport = new MpiTransport(world, run.maxLength, config.dtype);
    const p = new NodeProgram({
      node,
      nodes: run.nodes,
      code: run.spec,
      training: run.training,
      faults: run.faults,
      module: await kernelModule(),
      memory: createSharedMemory({
        initialBytes: PAGE_BYTES,
        maximumBytes: Math.min(2 ** 32, run.memoryBytes),
      }),
      gate: ComputeGate.create(1).state,
      train: splitOf(context.train),
      test: splitOf(context.test),
    }, transport);
    if (node === 0) p.onProgress = (iteration) => context.onProgress?.(iteration);
    const link: LinkModel = { latency: config.commLatency, bandwidth: config.commBandwidth };
    p.connect(link);
    p.initWeights();
    return p;
  });
  return new Distributed(config, run.code, mpiRunner(world, program), run.nodes, context.onFaults);
}

/**
 * The {@link NodeRunner} of one rank: runs its own node, all-gathers the span reports. Checkpoints
 * travel through rank 0, which alone touches the disk (the ranks may share no file system):
 * `exportSnapshots` gathers every rank's snapshot there (undefined on the other ranks), and
 * `importSnapshots` scatters from there the bytes of each rank's own snapshot, so only rank 0's
 * `bytes` are read; the other ranks pass the same snapshots with empty bytes (the JSON part, which
 * every rank needs anyway, comes from the checkpoint header rank 0 broadcast).
 */
function mpiRunner(world: Communicator, program: NodeProgram): NodeRunner {
  return {
    run: (to) => guarded(world, () => allgatherJson<SpanReport>(world, program.run(to))),
    // A dead rank makes mpirun end the job: no node is ever erased, none to respawn.
    recover: () => Promise.resolve([]),
    evaluate: () => guarded(world, () => program.evaluate()),
    exportWeights: () => guarded(world, () => program.exportWeights()),
    exportSnapshots: () =>
      guarded(world, () => {
        const { bytes, ...meta } = program.exportSnapshot();
        const metas = gatherJson(world, meta, ROOT);
        const sections = gatherBytes(world, bytes, ROOT);
        return metas?.map((m, node) => ({ ...m, bytes: sections![node] }));
      }),
    importSnapshots: (snapshots) =>
      guarded(world, () => {
        const mine = snapshots[world.rank];
        const root = world.rank === ROOT;
        const bytes = scatterBytes(world, root ? snapshots.map((s) => s.bytes) : undefined, ROOT);
        program.importSnapshot({ ...mine, bytes });
      }),
    close: () => {},
  };
}

/** The rank that reads and writes the checkpoints. */
const ROOT = 0;

/** Runs `work`; on an error, reports it with the rank and ends the whole job (`MPI_Abort`). */
async function guarded<T>(world: Communicator, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    console.error(`codenet train: rank ${world.rank} failed: ${error.message}\n${error.stack ?? ""}`);
    return world.abort(e instanceof UsageError ? 2 : 1);
  }
}
