/**
 * The few values of Open MPI's mpi.h that are plain numbers (macros or enum members), not exported
 * symbols, so they cannot be read through FFI. They are part of Open MPI's ABI (stable across the
 * libmpi.so.40 releases); tests/mpi_test.ts checks each one against the installed mpi.h when the
 * header is present (package libopenmpi-dev).
 *
 * @module
 */

/** `MPI_SUCCESS`: the return code of a call that succeeded. */
export const MPI_SUCCESS = 0;

/** `MPI_IN_PLACE` is `((void *) 1)` in Open MPI's mpi.h. */
export const MPI_IN_PLACE_ADDRESS = 1n;

/** `MPI_UNDEFINED`: the color of a rank that joins no communicator in `MPI_Comm_split`. */
export const MPI_UNDEFINED = -32766;

/** `MPI_MAX_ERROR_STRING`: buffer size for `MPI_Error_string`. */
export const MPI_MAX_ERROR_STRING = 256;

/** `MPI_MAX_LIBRARY_VERSION_STRING`: buffer size for `MPI_Get_library_version`. */
export const MPI_MAX_LIBRARY_VERSION_STRING = 256;

/** Thread support levels, in the order of mpi.h's enum (`MPI_THREAD_SINGLE` = 0 … `MULTIPLE` = 3). */
export const THREAD_LEVELS = ["single", "funneled", "serialized", "multiple"] as const;

/** One of {@link THREAD_LEVELS}. */
export type ThreadLevel = typeof THREAD_LEVELS[number];
