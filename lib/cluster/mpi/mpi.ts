/**
 * The MPI environment of this process: opens Open MPI's libmpi, initializes MPI once, hands out
 * `MPI_COMM_WORLD` as a {@link Communicator}, and finalizes.
 *
 * Permissions: `--allow-ffi` (always), `--allow-env=CODENET_LIBMPI` (only to honour that override).
 * Run under `mpirun` for several ranks; a plain `deno run` is a singleton job of one rank.
 * Every MPI call must come from the thread that called {@link Mpi.init} (thread level "funneled" by
 * default): the main thread, or one Worker that owns all MPI traffic.
 *
 * @module
 */

import { MPI_MAX_LIBRARY_VERSION_STRING, THREAD_LEVELS, type ThreadLevel } from "./constants.ts";
import { Communicator } from "./communicator.ts";
import { checkMpi } from "./error.ts";
import { openLibmpi } from "./find-libmpi.ts";
import type { MpiLibrary, MpiSymbols } from "./symbols.ts";

/** Options of {@link Mpi.init}. */
export interface MpiInitOptions {
  /** Thread support to request (`MPI_Init_thread`); default "funneled". */
  readonly thread?: ThreadLevel;
}

let opened: { library: MpiLibrary; path: string } | undefined;
let current: Mpi | undefined;

function library(): { library: MpiLibrary; path: string } {
  opened ??= openLibmpi();
  return opened;
}

function flag(symbols: MpiSymbols, call: "MPI_Initialized" | "MPI_Finalized"): boolean {
  const out = new Int32Array(1);
  checkMpi(symbols, call, symbols[call](out));
  return out[0] !== 0;
}

/**
 * Whether MPI has been initialized and finalized in this process (`MPI_Initialized`,
 * `MPI_Finalized`; both may be called at any time). Opens libmpi if needed.
 */
export function mpiState(): { initialized: boolean; finalized: boolean } {
  const { symbols } = library().library;
  return { initialized: flag(symbols, "MPI_Initialized"), finalized: flag(symbols, "MPI_Finalized") };
}

/** The initialized MPI environment of this process (one per process). */
export class Mpi {
  /** `MPI_COMM_WORLD`: every rank of the job. */
  readonly world: Communicator;
  /** Thread support level MPI provided (may differ from the one requested). */
  readonly threadLevel: ThreadLevel;
  /** The name libmpi was opened by (soname or path). */
  readonly libraryPath: string;
  readonly #symbols: MpiSymbols;

  private constructor(symbols: MpiSymbols, libraryPath: string, threadLevel: ThreadLevel) {
    this.#symbols = symbols;
    this.libraryPath = libraryPath;
    this.threadLevel = threadLevel;
    checkMpi(
      symbols,
      "MPI_Comm_set_errhandler",
      symbols.MPI_Comm_set_errhandler(symbols.ompi_mpi_comm_world, symbols.ompi_mpi_errors_return),
    );
    this.world = new Communicator(symbols, symbols.ompi_mpi_comm_world);
  }

  /**
   * Opens libmpi and initializes MPI (`MPI_Init_thread`), or returns the environment an earlier
   * call initialized. Errors on `MPI_COMM_WORLD` and its splits then throw {@link MpiError}s instead
   * of aborting the job.
   * @throws MpiUnavailableError when Open MPI is not installed; Error after {@link finalize}
   * @example
   * ```ts
   * const mpi = Mpi.init();
   * const sums = new Float64Array([mpi.world.rank, 1]);
   * mpi.world.allreduceInPlace(sums); // [0 + 1 + … + (size − 1), size] on every rank
   * mpi.finalize();
   * ```
   */
  static init(options: MpiInitOptions = {}): Mpi {
    if (current !== undefined) return current;
    const { library: lib, path } = library();
    const s = lib.symbols;
    if (flag(s, "MPI_Finalized")) throw new Error("MPI was finalized; it cannot be initialized again");
    if (flag(s, "MPI_Initialized")) throw new Error("MPI was initialized outside this binding");
    const required = THREAD_LEVELS.indexOf(options.thread ?? "funneled");
    if (required < 0) throw new RangeError(`unknown MPI thread level "${options.thread}"`);
    const provided = new Int32Array(1);
    checkMpi(s, "MPI_Init_thread", s.MPI_Init_thread(null, null, required, provided));
    current = new Mpi(s, path, THREAD_LEVELS[provided[0]]);
    return current;
  }

  /** Seconds since an arbitrary time in the past (`MPI_Wtime`), for timing on this rank. */
  wtime(): number {
    return this.#symbols.MPI_Wtime();
  }

  /** The MPI library's version text (`MPI_Get_library_version`), e.g. "Open MPI v4.1.4, …", for run metadata. */
  libraryVersion(): string {
    const text = new Uint8Array(MPI_MAX_LIBRARY_VERSION_STRING);
    const length = new Int32Array(1);
    checkMpi(this.#symbols, "MPI_Get_library_version", this.#symbols.MPI_Get_library_version(text, length));
    return new TextDecoder().decode(text.subarray(0, length[0])).replace(/\0+$/, "").trim();
  }

  /**
   * Finalizes MPI (`MPI_Finalize`, collective over the job). Call it once on every rank before the
   * process exits normally; a rank that exits without it makes `mpirun` fail the job. Free split
   * communicators first.
   */
  finalize(): void {
    checkMpi(this.#symbols, "MPI_Finalize", this.#symbols.MPI_Finalize());
    current = undefined;
  }
}
