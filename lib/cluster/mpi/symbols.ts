/**
 * The FFI table of the Open MPI symbols the binding uses: the C functions with their signatures
 * (mpi.h of Open MPI 4.x/5.x, soname libmpi.so.40) and the exported globals whose *addresses* are
 * Open MPI's predefined handles (`MPI_COMM_WORLD` is `&ompi_mpi_comm_world`, `MPI_FLOAT` is
 * `&ompi_mpi_float`, …). A static of type "pointer" in `Deno.dlopen` yields the symbol's address,
 * which is exactly the handle; tests/mpi_test.ts cross-checks it against `dlsym`.
 *
 * Handles (`MPI_Comm`, `MPI_Datatype`, `MPI_Op`, `MPI_Errhandler`) are pointers in Open MPI, so
 * they travel as "pointer". Output arguments (`int *`, `MPI_Comm *`) are small typed arrays passed
 * as "buffer". Data buffers are "buffer" (any typed array, including views of a SharedArrayBuffer
 * or of WebAssembly memory, passed without a copy); the `…InPlace` aliases of the same C function
 * take "pointer" for the send buffer so that `MPI_IN_PLACE` can be passed.
 *
 * @module
 */

/** Address of one predefined Open MPI object (the handle is the address). */
const handle = { type: "pointer" } as const;

/** Every symbol the binding opens from libmpi; `Deno.dlopen(path, MPI_SYMBOLS)`. */
export const MPI_SYMBOLS = {
  // Predefined handles: exported globals of libmpi (see the module documentation).
  ompi_mpi_comm_world: handle,
  ompi_mpi_errors_return: handle,
  ompi_mpi_float: handle,
  ompi_mpi_double: handle,
  ompi_mpi_int: handle,
  ompi_mpi_uint8_t: handle,
  ompi_mpi_op_sum: handle,
  ompi_mpi_op_max: handle,
  ompi_mpi_op_min: handle,
  ompi_mpi_op_lor: handle,
  ompi_mpi_op_bor: handle,

  // Environment.
  /** int MPI_Init_thread(int *argc, char ***argv, int required, int *provided) */
  MPI_Init_thread: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  /** int MPI_Finalize(void) */
  MPI_Finalize: { parameters: [], result: "i32" },
  /** int MPI_Initialized(int *flag) */
  MPI_Initialized: { parameters: ["buffer"], result: "i32" },
  /** int MPI_Finalized(int *flag) */
  MPI_Finalized: { parameters: ["buffer"], result: "i32" },
  /** int MPI_Abort(MPI_Comm comm, int errorcode) */
  MPI_Abort: { parameters: ["pointer", "i32"], result: "i32" },
  /** double MPI_Wtime(void) */
  MPI_Wtime: { parameters: [], result: "f64" },
  /** int MPI_Get_library_version(char *version, int *resultlen) */
  MPI_Get_library_version: { parameters: ["buffer", "buffer"], result: "i32" },
  /** int MPI_Error_string(int errorcode, char *string, int *resultlen) */
  MPI_Error_string: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  /** int MPI_Error_class(int errorcode, int *errorclass) */
  MPI_Error_class: { parameters: ["i32", "buffer"], result: "i32" },

  // Communicators.
  /** int MPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler) */
  MPI_Comm_set_errhandler: { parameters: ["pointer", "pointer"], result: "i32" },
  /** int MPI_Comm_rank(MPI_Comm comm, int *rank) */
  MPI_Comm_rank: { parameters: ["pointer", "buffer"], result: "i32" },
  /** int MPI_Comm_size(MPI_Comm comm, int *size) */
  MPI_Comm_size: { parameters: ["pointer", "buffer"], result: "i32" },
  /** int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm) */
  MPI_Comm_split: { parameters: ["pointer", "i32", "i32", "buffer"], result: "i32" },
  /** int MPI_Comm_free(MPI_Comm *comm) */
  MPI_Comm_free: { parameters: ["buffer"], result: "i32" },

  // Collectives.
  /** int MPI_Barrier(MPI_Comm comm) */
  MPI_Barrier: { parameters: ["pointer"], result: "i32" },
  /** int MPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm) */
  MPI_Bcast: { parameters: ["buffer", "i32", "pointer", "i32", "pointer"], result: "i32" },
  /** int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype, MPI_Op, MPI_Comm) */
  MPI_Allreduce: {
    parameters: ["buffer", "buffer", "i32", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  /** MPI_Allreduce with `sendbuf` = MPI_IN_PLACE. */
  MPI_Allreduce_in_place: {
    name: "MPI_Allreduce",
    parameters: ["pointer", "buffer", "i32", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  /** int MPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype, MPI_Op, int root, MPI_Comm) */
  MPI_Reduce: {
    parameters: ["buffer", "buffer", "i32", "pointer", "pointer", "i32", "pointer"],
    result: "i32",
  },
  /** MPI_Reduce with `sendbuf` = MPI_IN_PLACE (valid at the root only). */
  MPI_Reduce_in_place: {
    name: "MPI_Reduce",
    parameters: ["pointer", "buffer", "i32", "pointer", "pointer", "i32", "pointer"],
    result: "i32",
  },
  /** int MPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype, void *recvbuf, int recvcount, MPI_Datatype, MPI_Comm) */
  MPI_Allgather: {
    parameters: ["buffer", "i32", "pointer", "buffer", "i32", "pointer", "pointer"],
    result: "i32",
  },
  /** MPI_Allgather with `sendbuf` = MPI_IN_PLACE. */
  MPI_Allgather_in_place: {
    name: "MPI_Allgather",
    parameters: ["pointer", "i32", "pointer", "buffer", "i32", "pointer", "pointer"],
    result: "i32",
  },
  /** int MPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype, void *recvbuf, const int recvcounts[], const int displs[], MPI_Datatype, MPI_Comm) */
  MPI_Allgatherv: {
    parameters: ["buffer", "i32", "pointer", "buffer", "buffer", "buffer", "pointer", "pointer"],
    result: "i32",
  },
  /** MPI_Allgatherv with `sendbuf` = MPI_IN_PLACE. */
  MPI_Allgatherv_in_place: {
    name: "MPI_Allgatherv",
    parameters: ["pointer", "i32", "pointer", "buffer", "buffer", "buffer", "pointer", "pointer"],
    result: "i32",
  },
  /** int MPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype, void *recvbuf, int recvcount, MPI_Datatype, int root, MPI_Comm) */
  MPI_Gather: {
    parameters: ["buffer", "i32", "pointer", "buffer", "i32", "pointer", "i32", "pointer"],
    result: "i32",
  },
  /** int MPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype, void *recvbuf, const int recvcounts[], const int displs[], MPI_Datatype, int root, MPI_Comm) */
  MPI_Gatherv: {
    parameters: ["buffer", "i32", "pointer", "buffer", "buffer", "buffer", "pointer", "i32", "pointer"],
    result: "i32",
  },
  /** int MPI_Scatterv(const void *sendbuf, const int sendcounts[], const int displs[], MPI_Datatype, void *recvbuf, int recvcount, MPI_Datatype, int root, MPI_Comm) */
  MPI_Scatterv: {
    parameters: ["buffer", "buffer", "buffer", "pointer", "buffer", "i32", "pointer", "i32", "pointer"],
    result: "i32",
  },
} as const;

/** The opened library with the symbols of {@link MPI_SYMBOLS}. */
export type MpiLibrary = Deno.DynamicLibrary<typeof MPI_SYMBOLS>;

/** The callable and readable symbols of an opened {@link MpiLibrary}. */
export type MpiSymbols = MpiLibrary["symbols"];
