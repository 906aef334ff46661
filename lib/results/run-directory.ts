/**
 * The run directory: `results/<name>-<UTC time>/` by default (a numeric suffix is added if that
 * name is taken), or the folder given with `--out`, which must not already hold a run.
 *
 * @example
 * ```ts
 * import { createRunDirectory } from "./run-directory.ts";
 * const dir = await createRunDirectory({ name: "uncoded" }); // results/uncoded-20250101T120000Z
 * ```
 *
 * @module
 */

import { join } from "node:path";
import { UsageError } from "../errors.ts";

/** Compact UTC time stamp for folder names, e.g. `20250101T120000Z`. */
export function utcStamp(time: Date): string {
  return time.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** Where to put a run. */
export interface RunDirectoryOptions {
  /** Run name (letters, digits, `.`, `_`, `-`). */
  readonly name: string;
  /** Explicit folder (`--out`); default `<root>/<name>-<UTC time>`. */
  readonly out?: string;
  /** Parent of default folders (default "results"). */
  readonly root?: string;
  /** Time used in the default folder name (default now). */
  readonly time?: Date;
}

/** Files whose presence marks a folder as holding a run already. */
const RUN_FILES = ["config.json", "metrics.csv", "summary.json"];

/**
 * Checks what {@link createRunDirectory} would refuse (a bad name, an `--out` that already holds a
 * run or is a file) without creating anything.
 */
export async function checkRunDirectory(options: Pick<RunDirectoryOptions, "name" | "out">): Promise<void> {
  const { name, out } = options;
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) {
    throw new UsageError(`--name "${name}": use letters, digits, ".", "_" and "-" only (it names a folder)`);
  }
  if (out === undefined) return;
  if (out.trim() === "") throw new UsageError("--out needs a folder name");
  try {
    if (!(await Deno.stat(out)).isDirectory) throw cannotCreate(out, new Deno.errors.AlreadyExists());
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    if (e instanceof UsageError) throw e;
    throw cannotCreate(out, e);
  }
  for (const f of RUN_FILES) {
    if (await exists(join(out, f))) {
      throw new UsageError(`--out ${out}: already holds a run (${f}); choose another folder or remove it`);
    }
  }
}

/** Creates the run folder and returns its path; bad names or occupied folders are UsageErrors. */
export async function createRunDirectory(options: RunDirectoryOptions): Promise<string> {
  const { name, out, root = "results", time = new Date() } = options;
  await checkRunDirectory({ name, out });
  if (out !== undefined) {
    await makeFolder(out);
    return out;
  }
  const base = join(root, `${name}-${utcStamp(time)}`);
  for (let k = 1;; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    await makeFolder(root);
    try {
      await Deno.mkdir(dir);
      return dir;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw cannotCreate(dir, e);
    }
  }
}

async function makeFolder(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (e) {
    throw cannotCreate(dir, e);
  }
}

function cannotCreate(dir: string, e: unknown): UsageError {
  const reason = e instanceof Deno.errors.AlreadyExists || e instanceof Deno.errors.NotADirectory
    ? "a file of that name is in the way"
    : e instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : (e as Error).message;
  return new UsageError(`cannot create results folder ${dir}: ${reason}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
