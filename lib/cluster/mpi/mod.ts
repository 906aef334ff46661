/**
 * MPI binding over Open MPI's libmpi through Deno FFI: the public API in one import.
 *
 * @example
 * ```ts
 * // mpirun --oversubscribe -n 4 deno run --allow-ffi script.ts
 * import { Mpi } from "./lib/cluster/mpi/mod.ts";
 * const mpi = Mpi.init();
 * const { world } = mpi;
 * const partials = new Float32Array(7 * 2000); // G × L, this rank writes its group's row
 * world.allreduceInPlace(partials); // every rank now holds the G group sums
 * const row = world.split(Math.floor(world.rank / 2))!; // a grid row of width 2
 * row.barrier();
 * row.free();
 * mpi.finalize();
 * ```
 *
 * @module
 */

export { Communicator } from "./communicator.ts";
export { THREAD_LEVELS, type ThreadLevel } from "./constants.ts";
export { MpiError } from "./error.ts";
export { LIBMPI_ENV, libmpiCandidates, MpiUnavailableError, openLibmpi } from "./find-libmpi.ts";
export type { MpiArray, ReduceOp } from "./handles.ts";
export { MPI_SYMBOLS, type MpiLibrary } from "./symbols.ts";
export {
  type CommandLine,
  LOCAL_MPIRUN_FLAGS,
  localMpirun,
  MPI_DENO_PERMISSIONS,
  openMpiVersion,
} from "./launch.ts";
export { Mpi, type MpiInitOptions, mpiState } from "./mpi.ts";
