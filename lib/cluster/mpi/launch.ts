/**
 * Starting Deno ranks with Open MPI's `mpirun` on this one machine (tests, benchmarks, demos): the
 * one place that holds the mpirun flags that work here. On a cluster, write your own mpirun line
 * (hostfile, no oversubscription) around the same `deno run` command.
 *
 * - `--oversubscribe`: more ranks than cores (38 ranks on 2 cores); Open MPI then also makes idle
 *   ranks yield the processor (`mpi_yield_when_idle`).
 * - `--allow-run-as-root`: containers and CI run as root, which mpirun refuses by default.
 * - `--bind-to none`: no pinning of ranks to cores on a machine shared with other jobs.
 *
 * No MCA transport setting is needed here (the shared-memory `vader` BTL with its default
 * single-copy mechanism works in this container); if a container forbids cross-process memory
 * access, add `--mca btl_vader_single_copy_mechanism none`.
 *
 * @module
 */

/** The mpirun flags for ranks on this machine; see the module documentation. */
export const LOCAL_MPIRUN_FLAGS: readonly string[] = [
  "--oversubscribe",
  "--allow-run-as-root",
  "--bind-to",
  "none",
];

/** Deno permissions a rank needs for the binding alone: FFI, and the CODENET_LIBMPI override. */
export const MPI_DENO_PERMISSIONS: readonly string[] = ["--allow-ffi", "--allow-env=CODENET_LIBMPI"];

/** A command line: program and arguments (for `Deno.Command`). */
export interface CommandLine {
  /** The program, e.g. "mpirun". */
  readonly command: string;
  /** Its arguments. */
  readonly args: string[];
}

/**
 * The mpirun command that starts `ranks` Deno processes running `script` with `denoArgs`
 * (permissions and flags before the script) and `scriptArgs` after it, on this machine.
 * @example
 * ```ts
 * const { command, args } = localMpirun(4, "bench/mpi.ts", { denoArgs: [...MPI_DENO_PERMISSIONS] });
 * const { code } = await new Deno.Command(command, { args }).output();
 * ```
 */
export function localMpirun(
  ranks: number,
  script: string,
  options: { denoArgs?: readonly string[]; scriptArgs?: readonly string[]; deno?: string } = {},
): CommandLine {
  if (!Number.isInteger(ranks) || ranks < 1) {
    throw new RangeError(`ranks must be a positive integer, got ${ranks}`);
  }
  const deno = options.deno ?? Deno.execPath();
  return {
    command: "mpirun",
    args: [
      ...LOCAL_MPIRUN_FLAGS,
      "-n",
      String(ranks),
      deno,
      "run",
      ...(options.denoArgs ?? MPI_DENO_PERMISSIONS),
      script,
      ...(options.scriptArgs ?? []),
    ],
  };
}

/**
 * The first line of `mpirun --version` if it is Open MPI's (e.g. "mpirun (Open MPI) 4.1.4"), or
 * undefined when mpirun is missing or belongs to another MPI. Needs `--allow-run=mpirun`.
 */
export async function openMpiVersion(): Promise<string | undefined> {
  try {
    const { success, stdout } = await new Deno.Command("mpirun", { args: ["--version"], stderr: "null" })
      .output();
    const first = new TextDecoder().decode(stdout).split("\n")[0];
    return success && first.includes("Open MPI") ? first.trim() : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
