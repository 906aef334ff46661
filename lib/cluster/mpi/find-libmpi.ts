/**
 * Finds and opens Open MPI's `libmpi.so.40` with the symbols of {@link MPI_SYMBOLS}.
 *
 * Order: the path (or soname) in the environment variable `CODENET_LIBMPI`, if set and readable
 * (`--allow-env=CODENET_LIBMPI`), and nothing else; otherwise the soname `libmpi.so.40` through the
 * dynamic linker's search (LD_LIBRARY_PATH, ld.so.cache: Debian's multiarch directory, a cluster's
 * `module load openmpi`), then the usual install directories, then the unversioned `libmpi.so`.
 * A library that opens but lacks Open MPI's symbols (MPICH, Intel MPI) is rejected with that reason.
 *
 * @module
 */

import { MPI_SYMBOLS, type MpiLibrary } from "./symbols.ts";

/** Environment variable that names the libmpi to open (a path or a soname). */
export const LIBMPI_ENV = "CODENET_LIBMPI";

/** How to get Open MPI, for error messages. */
const INSTALL_HINT = "install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; " +
  `Fedora: dnf install openmpi-devel) or set ${LIBMPI_ENV}=/path/to/libmpi.so.40`;

/** Thrown when no usable Open MPI library can be opened; the message says what was tried and how to fix it. */
export class MpiUnavailableError extends Error {
  /** An error whose message lists what was tried and how to install Open MPI. */
  constructor(message: string) {
    super(message);
    this.name = "MpiUnavailableError";
  }
}

/** The library names to try, in order, when `CODENET_LIBMPI` is not set. */
export function libmpiCandidates(arch: string = Deno.build.arch): string[] {
  return [
    "libmpi.so.40",
    `/usr/lib/${arch}-linux-gnu/libmpi.so.40`,
    "/usr/lib64/openmpi/lib/libmpi.so.40",
    "/usr/lib/openmpi/lib/libmpi.so.40",
    "libmpi.so",
  ];
}

/** The value of `CODENET_LIBMPI`, or undefined when unset or not readable without a permission prompt. */
function overrideFromEnv(): { path?: string; note: string } {
  const status = Deno.permissions.querySync({ name: "env", variable: LIBMPI_ENV });
  if (status.state !== "granted") {
    return { note: ` (${LIBMPI_ENV} was not read: run with --allow-env=${LIBMPI_ENV} to use it)` };
  }
  const path = Deno.env.get(LIBMPI_ENV);
  return { path: path === "" ? undefined : path, note: "" };
}

/** A short reason why `Deno.dlopen` failed on one candidate. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/undefined symbol: ompi_/.test(message)) return "an MPI library, but not Open MPI (no ompi_* handles)";
  if (/undefined symbol: MPI_/.test(message)) return "not an MPI library";
  return message.split("\n")[0].replace(/^(Could not open library: )+/, "");
}

/**
 * Opens Open MPI's libmpi (see the module documentation for the search order).
 * Requires `--allow-ffi`.
 * @returns the library and the name it was opened by
 * @throws MpiUnavailableError listing every candidate tried, with the reason each failed
 * @example
 * ```ts
 * const { library, path } = openLibmpi();
 * console.log(`using ${path}`);
 * ```
 */
export function openLibmpi(): { library: MpiLibrary; path: string } {
  const override = overrideFromEnv();
  const candidates = override.path !== undefined ? [override.path] : libmpiCandidates();
  const failures: string[] = [];
  for (const path of candidates) {
    try {
      return { library: Deno.dlopen(path, MPI_SYMBOLS), path };
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      failures.push(`${path}: ${reason(error)}`);
    }
  }
  const from = override.path !== undefined ? ` from ${LIBMPI_ENV}` : "";
  throw new MpiUnavailableError(
    `Open MPI's libmpi could not be opened${from}${override.note}; ${INSTALL_HINT}. Tried: ${
      failures.join("; ")
    }`,
  );
}
