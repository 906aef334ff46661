/**
 * What a run ran on, for `env.json`: runtime versions, code version (git commit and whether the
 * working tree had uncommitted changes, when git may be run), CPU, memory, OS, seed and time.
 * Anything that cannot be determined is `null` with a note, never a guess.
 *
 * @module
 */

import os from "node:os";
import { fileURLToPath } from "node:url";

/** The code version: a git commit, or why it is unknown. */
export interface CodeVersion {
  /** Full commit hash, or null when unknown. */
  readonly commit: string | null;
  /** True when tracked or untracked (non-ignored) files differ from the commit; null when unknown. */
  readonly dirty: boolean | null;
  /** Why the version is unknown (absent when known). */
  readonly note?: string;
}

/** Contents of `env.json`. */
export interface RunEnvironment {
  /** Start of the run, ISO 8601 UTC. */
  readonly time: string;
  /** Seed of every random draw. */
  readonly seed: number;
  /** Runtime versions. */
  readonly deno: string;
  readonly v8: string;
  readonly typescript: string;
  /** Code version of the toolkit. */
  readonly code: CodeVersion;
  /** CPU model and logical cores. */
  readonly cpu: { readonly model: string | null; readonly cores: number | null };
  /** Total memory in bytes. */
  readonly memory_bytes: number | null;
  /** Operating system. */
  readonly os: { readonly platform: string; readonly arch: string; readonly release: string | null };
  /** Kernel implementation used for the products. */
  readonly kernels: string;
}

/** The repository the toolkit runs from (two levels above lib/results/). */
const REPOSITORY = fileURLToPath(new URL("../..", import.meta.url));

/** Runs `git args` in the toolkit's repository; undefined if it fails. */
async function git(args: string[]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("git", { args, cwd: REPOSITORY, stdout: "piped", stderr: "null" })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout) : undefined;
  } catch {
    return undefined;
  }
}

/** The git commit of the toolkit and its dirty flag, when git may be run and finds a repository. */
export async function codeVersion(): Promise<CodeVersion> {
  if ((await Deno.permissions.query({ name: "run", command: "git" })).state !== "granted") {
    return { commit: null, dirty: null, note: "git may not be run (no --allow-run=git)" };
  }
  const head = await git(["rev-parse", "HEAD"]);
  if (head === undefined) {
    return { commit: null, dirty: null, note: "not a git checkout, or git not installed" };
  }
  const status = await git(["status", "--porcelain"]);
  return { commit: head.trim(), dirty: status === undefined ? null : status.trim() !== "" };
}

function orNull<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/** Collects the environment of a run that starts at `time` with `seed` on `kernels`. */
export async function collectEnvironment(
  seed: number,
  kernels: string,
  time = new Date(),
): Promise<RunEnvironment> {
  const cpus = orNull(() => os.cpus());
  return {
    time: time.toISOString(),
    seed,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    code: await codeVersion(),
    cpu: { model: cpus?.[0]?.model?.trim() || null, cores: cpus?.length || null },
    memory_bytes: orNull(() => os.totalmem()),
    os: { platform: Deno.build.os, arch: Deno.build.arch, release: orNull(() => Deno.osRelease()) },
    kernels,
  };
}
